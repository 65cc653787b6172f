package org.clocksync.node.ntp;

import java.net.InetAddress;

/**
 * Implemented by a role that takes its time from another node (a slave), to tell the NTP server what only the role
 * sees: where its time comes from and how far away that is.
 */
public interface NtpUpstream {
    /** The last measured round trip to the node this one takes its time from, in nanoseconds; 0 if not measured. */
    long upstreamRoundTripNanos();

    /** The address of that node while connected, else null. */
    InetAddress upstreamAddress();
}
