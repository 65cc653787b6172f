package org.clocksync.node.admin;

/**
 * The {@code clock} block of /status: the simulated hardware clock, the service clock's corrections, and the drift
 * estimate (null until there is one); {@code lastCorrectionAgeMillis} is null before the first correction.
 */
public record ClockStatus(long simulatedOffsetNanos, double simulatedDriftPpm, long correctionNanos,
        long pendingSlewNanos, int stepsTaken, double frequencyCorrectionPpm, Double estimatedDriftPpm,
        int driftSamples, long driftUpdatesSkipped, long lastCorrectionNanos, Long lastCorrectionAgeMillis) {
}
