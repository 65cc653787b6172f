package org.clocksync.node.ntp;

import io.micrometer.core.instrument.Counter;
import org.clocksync.protocol.ntp.NtpRejectReason;

/** The NTP request counters, one per result, so that the handler counts and /status reports the same numbers. */
public record NtpCounters(Counter served, Counter rateLimited, Counter malformed, Counter wrongMode) {
    /** Counts a packet the codec refused. */
    void rejected(NtpRejectReason reason) {
        if (reason == NtpRejectReason.WRONG_MODE) {
            wrongMode.increment();
        } else {
            malformed.increment();
        }
    }

    long servedCount() {
        return (long) served.count();
    }

    long rateLimitedCount() {
        return (long) rateLimited.count();
    }

    long malformedCount() {
        return (long) malformed.count();
    }

    long wrongModeCount() {
        return (long) wrongMode.count();
    }
}
