package org.clocksync.core.clock;

/** How a service clock may be corrected, chosen like chrony's maxslewrate and makestep so an operator recognises them. */
public record ServiceClockConfig(long maxSlewPpm, long stepThresholdNanos, int maxSteps) {
    /** Slewing at half the clock's own rate or faster could make a slowed clock stand still; keep well below. */
    public static final long MAX_SLEW_PPM_LIMIT = 500_000;
    /** A step larger than this is refused as a threshold; it would mean never stepping. */
    public static final long MAX_STEP_THRESHOLD_NANOS = ClockLimits.MAX_CORRECTION_NANOS;
    public static final int MAX_STEPS_LIMIT = 1_000;

    public ServiceClockConfig {
        if (maxSlewPpm <= 0 || maxSlewPpm >= MAX_SLEW_PPM_LIMIT) {
            throw new IllegalArgumentException("maxSlewPpm must be in 1.." + (MAX_SLEW_PPM_LIMIT - 1)
                    + " (under 50% of the clock's rate, so a slewed clock never stands still or runs backwards), got " + maxSlewPpm);
        }
        if (stepThresholdNanos <= 0 || stepThresholdNanos > MAX_STEP_THRESHOLD_NANOS) {
            throw new IllegalArgumentException("stepThresholdNanos must be in 1.." + MAX_STEP_THRESHOLD_NANOS + ", got " + stepThresholdNanos);
        }
        if (maxSteps < 0 || maxSteps > MAX_STEPS_LIMIT) {
            throw new IllegalArgumentException("maxSteps must be in 0.." + MAX_STEPS_LIMIT + " (0 = always slew), got " + maxSteps);
        }
    }

    /** Slew at up to 5% (50 000 ppm), step once for a correction over 100 ms, like chrony's makestep for the first update. */
    public static ServiceClockConfig defaults() {
        return new ServiceClockConfig(50_000, 100_000_000L, 1);
    }
}
