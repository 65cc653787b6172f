package org.clocksync.node.role.logical;

import java.util.List;
import org.clocksync.node.role.MemberStatus;
import org.clocksync.node.role.RoleStatus;

/** What a logical master adds to /status: its members and its master object's {@code logical} block. */
public record LogicalMasterStatus(List<MemberStatus> members, long protocolViolations, MasterObjectStatus logical)
        implements RoleStatus {
}
