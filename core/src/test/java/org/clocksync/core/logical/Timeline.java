package org.clocksync.core.logical;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A space-time diagram from a textbook, driven through {@link TraceRecorder} (the same code the daemons run): each
 * process has an id (1, 2, ... in the order given) and each event a letter. Steps must be given in an order where
 * every send comes before its receive, as on paper.
 */
final class Timeline {
    private final List<String> processes;
    private final Map<String, TraceRecorder> recorders = new LinkedHashMap<>();
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private final Map<String, TraceEvent> byLetter = new LinkedHashMap<>();
    private final Map<String, VectorClock> clockAfter = new LinkedHashMap<>();
    private final Map<String, Sent> messages = new LinkedHashMap<>();
    private final List<TraceEvent> events = new ArrayList<>();

    private record Sent(int senderId, long lamport, VectorClock vector) {
    }

    Timeline(String... processes) {
        this.processes = List.of(processes);
        for (String p : processes) {
            ids.put(p, ids.size() + 1);
            recorders.put(p, new TraceRecorder(p, ids.get(p), new LamportClock()));
        }
    }

    Timeline internal(String letter, String process) {
        return record(letter, recorders.get(process).internal("event " + letter));
    }

    Timeline send(String letter, String process, String message) {
        TraceRecorder r = recorders.get(process);
        TraceEvent e = r.send("event " + letter + " sends " + message);
        messages.put(message, new Sent(ids.get(process), e.lamport(), r.vector()));
        return record(letter, e);
    }

    Timeline receive(String letter, String process, String message) {
        Sent sent = messages.get(message);
        if (sent == null) {
            throw new IllegalStateException(message + " is received at " + letter + " before it is sent");
        }
        return record(letter, recorders.get(process).receive(sent.senderId(), sent.lamport(), sent.vector(),
                "event " + letter + " receives " + message));
    }

    private Timeline record(String letter, TraceEvent e) {
        byLetter.put(letter, e);
        clockAfter.put(letter, recorders.get(e.node()).vector());
        events.add(e);
        return this;
    }

    /** Every event as the nodes recorded it (peers keyed by id), in the order the steps were given. */
    List<TraceEvent> events() {
        return List.copyOf(events);
    }

    TraceEvent recorded(String letter) {
        return byLetter.get(letter);
    }

    /** The process's VectorClock right after the event (ids 1, 2, ... for the processes in order). */
    VectorClock clockAt(String letter) {
        return clockAfter.get(letter);
    }

    List<String> letters() {
        return List.copyOf(byLetter.keySet());
    }

    /** The event's letter from its name NODE:INDEX. */
    String letterOf(TraceEvent e) {
        for (Map.Entry<String, TraceEvent> entry : byLetter.entrySet()) {
            if (entry.getValue().name().equals(e.name())) {
                return entry.getKey();
            }
        }
        throw new IllegalArgumentException("no letter for " + e.name());
    }

    /** A vector written as on paper, one counter per process in the order given, as host -> counter without zeros. */
    SortedMap<String, Long> v(long... counters) {
        SortedMap<String, Long> map = new TreeMap<>();
        for (int i = 0; i < counters.length; i++) {
            if (counters[i] > 0) {
                map.put(processes.get(i), counters[i]);
            }
        }
        return map;
    }

    /** The same vector as the core's VectorClock over process ids. */
    VectorClock clock(long... counters) {
        Map<Integer, Long> map = new TreeMap<>();
        for (int i = 0; i < counters.length; i++) {
            map.put(i + 1, counters[i]);
        }
        return VectorClock.of(map);
    }
}
