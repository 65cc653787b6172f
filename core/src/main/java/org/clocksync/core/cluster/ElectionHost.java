package org.clocksync.core.cluster;

import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.protocol.Message;

/**
 * What an {@link Elector} may read and change of the node it runs in. The host owns epoch, role and coordinator and
 * applies the epoch rules; electors only ask it to stand, win, or follow.
 */
interface ElectionHost {
    int selfId();

    /** Every peer id, ascending. */
    List<Integer> peerIds();

    /** Self or a peer. */
    boolean isKnown(int nodeId);

    boolean suspected(int peerId);

    ClusterRole role();

    long epoch();

    long highestSeenEpoch();

    /** Sends one election message, counted for the node and for the election record it belongs to. */
    void send(int toId, Message message, long nowNanos, List<Action> out);

    /** This node stands in an election: role CANDIDATE, coordinator unknown; opens an election record. */
    void becomeCandidate(String trigger, long nowNanos, List<Action> out);

    /** An election with a fresh id left this node (first attempt or restart). */
    void launched();

    /** A running election of this node gave up waiting and starts over. */
    void restarted();

    /** This node takes part in another node's election: opens an election record if none is open. */
    void joined(String trigger, long nowNanos);

    /** Bully: this node won; it claims the next epoch naming itself and becomes COORDINATOR. */
    void won(String reason, long nowNanos, List<Action> out);

    /** Ring initiator: the election decided {@code coordinatorId} in {@code newEpoch}. */
    void decided(long newEpoch, int coordinatorId, String reason, long nowNanos, List<Action> out);

    /** A coordinator announced itself in the current epoch: follow it. */
    void follow(int coordinatorId, String reason, long nowNanos, List<Action> out);

    /** Bad or useless input, dropped. */
    void ignored();
}
