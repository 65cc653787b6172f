package org.clocksync.node.role;

/** What a role does in its cluster; /status prints the name (MASTER, SLAVE). */
public enum RoleKind {
    /** Runs the rounds (the Berkeley master, the logical master object). */
    MASTER,
    /** Follows a master (a Berkeley slave, a logical process object). */
    SLAVE
}
