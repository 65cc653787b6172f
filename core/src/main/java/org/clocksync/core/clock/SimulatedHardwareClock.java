package org.clocksync.core.clock;

/** A hardware clock with a fixed offset and a constant drift on top of the host's clock, so one machine can show real convergence. */
public final class SimulatedHardwareClock implements LocalClock {
    private final long offsetNanos;
    private final double driftPpm;
    private final long originHostNanos;

    /**
     * @param offsetNanos     the reading minus the host's at {@code originHostNanos}
     * @param driftPpm        how much faster (positive) or slower than the host this clock runs, in parts per million
     * @param originHostNanos the host time at which the drift has accumulated nothing yet
     */
    public SimulatedHardwareClock(long offsetNanos, double driftPpm, long originHostNanos) {
        if (!ClockLimits.isValidOffset(offsetNanos)) {
            throw new IllegalArgumentException("simulated offset " + offsetNanos + " ns is beyond the limit of +-"
                    + ClockLimits.MAX_OFFSET_NANOS + " ns (ten years)");
        }
        if (!(Math.abs(driftPpm) <= ClockLimits.MAX_DRIFT_PPM)) {
            throw new IllegalArgumentException("simulated drift " + driftPpm + " ppm is outside -"
                    + ClockLimits.MAX_DRIFT_PPM + ".." + ClockLimits.MAX_DRIFT_PPM + " ppm; real quartz drifts under 100 ppm");
        }
        this.offsetNanos = offsetNanos;
        this.driftPpm = driftPpm;
        this.originHostNanos = originHostNanos;
    }

    /** A clock that reads exactly the host's time. */
    public static SimulatedHardwareClock exact() {
        return new SimulatedHardwareClock(0, 0.0, 0);
    }

    /**
     * Non-decreasing in {@code hostNanos}: the drift term falls by at most 1 ns per host nanosecond since |drift| <= 1000 ppm.
     */
    @Override
    public long readNanos(long hostNanos) {
        long elapsedNanos = hostNanos - originHostNanos;
        return hostNanos + offsetNanos + Math.round(elapsedNanos * driftPpm / 1e6);
    }

    public long offsetNanos() {
        return offsetNanos;
    }

    public double driftPpm() {
        return driftPpm;
    }

    public long originHostNanos() {
        return originHostNanos;
    }

    @Override
    public String toString() {
        return "SimulatedHardwareClock[offsetNanos=" + offsetNanos + ", driftPpm=" + driftPpm
                + ", originHostNanos=" + originHostNanos + "]";
    }
}
