package org.clocksync.node.role;

/** What a Berkeley slave adds to /status: its {@code master} block. */
public record SlaveStatus(FollowedMasterStatus master) implements RoleStatus {
}
