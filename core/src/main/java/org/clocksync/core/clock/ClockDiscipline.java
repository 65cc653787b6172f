package org.clocksync.core.clock;

import java.util.OptionalDouble;

/**
 * Applies the corrections an algorithm decides to a service clock, and learns the hardware clock's drift from them:
 * each correction tells exactly where the cluster's time is, so the raw offset of the hardware clock from it is
 * {@code -(corrections so far + this correction)}, whatever the node did to its clock before.
 */
public final class ClockDiscipline {
    private final ServiceClock clock;
    /** A drift estimate less certain than this (standard error of the slope) does not steer the frequency. */
    public static final double MAX_UPDATE_SKEW_PPM = 20.0;

    private final DriftEstimator estimator = new DriftEstimator();
    private long skippedUpdates;

    public ClockDiscipline(ServiceClock clock) {
        this.clock = clock;
    }

    /** Applies {@code correctionNanos} (step or slew, as the clock decides) and re-tunes the frequency correction. */
    public ClockAdjustment apply(long correctionNanos, long hostNanos) {
        return apply(correctionNanos, hostNanos, true);
    }

    /**
     * Applies {@code correctionNanos}; with {@code learnDrift} false the frequency correction in force is held and
     * the sample is not used (a coordinator anchoring the cluster's frequency).
     */
    public ClockAdjustment apply(long correctionNanos, long hostNanos, boolean learnDrift) {
        if (!learnDrift) {
            return clock.adjust(correctionNanos, hostNanos);
        }
        long hardwareNanos = clock.hardware().readNanos(hostNanos);
        long rawOffsetNanos = -(clock.correctionNanos(hostNanos) + correctionNanos);
        ClockAdjustment done = clock.adjust(correctionNanos, hostNanos);
        estimator.add(hardwareNanos, rawOffsetNanos);
        OptionalDouble drift = estimator.driftPpm();
        OptionalDouble skew = estimator.skewPpm();
        // As chrony's maxupdateskew: a slope from few or noisy samples (a loaded machine, a new master) can be off by
        // hundreds of ppm, and steering by it makes things worse than holding the frequency in force.
        if (drift.isPresent() && skew.isPresent() && skew.getAsDouble() <= MAX_UPDATE_SKEW_PPM) {
            clock.setFrequencyPpm(Math.max(-ClockLimits.MAX_DRIFT_PPM,
                    Math.min(ClockLimits.MAX_DRIFT_PPM, -drift.getAsDouble())), hostNanos);
        } else if (drift.isPresent()) {
            skippedUpdates++;
        }
        return done;
    }

    public ServiceClock clock() {
        return clock;
    }

    /** The hardware drift against the cluster as last estimated, in ppm; NaN before there are enough samples. */
    public double estimatedDriftPpm() {
        return estimator.driftPpm().orElse(Double.NaN);
    }

    /** The uncertainty of {@link #estimatedDriftPpm()} (standard error of the slope), in ppm; NaN without one. */
    public double skewPpm() {
        return estimator.skewPpm().orElse(Double.NaN);
    }

    /** Estimates not applied because their skew was over {@link #MAX_UPDATE_SKEW_PPM}. */
    public long skippedUpdates() {
        return skippedUpdates;
    }

    public int samples() {
        return estimator.samples();
    }
}
