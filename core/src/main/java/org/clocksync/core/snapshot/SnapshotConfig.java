package org.clocksync.core.snapshot;

/**
 * How long a snapshot may take. The initiator gives up {@code timeoutNanos} after it started; a participant still
 * waiting for markers gives up half that time after it recorded and sends what it has, so the initiator learns which
 * channels stayed open (and so which node is missing) before its own timeout.
 */
public record SnapshotConfig(long timeoutNanos) {
    public static final long MIN_TIMEOUT_NANOS = 1_000_000L;
    public static final long MAX_TIMEOUT_NANOS = 600_000_000_000L;
    public static final long DEFAULT_TIMEOUT_NANOS = 5_000_000_000L;

    public SnapshotConfig {
        if (timeoutNanos < MIN_TIMEOUT_NANOS || timeoutNanos > MAX_TIMEOUT_NANOS) {
            throw new IllegalArgumentException("snapshot timeout must be between 1 ms and 10 minutes, got " + timeoutNanos + " ns");
        }
    }

    /** A 5 s timeout: ample for a LAN, short enough for someone waiting at clockctl. */
    public static SnapshotConfig defaults() {
        return new SnapshotConfig(DEFAULT_TIMEOUT_NANOS);
    }

    /** How long a participant waits, after recording, for the markers of its incoming channels. */
    public long partTimeoutNanos() {
        return timeoutNanos / 2;
    }
}
