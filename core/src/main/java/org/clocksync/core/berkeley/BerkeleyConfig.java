package org.clocksync.core.berkeley;

/**
 * The knobs of a Berkeley coordinator, validated once so the round logic can rely on them.
 *
 * @param probationRounds        a new member's first rounds in which it is corrected but not counted in the average:
 *                               until its usual round trip is known, a delayed first reading cannot be told from a
 *                               good one
 * @param coordinatorIsReference the coordinator's clock is the cluster's reference (it follows an upstream NTP
 *                               server): members are steered to it and it never corrects itself, rather than everyone
 *                               meeting at the average, which would pull it away from its reference
 */
public record BerkeleyConfig(long intervalNanos, int burstSize, long roundTimeoutNanos, long maxDeviationNanos,
                             int probationRounds, boolean coordinatorIsReference) {
    public static final int MAX_PROBATION_ROUNDS = 16;
    public static final int DEFAULT_PROBATION_ROUNDS = 3;
    public static final long MIN_INTERVAL_NANOS = 1_000_000L;
    public static final long MAX_INTERVAL_NANOS = 86_400L * 1_000_000_000L;
    public static final int MAX_BURST_SIZE = 16;
    public static final long MAX_DEVIATION_LIMIT_NANOS = 3_600L * 1_000_000_000L;

    /** Members and coordinator meet at the fault-tolerant average (no external reference). */
    public BerkeleyConfig(long intervalNanos, int burstSize, long roundTimeoutNanos, long maxDeviationNanos,
                          int probationRounds) {
        this(intervalNanos, burstSize, roundTimeoutNanos, maxDeviationNanos, probationRounds, false);
    }

    /** Without probation: every member counts from its first round (tests and simulations of the bare algorithm). */
    public BerkeleyConfig(long intervalNanos, int burstSize, long roundTimeoutNanos, long maxDeviationNanos) {
        this(intervalNanos, burstSize, roundTimeoutNanos, maxDeviationNanos, 0);
    }

    public BerkeleyConfig {
        if (probationRounds < 0 || probationRounds > MAX_PROBATION_ROUNDS) {
            throw new IllegalArgumentException("Berkeley probation must be 0.." + MAX_PROBATION_ROUNDS + " rounds, got "
                    + probationRounds);
        }
        if (intervalNanos < MIN_INTERVAL_NANOS || intervalNanos > MAX_INTERVAL_NANOS) {
            throw new IllegalArgumentException("Berkeley interval must be between 1 ms and 1 day, got " + intervalNanos + " ns");
        }
        if (burstSize < 1 || burstSize > MAX_BURST_SIZE) {
            throw new IllegalArgumentException("Berkeley burst size must be 1.." + MAX_BURST_SIZE + " polls per member, got " + burstSize);
        }
        if (roundTimeoutNanos <= 0 || roundTimeoutNanos >= intervalNanos) {
            throw new IllegalArgumentException("Berkeley round timeout must be positive and shorter than the interval ("
                    + intervalNanos + " ns), got " + roundTimeoutNanos + " ns");
        }
        if (maxDeviationNanos <= 0 || maxDeviationNanos > MAX_DEVIATION_LIMIT_NANOS) {
            throw new IllegalArgumentException("Berkeley max deviation must be between 1 ns and 1 hour, got " + maxDeviationNanos + " ns");
        }
    }

    /**
     * A round a second, 4 polls per member, members silent for 300 ms left out, readings 50 ms from the median
     * ignored, newcomers counted from their fourth round.
     */
    public static BerkeleyConfig defaults() {
        return new BerkeleyConfig(1_000_000_000L, 4, 300_000_000L, 50_000_000L, DEFAULT_PROBATION_ROUNDS);
    }

    /** The same knobs with the coordinator's clock as the reference, or not. */
    public BerkeleyConfig withCoordinatorAsReference(boolean reference) {
        return new BerkeleyConfig(intervalNanos, burstSize, roundTimeoutNanos, maxDeviationNanos, probationRounds,
                reference);
    }
}
