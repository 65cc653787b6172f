package org.clocksync.node.ntp;

/** The {@code ntp} block of /status: what the NTP server advertises and how many requests it answered or refused. */
public record NtpStatus(String address, int stratum, int leapIndicator, String referenceId, long rootDelayNanos,
        long rootDispersionNanos, long served, long rateLimited, long dropped, long malformed, long wrongMode,
        long rateLimitIntervalNanos, int rateLimitBurst, int rateLimitClients) {
}
