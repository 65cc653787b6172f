package org.clocksync.core.logical;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Joins the traces of several nodes into one log ShiViz can load: every vector entry keyed by a node id (as a node's
 * own trace names its peers) is renamed to that node's name, entries for nodes without a trace are left out, and
 * entries past the end of a node's trace (it stopped tracing, e.g. at its size cap) are cut to its last event, which
 * is exactly what the vector says restricted to the events that were written. Events come out in Lamport order
 * (ties by node and index), one valid order of the happened-before relation.
 *
 * <p>A node's id is read from its {@code start id=N} event, or failing that from the ids of its sends; a node that
 * never sent anything cannot appear in anyone else's vector.
 */
public final class TraceMerge {
    private static final Pattern START = Pattern.compile("start id=([1-9][0-9]{0,9})\\b.*");

    /** The merged events, what was left out or cut (one line each), and every node's id where known. */
    public record Result(List<TraceEvent> events, List<String> warnings, SortedMap<String, Integer> nodeIds) {
    }

    private TraceMerge() {
    }

    /** Events of any nodes, as parsed from any number of files; IllegalArgumentException says what does not fit. */
    public static Result merge(List<TraceEvent> events) {
        SortedMap<String, List<TraceEvent>> byNode = new TreeMap<>();
        for (TraceEvent e : events) {
            byNode.computeIfAbsent(e.node(), n -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<String, List<TraceEvent>> e : byNode.entrySet()) {
            List<TraceEvent> list = e.getValue();
            list.sort(Comparator.comparingLong(TraceEvent::index));
            for (int i = 0; i < list.size(); i++) {
                long index = list.get(i).index();
                if (index != i + 1) {
                    throw new IllegalArgumentException(index == i ? "event " + e.getKey() + ":" + index
                            + " appears twice (the same trace given twice, or two nodes named " + e.getKey() + "?)"
                            : e.getKey() + "'s events jump from " + i + " to " + index
                                    + " (every event of a node is numbered 1, 2, 3, ...; is a part of its trace missing?)");
                }
            }
        }
        SortedMap<String, Integer> nodeIds = nodeIds(byNode);
        Map<Integer, String> names = new TreeMap<>();
        nodeIds.forEach((name, id) -> {
            String other = names.put(id, name);
            if (other != null) {
                throw new IllegalArgumentException("nodes " + other + " and " + name + " both have id " + id
                        + "; every node needs its own --id");
            }
        });

        SortedMap<String, Long> missingRefs = new TreeMap<>();
        SortedMap<String, Long> cutRefs = new TreeMap<>();
        List<TraceEvent> merged = new ArrayList<>(events.size());
        for (List<TraceEvent> list : byNode.values()) {
            for (TraceEvent e : list) {
                SortedMap<String, Long> vector = new TreeMap<>();
                for (Map.Entry<String, Long> entry : e.vector().entrySet()) {
                    String key = entry.getKey();
                    String name = byNode.containsKey(key) ? key
                            : TraceFormat.isNodeId(key) ? names.get(Integer.parseInt(key)) : null;
                    if (name == null) {
                        missingRefs.merge(TraceFormat.isNodeId(key) ? "node " + key : key, 1L, Long::sum);
                        continue;
                    }
                    long value = entry.getValue();
                    long last = byNode.get(name).size();
                    if (value > last) {
                        cutRefs.merge(name, 1L, Long::sum);
                        value = last;
                    }
                    vector.merge(name, value, Math::max);
                }
                merged.add(new TraceEvent(e.node(), e.index(), e.kind(), e.lamport(), vector, e.messageId(),
                        e.description()));
            }
        }
        merged.sort(Comparator.comparingLong(TraceEvent::lamport).thenComparing(TraceEvent::node)
                .thenComparingLong(TraceEvent::index));

        List<String> warnings = new ArrayList<>();
        missingRefs.forEach((who, count) -> warnings.add(count + " events know of events of " + who
                + ", which has no trace here; those vector entries were left out"));
        cutRefs.forEach((name, count) -> warnings.add(count + " events know of events of " + name + " past the end"
                + " of its trace (it stopped tracing); those entries were cut to its last event"));
        return new Result(List.copyOf(merged), List.copyOf(warnings), nodeIds);
    }

    private static SortedMap<String, Integer> nodeIds(SortedMap<String, List<TraceEvent>> byNode) {
        SortedMap<String, Integer> ids = new TreeMap<>();
        for (Map.Entry<String, List<TraceEvent>> e : byNode.entrySet()) {
            Integer id = null;
            for (TraceEvent event : e.getValue()) {
                Integer found = null;
                if (event.kind() == TraceEvent.Kind.SEND) {
                    found = Integer.parseInt(event.messageId().substring(0, event.messageId().indexOf(':')));
                } else if (event.kind() == TraceEvent.Kind.INTERNAL) {
                    Matcher m = START.matcher(event.description());
                    if (m.matches() && Long.parseLong(m.group(1)) <= Integer.MAX_VALUE) {
                        found = Integer.parseInt(m.group(1));
                    }
                }
                if (found != null && id != null && !found.equals(id)) {
                    throw new IllegalArgumentException(e.getKey() + "'s trace says it is node " + id + " and node " + found
                            + " (at " + event.name() + "); were two nodes' traces written under one name?");
                }
                if (found != null) {
                    id = found;
                }
            }
            if (id != null) {
                ids.put(e.getKey(), id);
            }
        }
        return ids;
    }
}
