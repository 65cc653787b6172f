package org.clocksync.node.role;

import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.runtime.NodeContext;

/** What a role needs of the node that runs it: the shared state, the pipelines, and two upcalls. */
public interface RoleHost {
    /** Clocks, identity, options, metrics and the event loop. */
    NodeContext context();

    /** Builds the protocol pipeline of a connection the role opens. */
    ProtocolChannels channels();

    /** Whether frames are signed with a cluster key (then a HELLO may displace a stale connection). */
    boolean authenticated();

    /** The master this node follows told its id (WELCOME); in the initial epoch that is how slaves learn it. */
    void coordinatorKnown(int coordinatorId);

    /** The follower applied a correction from its master; the cluster's ready-to-lead policy counts it. */
    void correctionApplied(long hostNanos);
}
