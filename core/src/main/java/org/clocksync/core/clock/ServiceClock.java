package org.clocksync.core.clock;

import java.util.Objects;

/**
 * The clock a node serves: its hardware clock plus the corrections the algorithms decide, slewed so that it never runs
 * backwards except for a bounded number of large steps, like chrony's default behaviour.
 *
 * <p>A slew is measured in the hardware clock's own elapsed time (as a kernel slews against its own oscillator). That
 * differs from host time only by the hardware drift (at most 0.1%), and it makes "never runs backwards" exact to the
 * nanosecond: the slew cannot advance while the hardware reading stands still.
 */
public final class ServiceClock implements LocalClock {
    private static final long PPM = 1_000_000L;

    private final LocalClock hardware;
    private final ServiceClockConfig config;
    /** Steps plus the slew progress folded in by earlier adjustments. */
    private long appliedNanos;
    /** The signed correction of the slew in progress; 0 when none. */
    private long slewTargetNanos;
    /** The hardware reading when the slew in progress began. */
    private long slewStartHardwareNanos;
    private int stepsTaken;
    /** Frequency correction in parts per billion (integers keep "never backwards" exact); 0 until disciplined. */
    private long frequencyPpb;
    /** The hardware reading from which the current frequency correction accrues. */
    private long frequencyStartHardwareNanos;

