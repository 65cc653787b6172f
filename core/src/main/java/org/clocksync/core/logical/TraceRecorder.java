package org.clocksync.core.logical;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One node's side of tracing: it advances the node's Lamport clock and vector clock on each send, receive and
 * internal event, and returns the {@link TraceEvent} to write. Pure and single-threaded, so the daemon (on its event
 * loop) and the textbook timelines in the tests drive exactly the same rules.
 *
 * <p>Rules: every event increments this node's vector entry; a send or internal event ticks the Lamport clock; a
 * receive sets it to {@code max(local, sender) + 1} and first merges the sender's vector, if the frame carried one.
 */
public final class TraceRecorder {
    private final String node;
    private final int nodeId;
    private final LamportClock lamport;
    private VectorClock vector = VectorClock.empty();
    private long index;
    private long vectorsIgnored;

    /** {@code lamport} is the node's clock, shared with whatever else stamps its frames. */
    public TraceRecorder(String node, int nodeId, LamportClock lamport) {
        if (!TraceFormat.isHostName(node)) {
            throw new IllegalArgumentException("trace node name \"" + node + "\" must start with a letter and hold only"
                    + " letters, digits, '.', '_' and '-' (at most 64)");
        }
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node ids are positive, got " + nodeId);
        }
        this.node = node;
        this.nodeId = nodeId;
        this.lamport = Objects.requireNonNull(lamport, "lamport");
    }

    /** The vector clock after the last event: what a frame sent at that event carries. */
    public VectorClock vector() {
        return vector;
    }

    /** Events so far; the last event's index. */
    public long events() {
        return index;
    }

    /** Received vectors left out (too many entries together, or claiming events of this node it never had). */
    public long vectorsIgnored() {
        return vectorsIgnored;
    }

    /** A send: the returned event's Lamport time is the one the frame must carry, and {@link #vector()} its vector. */
    public TraceEvent send(String description) {
        long time = lamport.tick();
        vector = vector.increment(nodeId);
        return event(TraceEvent.Kind.SEND, time, nodeId + ":" + time, description);
    }

    /**
     * A receive of a frame from {@code senderId} stamped {@code senderLamport}, with the sender's vector or null when
     * the frame carried none (the sender does not trace).
     */
    public TraceEvent receive(int senderId, long senderLamport, VectorClock senderVector, String description) {
        if (senderVector != null) {
            if (senderVector.get(nodeId) > index) {
                vectorsIgnored++;
            } else {
                try {
                    vector = vector.merge(senderVector);
                } catch (IllegalStateException tooMany) {
                    vectorsIgnored++;
                }
            }
        }
        long time = lamport.receive(senderLamport);
        vector = vector.increment(nodeId);
        return event(TraceEvent.Kind.RECEIVE, time, senderId + ":" + senderLamport, description);
    }

    /** An event that sends nothing: a clock correction, a role change. */
    public TraceEvent internal(String description) {
        long time = lamport.tick();
        vector = vector.increment(nodeId);
        return event(TraceEvent.Kind.INTERNAL, time, null, description);
    }

    private TraceEvent event(TraceEvent.Kind kind, long time, String messageId, String description) {
        index++;
        SortedMap<String, Long> byHost = new TreeMap<>();
        for (Map.Entry<Integer, Long> e : vector.asMap().entrySet()) {
            byHost.put(e.getKey() == nodeId ? node : Integer.toString(e.getKey()), e.getValue());
        }
        return new TraceEvent(node, index, kind, time, byHost, messageId, description);
    }
}
