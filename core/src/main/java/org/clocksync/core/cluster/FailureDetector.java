package org.clocksync.core.cluster;

import java.util.List;
import org.clocksync.core.Action;

/**
 * Heartbeat failure detector for one node, driven by ticks (sans-IO). Sends a heartbeat to each topology target every
 * period; suspects a monitored peer silent for longer than its timeout, then tells every peer at once with a failure
 * notice; un-suspects a peer heard from again. Formulas (timeout, worst-case detection with and without notices) are
 * derived in docs/failover.md.
 *
 * <p>SKELETON: the public surface below is fixed (the daemon and ClusterMembership are written against it); the
 * bodies are being implemented.
 */
public final class FailureDetector {

    public FailureDetector(int selfId, List<Integer> peerIds, ClusterConfig config, long nowNanos) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Advances time: returns {@code Send(target, Heartbeat(seq, coordinatorId))} for heartbeats now due, and for each
     * monitored peer that just timed out a {@code PeerSuspected(id, false, silentNanos)} followed by
     * {@code Send(p, FailureNotice(id, lastHeardNanos))} to every other peer p.
     */
    public List<Action> tick(long nowNanos, int coordinatorId) {
        throw new UnsupportedOperationException();
    }

    /** Any frame from {@code peerId} proves it alive: returns {@code PeerRecovered} if it was suspected. */
    public List<Action> onHeardFrom(int peerId, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    /**
     * A failure notice from {@code fromId} about {@code suspectId}: returns {@code PeerSuspected(suspectId, true, ..)}
     * if this node did not suspect it yet. A notice about this node itself, or about a peer heard from more recently
     * than the notice's lastHeardNanos allows, is ignored.
     */
    public List<Action> onFailureNotice(int fromId, int suspectId, long lastHeardNanos, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public boolean suspected(int peerId) {
        throw new UnsupportedOperationException();
    }

    /** Every peer in id order. */
    public List<PeerView> peers() {
        throw new UnsupportedOperationException();
    }

    /** How long a monitored peer may stay silent before it is suspected: T + max - min of its channel. */
    public long timeoutNanos(int peerId) {
        throw new UnsupportedOperationException();
    }

    /** Worst time from a crash to this node's own suspicion: T + 2*max - min + tick. */
    public long worstCaseDetectionNanos(int peerId) {
        throw new UnsupportedOperationException();
    }

    /** Worst time from a crash to suspicion at a node that learns it only from a failure notice. */
    public long worstCaseNoticeDetectionNanos(int peerId) {
        throw new UnsupportedOperationException();
    }

    public long heartbeatsSent() {
        throw new UnsupportedOperationException();
    }

    /** Heartbeat periods in which a monitored peer was expected but silent. */
    public long heartbeatsMissed() {
        throw new UnsupportedOperationException();
    }
}
