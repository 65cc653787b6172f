package org.clocksync.protocol.ntp;

import java.util.Locale;

/** Why an inbound NTP packet was dropped unanswered; each maps to a low-cardinality metric result. */
public enum NtpRejectReason {
    /** Fewer than 48 bytes: not an NTP packet. */
    TOO_SHORT("malformed"),
    /** Over {@link NtpCodec#MAX_PACKET_BYTES}: no NTP request needs that many extension-field bytes. */
    TOO_LONG("malformed"),
    /** The version field is 0 or above 4. */
    BAD_VERSION("malformed"),
    /** Not a client request (mode 3): server replies, broadcasts, symmetric peers and control (ntpq) are not served. */
    WRONG_MODE("wrong_mode");

    private final String metricResult;

    NtpRejectReason(String metricResult) {
        this.metricResult = metricResult;
    }

    /** The {@code result} label for this reason in {@code clocksync_ntp_requests_total}. */
    public String metricResult() {
        return metricResult;
    }

    /** The reason as a log word, e.g. {@code too_short}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
