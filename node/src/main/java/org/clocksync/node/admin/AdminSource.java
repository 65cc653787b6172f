package org.clocksync.node.admin;

import java.util.concurrent.CompletableFuture;
import org.clocksync.node.cluster.ClusterAgent;

/** What the admin server reads of the node: /status, and the one action it may start, POST /snapshot. */
public interface AdminSource {
    /** The /status document, built on the protocol loop; reading it changes nothing. */
    CompletableFuture<NodeStatus> status();

    /** Starts a Chandy-Lamport snapshot with this node as initiator; on any thread. */
    CompletableFuture<ClusterAgent.SnapshotOutcome> snapshot();
}
