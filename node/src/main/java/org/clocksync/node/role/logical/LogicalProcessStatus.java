package org.clocksync.node.role.logical;

import org.clocksync.node.role.MasterLinkStatus;
import org.clocksync.node.role.RoleStatus;

/** What a logical process adds to /status: its link to the master and its process object's {@code logical} block. */
public record LogicalProcessStatus(MasterLinkStatus master, ProcessObjectStatus logical) implements RoleStatus {
}
