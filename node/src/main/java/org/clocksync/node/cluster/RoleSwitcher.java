package org.clocksync.node.cluster;

import org.clocksync.node.role.Role;

/** The node's current role, and the one way to replace it; on the node's event loop only. */
public interface RoleSwitcher {
    Role current();

    /** Stops the current role and starts {@code next}, logging {@code reason}. */
    void switchRole(Role next, String reason);
}
