package org.clocksync.core.cluster;

import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.protocol.Message;

/**
 * One election algorithm (Bully or Ring) for one node, sans-IO. It owns only the election's own bookkeeping (ids,
 * phases, timeouts); the epoch, role and coordinator belong to {@link ElectionHost}, so that the epoch rules live in
 * one place ({@link ClusterMembership}). Every method appends the actions it decides to {@code out}, in order.
 */
interface Elector {
    ElectionAlgorithm algorithm();

    /** Whether an election started by this node is in progress. */
    boolean running();

    /** Starts an election; keeps the running one if this node already runs one. */
    void start(String trigger, long nowNanos, List<Action> out);

    /** A BULLY_* or RING_* message from a known peer, sent in this node's current epoch. */
    void onMessage(int senderId, long frameEpoch, Message message, long nowNanos, List<Action> out);

    /** Election timeouts. */
    void tick(long nowNanos, List<Action> out);

    /** Forgets the running election (a coordinator was adopted); its late messages are then ignored. */
    void cancel();

    /** Bully's recovering-node rule: following a coordinator with a lower id than this node starts an election. */
    boolean challengesLowerCoordinator();

    /**
     * Whether this node may act as master in an epoch that names it but that it did not claim itself. Only a Ring
     * winner does that: the initiator picks the winner, and the winner learns it from the announcement's epoch.
     */
    boolean mayTakeUp(long epoch);
}
