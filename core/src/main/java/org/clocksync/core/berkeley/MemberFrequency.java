package org.clocksync.core.berkeley;

import java.util.OptionalDouble;
import org.clocksync.core.clock.ClockLimits;
import org.clocksync.core.clock.DriftEstimator;

/**
 * How fast one member's clock runs against the coordinator's, learned from the member's offsets in successive rounds.
 * Between two readings the corrections of the round in between moved both clocks on purpose (the member's by what it
 * was told, the coordinator's by its own share); with those taken out, what is left is the member's free-running rate
 * against the coordinator. A coordinator uses it to bring a reading taken early in a round to the instant the round
 * is decided.
 *
 * <p>Times are the coordinator's clock readings; rates are in ppm, positive when the member's clock runs fast. The
 * fit is a node's own drift regression ({@link DriftEstimator}): the last {@value DriftEstimator#MAX_SAMPLES} rounds,
 * an estimate from {@value DriftEstimator#MIN_SAMPLES}.
 */
final class MemberFrequency {
    /**
     * A correction larger than this, to the member or to the coordinator, starts the estimate over: it is a step, or a
     * slew that may still be running at the next poll (1 ms takes 2 s at a 500 ppm slew rate), so where it left the
     * clock is not known to the microsecond. In steady rounds corrections are tens of microseconds.
     */
    static final long RESET_CORRECTION_NANOS = 1_000_000L;
    /**
     * A reading further than this many times the line's own scatter from where the line puts it means the member's
     * rate changed (see {@link #measured}); four keeps measurement noise alone from tripping it.
     */
    static final double CHANGE_SCATTERS = 4.0;
    /**
     * The least distance from the line that means a change of rate, since a line through a few samples can look
     * tighter than the readings are. A member that has just learned its own drift changes rate by up to 100 ppm at
     * once, 100 us a round at 1 s rounds.
     */
    static final long CHANGE_FLOOR_NANOS = 25_000L;
    /**
     * Two clocks within {@link ClockLimits#MAX_DRIFT_PPM} of true cannot part faster than this; an estimate beyond it
     * (a member that lies, or ignores its corrections) is reported but not used to move a reading.
     */
    static final double MAX_USABLE_PPM = 2 * ClockLimits.MAX_DRIFT_PPM;

    private DriftEstimator estimator = new DriftEstimator();
    /** The member's corrections minus the coordinator's own, summed since the estimate started. */
    private long steeredNanos;

    /**
     * This round's reading: at the coordinator's time {@code atNanos} the member was {@code offsetNanos} ahead of it.
     * A reading far off the line so far means the member's rate changed, typically because it has just learned its own
     * drift and re-tuned its frequency: the old line would move every reading the wrong way for a whole window, so it
     * is dropped and the rate learned afresh from this reading, with no extrapolation meanwhile.
     */
    void measured(long atNanos, long offsetNanos) {
        OptionalDouble predictedNanos = estimator.predictNanos(atNanos);
        if (predictedNanos.isPresent()
                && Math.abs(offsetNanos - steeredNanos - predictedNanos.getAsDouble()) > changeThresholdNanos()) {
            restart();
        }
        estimator.add(atNanos, offsetNanos - steeredNanos);
    }

    /**
     * The round's decision: the member was told to move by {@code memberCorrectionNanos} (0 when it was left out) and
     * the coordinator moved itself by {@code ownCorrectionNanos}; both shift the member's next offset by design.
     */
    void steered(long memberCorrectionNanos, long ownCorrectionNanos) {
        if (Math.abs(memberCorrectionNanos) > RESET_CORRECTION_NANOS
                || Math.abs(ownCorrectionNanos) > RESET_CORRECTION_NANOS) {
            restart();
            return;
        }
        steeredNanos += memberCorrectionNanos - ownCorrectionNanos;
    }

    /** Forgets every reading: the member stepped, restarted or changed rate, and its old offsets say nothing now. */
    void restart() {
        estimator = new DriftEstimator();
        steeredNanos = 0;
    }

    /** The member's rate against the coordinator in ppm, once there are enough readings. */
    OptionalDouble ppm() {
        return estimator.driftPpm();
    }

    /**
     * How much the member's offset grows from {@code fromNanos} to {@code toNanos} at the estimated rate; 0 without an
     * estimate or with one beyond {@link #MAX_USABLE_PPM}.
     */
    long extrapolationNanos(long fromNanos, long toNanos) {
        OptionalDouble ppm = estimator.driftPpm();
        if (ppm.isEmpty() || !(Math.abs(ppm.getAsDouble()) <= MAX_USABLE_PPM)) {
            return 0;
        }
        return Math.round(ppm.getAsDouble() * 1e-6 * (double) (toNanos - fromNanos));
    }

    private double changeThresholdNanos() {
        return Math.max(CHANGE_FLOOR_NANOS, CHANGE_SCATTERS * estimator.residualRmsNanos().orElse(0));
    }
}
