package org.clocksync.core.berkeley;

/** How long to wait before reconnecting to a coordinator: capped exponential with jitter, so members that lost it together do not return together. */
public final class ReconnectBackoff {
    public static final long MAX_DELAY_LIMIT_MILLIS = 3_600_000L;

    private final long initialDelayMillis;
    private final long maxDelayMillis;

    public ReconnectBackoff(long initialDelayMillis, long maxDelayMillis) {
        if (initialDelayMillis <= 0 || maxDelayMillis < initialDelayMillis || maxDelayMillis > MAX_DELAY_LIMIT_MILLIS) {
            throw new IllegalArgumentException("reconnect backoff needs 0 < initial <= max <= " + MAX_DELAY_LIMIT_MILLIS
                    + " ms, got initial " + initialDelayMillis + " ms and max " + maxDelayMillis + " ms");
        }
        this.initialDelayMillis = initialDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** 100 ms doubling up to 5 s. */
    public static ReconnectBackoff defaults() {
        return new ReconnectBackoff(100, 5_000);
    }

    /**
     * The delay before reconnect attempt {@code attempt} (0 for the first): min(max, initial * 2^attempt), then a uniform
     * pick in [50%, 100%] of that by {@code random01}.
     */
    public long delayMillis(int attempt, double random01) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative, got " + attempt);
        }
        if (!(random01 >= 0.0 && random01 <= 1.0)) {
            throw new IllegalArgumentException("random01 must be in [0, 1], got " + random01);
        }
        int shift = Math.min(attempt, 62);
        long ceilingMillis = initialDelayMillis > (maxDelayMillis >> shift) ? maxDelayMillis : initialDelayMillis << shift;
        ceilingMillis = Math.min(ceilingMillis, maxDelayMillis);
        long delayMillis = Math.round(ceilingMillis * (0.5 + 0.5 * random01));
        assert delayMillis >= ceilingMillis / 2 && delayMillis <= ceilingMillis;
        return delayMillis;
    }

    public long initialDelayMillis() {
        return initialDelayMillis;
    }

    public long maxDelayMillis() {
        return maxDelayMillis;
    }
}
