package org.clocksync.node.role;

/**
 * The fields a role adds to /status, written at the top level of the document between {@code security} (or
 * {@code ntp}/{@code upstream}) and {@code cluster}; each role has its own record.
 */
public interface RoleStatus {
}
