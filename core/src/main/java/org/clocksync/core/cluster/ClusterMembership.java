package org.clocksync.core.cluster;

import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.protocol.Message;

/**
 * The cluster side of one node, sans-IO: heartbeats and failure detection ({@link FailureDetector}), the election
 * ({@code --election bully|ring}), and the epoch rules. The daemon and the simulator feed it frames and ticks and
 * execute the actions it returns, in order: {@code RoleChanged} (start the master role, or follow a coordinator),
 * {@code Send}, {@code PeerSuspected}, {@code PeerRecovered}. Every {@code Send} returned by one call goes out
 * stamped with {@link #epoch()} as it is after that call.
 *
 * <p>Epoch rules: a frame from a lower epoch is rejected (counted) and its sender gets this node's heartbeat so it
 * catches up; a higher epoch from a known peer is adopted at once: a coordinator steps down and every node follows
 * {@link Epochs#coordinatorOf} that epoch (or starts an election if that names itself but it is not acting as master).
 * At most one node acts as master in an epoch because the epoch names its master.
 *
 * <p>SKELETON: the public surface below is fixed (the daemon is written against it); the bodies are being implemented.
 */
public final class ClusterMembership {
    /** Elections kept for the timeline. */
    public static final int MAX_ELECTION_RECORDS = 32;

    /**
     * @param configuredMaster true for the node started as master: it begins as COORDINATOR of epoch
     *                         {@link Epochs#INITIAL}; the others begin as FOLLOWER of that epoch with the coordinator
     *                         id unknown (0) until a heartbeat or {@link #onCoordinatorKnown} tells them
     */
    public ClusterMembership(int selfId, List<Integer> peerIds, ClusterConfig config, boolean configuredMaster,
            long nowNanos) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Heartbeats due, suspicions, election timeouts, the discovery timeout. */
    public List<Action> tick(long nowNanos) {
        throw new UnsupportedOperationException();
    }

    /**
     * The epoch gate, for every frame with a non-zero epoch (epoch 0 marks clients outside the cluster), before the
     * frame is handled. A frame from a peer also proves the peer alive.
     */
    public EpochVerdict onFrame(int senderId, long frameEpoch, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    /** A cluster message (HEARTBEAT, FAILURE_NOTICE, BULLY_*, RING_*) that passed {@link #onFrame}. */
    public List<Action> onMessage(int senderId, long frameEpoch, Message message, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    /** A follower in the initial epoch learned its configured master's id (from the master's WELCOME). */
    public List<Action> onCoordinatorKnown(int coordinatorId, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public long epoch() {
        throw new UnsupportedOperationException();
    }

    /** 0 while unknown. */
    public int coordinatorId() {
        throw new UnsupportedOperationException();
    }

    public ClusterRole role() {
        throw new UnsupportedOperationException();
    }

    public FailureDetector detector() {
        throw new UnsupportedOperationException();
    }

    /** Newest last, at most {@link #MAX_ELECTION_RECORDS}. */
    public List<ElectionRecord> elections() {
        throw new UnsupportedOperationException();
    }

    /** Frames rejected by the epoch gate. */
    public long staleFrames() {
        throw new UnsupportedOperationException();
    }

    /** Election messages (BULLY_*, RING_*) sent by this node since it started. */
    public long electionMessagesSent() {
        throw new UnsupportedOperationException();
    }

    public long electionsStarted() {
        throw new UnsupportedOperationException();
    }
}
