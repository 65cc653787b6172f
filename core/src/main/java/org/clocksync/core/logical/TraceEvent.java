package org.clocksync.core.logical;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One event of a trace: the {@code index}-th event of {@code node}, with its Lamport and vector timestamps.
 *
 * <p>The vector maps host names to counters, as ShiViz reads it; it always holds {@code node -> index} (a node's own
 * entry counts its own events, so the n-th event has n there). In a single node's trace file the other entries are
 * keyed by node id (a node knows its peers only by id); {@link TraceMerge} turns them into names.
 *
 * @param messageId for a send, {@code senderId:senderLamport}, which is unique per send; a receive carries the one of
 *                  the send it received, which is how merged traces pair them up; null for an internal event
 * @param description one line of free text: message type, peer, fields
 */
public record TraceEvent(String node, long index, Kind kind, long lamport, SortedMap<String, Long> vector,
        String messageId, String description) {

    /** What happened at this event. */
    public enum Kind { SEND, RECEIVE, INTERNAL }

    /** Longest description kept; longer ones are cut (a hostile peer chooses some of the text). */
    public static final int MAX_DESCRIPTION_CHARS = 512;

    public TraceEvent {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        if (!TraceFormat.isHostName(node)) {
            throw new IllegalArgumentException("node name \"" + node + "\" must start with a letter and hold only"
                    + " letters, digits, '.', '_' and '-' (at most 64)");
        }
        if (index < 1) {
            throw new IllegalArgumentException(node + ": event index " + index + ", indexes start at 1");
        }
        if (lamport < 0) {
            throw new IllegalArgumentException(node + ":" + index + ": negative Lamport time " + lamport);
        }
        SortedMap<String, Long> copy = new TreeMap<>();
        for (Map.Entry<String, Long> e : vector.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException(node + ":" + index + ": vector entry " + e.getKey() + " is " + e.getValue());
            }
            if (e.getValue() > 0) {
                copy.put(e.getKey(), e.getValue());
            }
        }
        if (!Long.valueOf(index).equals(copy.get(node))) {
            throw new IllegalArgumentException(node + ":" + index + ": its own vector entry is " + copy.get(node)
                    + ", it must equal the event's index " + index);
        }
        vector = Collections.unmodifiableSortedMap(copy);
        if ((kind == Kind.INTERNAL) != (messageId == null)) {
            throw new IllegalArgumentException(node + ":" + index + ": a " + kind + " event "
                    + (messageId == null ? "needs" : "has no") + " message id");
        }
        if (messageId != null && !messageId.matches("[0-9]{1,10}:[0-9]{1,19}")) {
            throw new IllegalArgumentException(node + ":" + index + ": message id \"" + messageId
                    + "\" is not SENDERID:LAMPORT");
        }
        description = sanitize(description);
    }

    /** The event's name in merged traces and queries: {@code NODE:INDEX}, e.g. {@code KMC:12}. */
    public String name() {
        return node + ":" + index;
    }

    /** This node's entry, and the counter of {@code host}, 0 when absent. */
    public long vectorOf(String host) {
        return vector.getOrDefault(host, 0L);
    }

    /** One line: control characters (line breaks included) become '?', and at most {@value #MAX_DESCRIPTION_CHARS} characters. */
    public static String sanitize(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_DESCRIPTION_CHARS));
        for (int i = 0; i < text.length() && b.length() < MAX_DESCRIPTION_CHARS; i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return b.toString();
    }
}
