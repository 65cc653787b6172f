package org.clocksync.node.cluster;

import org.clocksync.node.role.Role;
import org.clocksync.protocol.HostPort;

/** Makes the roles an election hands this node, so the cluster agent need not know how roles are built. */
public interface ElectedRoles {
    /** The coordinator's role; its first round waits {@code firstRoundDelayMillis} for the members to connect. */
    Role coordinator(long firstRoundDelayMillis);

    /** A follower of the coordinator listening at {@code coordinator}. */
    Role follower(HostPort coordinator);
}
