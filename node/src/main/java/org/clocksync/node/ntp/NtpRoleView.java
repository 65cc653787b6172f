package org.clocksync.node.ntp;

/**
 * What the NTP server and the upstream client need to know of the node's current role, read on the protocol loop
 * at each use (the role changes with elections).
 */
public interface NtpRoleView {
    /** Whether the node runs the rounds now: it then serves at the master's stratum and takes upstream corrections. */
    boolean master();

    /** The current role's view of where its time comes from, or null when it takes time from no node. */
    NtpUpstream upstream();
}