    public ServiceClock(LocalClock hardware, ServiceClockConfig config) {
        this.hardware = Objects.requireNonNull(hardware, "hardware");
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public long readNanos(long hostNanos) {
        long hardwareNanos = hardware.readNanos(hostNanos);
        return hardwareNanos + appliedNanos + slewProgressNanos(hardwareNanos) + frequencyNanos(hardwareNanos);
    }

    /**
     * Makes the clock run {@code ppm} parts per million faster (negative: slower) than its hardware from now on,
     * without moving its current reading. This is how a node that has measured its own drift holds between rounds.
     *
     * @throws IllegalArgumentException beyond +-{@link ClockLimits#MAX_DRIFT_PPM}
     */
    public void setFrequencyPpm(double ppm, long hostNanos) {
        if (Double.isNaN(ppm) || Math.abs(ppm) > ClockLimits.MAX_DRIFT_PPM) {
            throw new IllegalArgumentException("frequency correction " + ppm + " ppm is beyond +-"
                    + ClockLimits.MAX_DRIFT_PPM + " ppm");
        }
        long hardwareNanos = hardware.readNanos(hostNanos);
        long before = readNanos(hostNanos);
        appliedNanos += frequencyNanos(hardwareNanos);
        frequencyStartHardwareNanos = hardwareNanos;
        frequencyPpb = Math.round(ppm * 1_000.0);
        assert readNanos(hostNanos) == before : "changing frequency must not move the clock";
    }

    /** The frequency correction in force, in ppm. */
    public double frequencyPpm() {
        return frequencyPpb / 1_000.0;
    }

    /**
     * Corrects the clock by {@code correctionNanos}: a step if it is over the step threshold and steps remain, else a slew
     * at {@code maxSlewPpm}.
     *
     * <p>The slew progress made so far is folded into the applied total and whatever of the previous slew was still
     * pending is REPLACED, not added to: the new correction was measured against this clock as it read then, which
     * already included that progress, so adding the remainder would count it twice. Nothing useful is lost, because in
     * steady state the corrections are sub-millisecond and their slews end within milliseconds, long before the next one.
     *
     * @throws IllegalArgumentException if the correction, or the total correction it leads to, is over
     *                                  {@link ClockLimits#MAX_CORRECTION_NANOS}
     */
    public ClockAdjustment adjust(long correctionNanos, long hostNanos) {
        long hardwareNanos = hardware.readNanos(hostNanos);
        long totalSoFarNanos = appliedNanos + slewProgressNanos(hardwareNanos) + frequencyNanos(hardwareNanos);
        if (!ClockLimits.isValidCorrection(correctionNanos) || !ClockLimits.isValidCorrection(totalSoFarNanos + correctionNanos)) {
            throw new IllegalArgumentException("correction " + correctionNanos + " ns would take the service clock "
                    + (totalSoFarNanos + correctionNanos) + " ns from its hardware clock; the limit is +-"
                    + ClockLimits.MAX_CORRECTION_NANOS + " ns");
        }
        long readingBeforeNanos = hardwareNanos + totalSoFarNanos;
        appliedNanos = totalSoFarNanos;
        frequencyStartHardwareNanos = hardwareNanos;
        slewTargetNanos = 0;
        slewStartHardwareNanos = hardwareNanos;
        boolean large = Math.abs(correctionNanos) > config.stepThresholdNanos();
        if (large && stepsTaken < config.maxSteps()) {
            appliedNanos += correctionNanos;
            stepsTaken++;
            return new ClockAdjustment(ClockAdjustment.Kind.STEP, correctionNanos, 0, false);
        }
        slewTargetNanos = correctionNanos;
        assert readNanos(hostNanos) == readingBeforeNanos : "starting a slew must not move the clock";
        return new ClockAdjustment(ClockAdjustment.Kind.SLEW, correctionNanos, slewDurationNanos(correctionNanos), large);
    }

    /** The service reading minus the hardware reading: every step and the slew progress so far. */
    public long correctionNanos(long hostNanos) {
        long hardwareNanos = hardware.readNanos(hostNanos);
        return appliedNanos + slewProgressNanos(hardwareNanos) + frequencyNanos(hardwareNanos);
    }

    /** What remains of the slew in progress, signed; 0 when the clock is not slewing. */
    public long pendingSlewNanos(long hostNanos) {
        return slewTargetNanos - slewProgressNanos(hardware.readNanos(hostNanos));
    }

    public int stepsTaken() {
        return stepsTaken;
    }

    /** The service reading minus the host's own UTC reading: this node's true error when the host clock is the reference. */
    public long offsetFromHostNanos(long hostNanos) {
        return readNanos(hostNanos) - hostNanos;
    }

    public ServiceClockConfig config() {
        return config;
    }

    public LocalClock hardware() {
        return hardware;
    }

    private long slewProgressNanos(long hardwareNanos) {
        if (slewTargetNanos == 0) {
            return 0;
        }
        long elapsedNanos = hardwareNanos - slewStartHardwareNanos;
        if (elapsedNanos <= 0) {
            return 0; // the host clock went backwards; hold rather than invent progress
        }
        long magnitudeNanos = Math.min(Math.abs(slewTargetNanos), maxSlewNanos(elapsedNanos, config.maxSlewPpm()));
        return slewTargetNanos < 0 ? -magnitudeNanos : magnitudeNanos;
    }

    /** What the frequency correction has added since it last started accruing: floor(elapsed * ppb / 1e9). */
    private long frequencyNanos(long hardwareNanos) {
        if (frequencyPpb == 0) {
            return 0;
        }
        long elapsedNanos = hardwareNanos - frequencyStartHardwareNanos;
        if (elapsedNanos <= 0) {
            return 0;
        }
        long ppb = 1_000_000_000L;
        return (elapsedNanos / ppb) * frequencyPpb + Math.floorDiv((elapsedNanos % ppb) * frequencyPpb, ppb);
    }

    /** floor(elapsed * ppm / 1e6) without overflow for any non-negative elapsed and ppm under 1e6. */
    static long maxSlewNanos(long elapsedNanos, long ppm) {
        assert elapsedNanos >= 0 && ppm > 0 && ppm < PPM;
        return (elapsedNanos / PPM) * ppm + (elapsedNanos % PPM) * ppm / PPM;
    }

    /** ceil(|correction| * 1e6 / ppm): the hardware time the slew needs, saturating at Long.MAX_VALUE. */
    private long slewDurationNanos(long correctionNanos) {
        long magnitudeNanos = Math.abs(correctionNanos);
        long ppm = config.maxSlewPpm();
        long wholeUnits = magnitudeNanos / ppm;
        long remainder = magnitudeNanos % ppm;
        try {
            return Math.addExact(Math.multiplyExact(wholeUnits, PPM), (remainder * PPM + ppm - 1) / ppm);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }
}
