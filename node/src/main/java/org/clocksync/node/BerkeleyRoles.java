package org.clocksync.node;

import org.clocksync.node.cluster.ElectedRoles;
import org.clocksync.node.role.MasterRole;
import org.clocksync.node.role.Role;
import org.clocksync.node.role.RoleHost;
import org.clocksync.node.role.SlaveRole;
import org.clocksync.protocol.HostPort;

/** The roles elections hand a node of a physical cluster: the Berkeley master and slave. */
final class BerkeleyRoles implements ElectedRoles {
    private final RoleHost host;

    BerkeleyRoles(RoleHost host) {
        this.host = host;
    }

    @Override
    public Role coordinator(long firstRoundDelayMillis) {
        return new MasterRole(host, firstRoundDelayMillis);
    }

    @Override
    public Role follower(HostPort coordinator) {
        return new SlaveRole(host, coordinator);
    }
}
