package org.clocksync.core.ntp;

import java.util.Locale;

/**
 * What became of a datagram from the upstream NTP server: used, or why it was dropped. Each value is one fixed metric
 * label, so a hostile or broken server can add counts but never new time series.
 */
public enum UpstreamReplyVerdict {
    /** A server reply to the outstanding request, with sane timestamps; it went into the clock filter. */
    ACCEPTED("the reply went into the clock filter"),
    /** Fewer than 48 bytes or more than any NTP reply needs. */
    MALFORMED("not an NTP packet"),
    /** Not a server reply (mode 4). */
    WRONG_MODE("not a server reply (mode 4)"),
    /** From another address, with no request outstanding, or with an origin timestamp we did not send: a late
     * duplicate, a replay or a spoof. */
    UNSOLICITED("answers no request outstanding (late, duplicate, replayed or spoofed)"),
    /** Stratum 0: a kiss-o'-death, the server asks us to back off or go away. */
    KISS_OF_DEATH("stratum 0: a kiss-o'-death"),
    /** Stratum 16 or leap indicator 3: the server says its own clock is not synchronized. */
    UNSYNCHRONIZED("the server says it is unsynchronized (stratum 16 or leap indicator 3)"),
    /** A zero receive or transmit timestamp: the server did not fill them in. */
    ZERO_TIMESTAMP("a zero receive or transmit timestamp"),
    /** Timestamps that cannot come from one exchange: a negative delay, or an offset beyond ten years. */
    BAD_TIMESTAMPS("timestamps that cannot come from one exchange (negative delay or offset beyond ten years)"),
    /** A round trip over the configured limit: too much room for asymmetric delay to be worth using. */
    DELAY_TOO_LARGE("round trip over the limit");

    private final String meaning;

    UpstreamReplyVerdict(String meaning) {
        this.meaning = meaning;
    }

    /** The verdict as a metric label and log word, e.g. {@code kiss_of_death}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One line for an operator. */
    public String meaning() {
        return meaning;
    }
}
