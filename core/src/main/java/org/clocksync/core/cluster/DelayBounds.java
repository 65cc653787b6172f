package org.clocksync.core.cluster;

/** The configured one-way network delay of a channel: every message takes at least min and at most max. */
public record DelayBounds(long minNanos, long maxNanos) {
    /** No delay bound can be a minute or more: a heartbeat channel that slow detects nothing useful. */
    public static final long MAX_NANOS = 60_000_000_000L;

    public DelayBounds {
        if (minNanos < 0 || maxNanos < minNanos || maxNanos >= MAX_NANOS) {
            throw new IllegalArgumentException("delay bounds need 0 <= min <= max < 60s, got min " + minNanos
                    + " ns, max " + maxNanos + " ns");
        }
    }
}
