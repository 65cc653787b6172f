package org.clocksync.core.logical;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Questions about a merged trace (every vector keyed by node name, every node's events numbered 1..n): did one event
 * happen before another, which events are concurrent with one, which send did a receive receive. Happened-before is
 * read from the recorded vector timestamps: a happened before b exactly when b's entry for a's node has reached a's
 * index. {@link #recomputedVectors()} rebuilds the vectors from the send/receive pairs alone, as a check that the
 * recorded ones are right.
 */
public final class TraceAnalysis {
    private static final Comparator<TraceEvent> BY_NODE_AND_INDEX =
            Comparator.comparing(TraceEvent::node).thenComparingLong(TraceEvent::index);

    private final List<TraceEvent> events;
    private final SortedMap<String, List<TraceEvent>> byNode = new TreeMap<>();
    private final Map<String, TraceEvent> byName = new HashMap<>();
    private final Map<String, TraceEvent> sendById = new HashMap<>();
    private final List<String> duplicateSends = new ArrayList<>();

    public TraceAnalysis(List<TraceEvent> events) {
        this.events = List.copyOf(events);
        for (TraceEvent e : this.events) {
            byNode.computeIfAbsent(e.node(), n -> new ArrayList<>()).add(e);
            if (byName.put(e.name(), e) != null) {
                throw new IllegalArgumentException("event " + e.name() + " appears twice");
            }
            if (e.kind() == TraceEvent.Kind.SEND) {
                TraceEvent other = sendById.put(e.messageId(), e);
                if (other != null) {
                    duplicateSends.add("sends " + other.name() + " and " + e.name() + " have the same message id " + e.messageId());
                }
            }
        }
        for (Map.Entry<String, List<TraceEvent>> e : byNode.entrySet()) {
            e.getValue().sort(BY_NODE_AND_INDEX);
            List<TraceEvent> list = e.getValue();
            if (list.get(list.size() - 1).index() != list.size()) {
                throw new IllegalArgumentException(e.getKey() + "'s events are not numbered 1.." + list.size());
            }
        }
        for (TraceEvent e : this.events) {
            for (Map.Entry<String, Long> entry : e.vector().entrySet()) {
                List<TraceEvent> of = byNode.get(entry.getKey());
                if (of == null) {
                    throw new IllegalArgumentException(e.name() + "'s vector names " + entry.getKey()
                            + ", which has no events here (merge the nodes' traces first)");
                }
                if (entry.getValue() > of.size()) {
                    throw new IllegalArgumentException(e.name() + "'s vector knows " + entry.getValue() + " events of "
                            + entry.getKey() + ", which has only " + of.size());
                }
            }
        }
    }

    /** The events in the order given. */
    public List<TraceEvent> events() {
        return events;
    }

    /** Node names, sorted. */
    public List<String> nodes() {
        return List.copyOf(byNode.keySet());
    }

    /** The events of one node in index order (empty for an unknown node). */
    public List<TraceEvent> eventsOf(String node) {
        return Collections.unmodifiableList(byNode.getOrDefault(node, List.of()));
    }

    /** The event named {@code NODE:INDEX}; IllegalArgumentException with the names that exist when there is none. */
    public TraceEvent event(String name) {
        TraceEvent e = byName.get(name);
        if (e != null) {
            return e;
        }
        int colon = name.lastIndexOf(':');
        String node = colon > 0 ? name.substring(0, colon) : name;
        List<TraceEvent> of = byNode.get(node);
        if (of != null) {
            throw new IllegalArgumentException("unknown event " + name + ": " + node + " has events " + node + ":1 to "
                    + node + ":" + of.size());
        }
        throw new IllegalArgumentException("unknown event " + name + ": events are named NODE:INDEX, e.g. "
                + (events.isEmpty() ? "KMC:12" : events.get(0).name()) + "; the nodes are " + String.join(", ", byNode.keySet()));
    }

    /** a happened before b (a != b): b's vector has reached a's index in a's node's entry. */
    public boolean happenedBefore(TraceEvent a, TraceEvent b) {
        return !a.equals(b) && b.vectorOf(a.node()) >= a.index();
    }

    /** Neither happened before the other, and they are not the same event. */
    public boolean concurrent(TraceEvent a, TraceEvent b) {
        return !a.equals(b) && !happenedBefore(a, b) && !happenedBefore(b, a);
    }

    /** BEFORE (a happened before b), AFTER, EQUAL (the same event) or CONCURRENT. */
    public VectorClock.Order order(TraceEvent a, TraceEvent b) {
        if (a.equals(b)) {
            return VectorClock.Order.EQUAL;
        }
        return happenedBefore(a, b) ? VectorClock.Order.BEFORE
                : happenedBefore(b, a) ? VectorClock.Order.AFTER : VectorClock.Order.CONCURRENT;
    }

    /** Every event concurrent with {@code e}, by node name then index. */
    public List<TraceEvent> concurrentWith(TraceEvent e) {
        List<TraceEvent> result = new ArrayList<>();
        for (List<TraceEvent> list : byNode.values()) {
            for (TraceEvent other : list) {
                if (concurrent(e, other)) {
                    result.add(other);
                }
            }
        }
        return result;
    }

    /** The send a receive received, when the sender's trace is here. */
    public Optional<TraceEvent> sendOf(TraceEvent receive) {
        return receive.kind() == TraceEvent.Kind.RECEIVE ? Optional.ofNullable(sendById.get(receive.messageId()))
                : Optional.empty();
    }

    /** Receives whose send is not in the trace (a client that does not trace, or a node whose trace is missing). */
    public List<TraceEvent> unmatchedReceives() {
        return events.stream().filter(e -> e.kind() == TraceEvent.Kind.RECEIVE && sendOf(e).isEmpty())
                .sorted(BY_NODE_AND_INDEX).toList();
    }

    /** Sends and the receives that match them, send first. */
    public List<Map.Entry<TraceEvent, TraceEvent>> messages() {
        List<Map.Entry<TraceEvent, TraceEvent>> pairs = new ArrayList<>();
        for (List<TraceEvent> list : byNode.values()) {
            for (TraceEvent e : list) {
                sendOf(e).ifPresent(send -> pairs.add(Map.entry(send, e)));
            }
        }
        return pairs;
    }

    /**
     * Vector timestamps rebuilt from the send/receive pairs alone (by event name): each event takes its node's
     * previous vector with its own entry one higher, and a receive first merges its send's. Equal to the recorded
     * vectors when every message between traced nodes is in the trace.
     */
    public Map<String, SortedMap<String, Long>> recomputedVectors() {
        Map<String, SortedMap<String, Long>> result = new LinkedHashMap<>();
        recompute((e, vector, lamport) -> result.put(e.name(), vector));
        return result;
    }

    /**
     * Lamport times rebuilt the same way: a send or internal event is its node's previous time + 1, a receive
     * {@code max(previous, send) + 1} (for a receive without its send, the sender's time from the message id).
     */
    public Map<String, Long> recomputedLamport() {
        Map<String, Long> result = new LinkedHashMap<>();
        recompute((e, vector, lamport) -> result.put(e.name(), lamport));
        return result;
    }

    /** Events whose recorded vector differs from the recomputed one, one line each. */
    public List<String> recomputedVectorMismatches() {
        List<String> problems = new ArrayList<>();
        recompute((e, vector, lamport) -> {
            if (!vector.equals(e.vector())) {
                problems.add(e.name() + " recorded " + e.vector() + ", recomputed from the messages " + vector);
            }
        });
        return problems;
    }

    /**
     * Everything in the trace that breaks the clock rules, one line each: along a node, Lamport times must rise and
     * vectors never fall; a receive must come after its send in both clocks (its vector at least the send's, entry
     * by entry, and its Lamport time greater); message ids must be unique.
     */
    public List<String> inconsistencies() {
        List<String> problems = new ArrayList<>(duplicateSends);
        for (List<TraceEvent> list : byNode.values()) {
            for (int i = 1; i < list.size(); i++) {
                TraceEvent prev = list.get(i - 1);
                TraceEvent e = list.get(i);
                if (e.lamport() <= prev.lamport()) {
                    problems.add(e.name() + " has Lamport time " + e.lamport() + ", not above " + prev.name() + "'s "
                            + prev.lamport());
                }
                if (!lessOrEqual(prev.vector(), e.vector())) {
                    problems.add(e.name() + "'s vector " + e.vector() + " is below " + prev.name() + "'s " + prev.vector());
                }
            }
        }
        for (Map.Entry<TraceEvent, TraceEvent> m : messages()) {
            TraceEvent send = m.getKey();
            TraceEvent receive = m.getValue();
            if (receive.lamport() <= send.lamport()) {
                problems.add("receive " + receive.name() + " has Lamport time " + receive.lamport() + ", not above its send "
                        + send.name() + "'s " + send.lamport());
            }
            if (!lessOrEqual(send.vector(), receive.vector())) {
                problems.add("receive " + receive.name() + "'s vector " + receive.vector() + " does not include its send "
                        + send.name() + "'s " + send.vector());
            }
        }
        return problems;
    }

    /** Every entry of a at most b's. */
    public static boolean lessOrEqual(Map<String, Long> a, Map<String, Long> b) {
        for (Map.Entry<String, Long> e : a.entrySet()) {
            if (e.getValue() > b.getOrDefault(e.getKey(), 0L)) {
                return false;
            }
        }
        return true;
    }

    private interface Visitor {
        void visit(TraceEvent e, SortedMap<String, Long> vector, long lamport);
    }

    /** Walks the events in an order where every send comes before its receives; nodes advance while they can. */
    private void recompute(Visitor visitor) {
        Map<String, Integer> nodeNumber = new HashMap<>();
        for (String node : byNode.keySet()) {
            nodeNumber.put(node, nodeNumber.size() + 1);
        }
        Map<String, VectorClock> vectorOf = new HashMap<>();
        Map<String, Long> lamportOf = new HashMap<>();
        Map<String, Integer> next = new HashMap<>();
        Map<String, VectorClock> nodeVector = new HashMap<>();
        Map<String, Long> nodeLamport = new HashMap<>();
        int done = 0;
        boolean progress = true;
        while (done < events.size() && progress) {
            progress = false;
            for (String node : byNode.keySet()) {
                List<TraceEvent> list = byNode.get(node);
                int i = next.getOrDefault(node, 0);
                while (i < list.size()) {
                    TraceEvent e = list.get(i);
                    VectorClock vector = nodeVector.getOrDefault(node, VectorClock.empty());
                    long lamport = nodeLamport.getOrDefault(node, 0L);
                    if (e.kind() == TraceEvent.Kind.RECEIVE) {
                        TraceEvent send = sendById.get(e.messageId());
                        if (send != null && !vectorOf.containsKey(send.name())) {
                            break;
                        }
                        long remote = send != null ? lamportOf.get(send.name())
                                : Long.parseLong(e.messageId().substring(e.messageId().indexOf(':') + 1));
                        if (send != null) {
                            vector = vector.merge(vectorOf.get(send.name()));
                        }
                        lamport = Math.max(lamport, remote) + 1;
                    } else {
                        lamport = lamport + 1;
                    }
                    vector = vector.increment(nodeNumber.get(node));
                    nodeVector.put(node, vector);
                    nodeLamport.put(node, lamport);
                    vectorOf.put(e.name(), vector);
                    lamportOf.put(e.name(), lamport);
                    visitor.visit(e, byName(vector, nodeNumber), lamport);
                    i++;
                    done++;
                    progress = true;
                }
                next.put(node, i);
            }
        }
        if (done < events.size()) {
            List<String> stuck = new ArrayList<>();
            for (String node : byNode.keySet()) {
                int i = next.getOrDefault(node, 0);
                if (i < byNode.get(node).size()) {
                    TraceEvent e = byNode.get(node).get(i);
                    stuck.add(e.name() + " waits for " + sendById.get(e.messageId()).name());
                }
            }
            throw new IllegalArgumentException("the sends and receives form a cycle, no order of events fits them: "
                    + String.join("; ", stuck));
        }
    }

    private static SortedMap<String, Long> byName(VectorClock vector, Map<String, Integer> nodeNumber) {
        SortedMap<String, Long> result = new TreeMap<>();
        for (Map.Entry<String, Integer> n : nodeNumber.entrySet()) {
            long value = vector.get(n.getValue());
            if (value > 0) {
                result.put(n.getKey(), value);
            }
        }
        return result;
    }
}
