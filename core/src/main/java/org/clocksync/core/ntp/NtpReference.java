package org.clocksync.core.ntp;

import org.clocksync.protocol.ntp.NtpPacket;

/**
 * What an NTP server says about its own synchronization in every reply: how good its time is and where it comes
 * from, so that clients can choose between servers and bound their error.
 *
 * @param leapIndicator        0 synchronized, 3 unsynchronized (clients then ignore the reply)
 * @param stratum              1 for the cluster's master, one more per hop, 16 unsynchronized
 * @param referenceId          {@code LOCL} for the master; the master's IPv4 address (or a hash of another) for a slave
 * @param referenceTimeNanos   Unix time on the service clock of the last correction; 0 when never corrected
 * @param rootDelayNanos       round trip to the cluster's reference clock
 * @param rootDispersionNanos  error bound to the cluster's reference clock, growing with time since the last correction
 */
public record NtpReference(int leapIndicator, int stratum, int referenceId, long referenceTimeNanos,
        long rootDelayNanos, long rootDispersionNanos) {
    public NtpReference {
        if (leapIndicator < 0 || leapIndicator > 3) {
            throw new IllegalArgumentException("leapIndicator must be 0..3, got " + leapIndicator);
        }
        if (stratum < 1 || stratum > NtpPacket.STRATUM_UNSYNCHRONIZED) {
            throw new IllegalArgumentException("stratum must be 1..16, got " + stratum);
        }
        if (rootDelayNanos < 0 || rootDispersionNanos < 0) {
            throw new IllegalArgumentException("root delay and dispersion must not be negative");
        }
    }

    /** Whether clients should use this server's time. */
    public boolean synchronizedClock() {
        return leapIndicator != NtpPacket.LEAP_UNSYNCHRONIZED && stratum < NtpPacket.STRATUM_UNSYNCHRONIZED;
    }
}
