package org.clocksync.core.clock;

/** The bounds every clock quantity is checked against, so no sum of host time, offset and correction can overflow. */
public final class ClockLimits {
    /** Ten years: the largest offset between any two clocks that is still treated as a reading and not as garbage. */
    public static final long MAX_OFFSET_NANOS = 3_650L * 86_400L * 1_000_000_000L;
    /** The largest single correction, and the largest total correction of a service clock: two offsets' worth. */
    public static final long MAX_CORRECTION_NANOS = 2 * MAX_OFFSET_NANOS;
    /** The largest simulated drift; real quartz is within +-100 ppm, so 1000 leaves room for tests of bad hardware. */
    public static final double MAX_DRIFT_PPM = 1_000.0;

    private ClockLimits() {
    }

    /** Whether {@code nanos} is within +-{@link #MAX_OFFSET_NANOS}; compares explicitly, as Math.abs(Long.MIN_VALUE) is negative. */
    public static boolean isValidOffset(long nanos) {
        return nanos >= -MAX_OFFSET_NANOS && nanos <= MAX_OFFSET_NANOS;
    }

    /** Whether {@code nanos} is within +-{@link #MAX_CORRECTION_NANOS}. */
    public static boolean isValidCorrection(long nanos) {
        return nanos >= -MAX_CORRECTION_NANOS && nanos <= MAX_CORRECTION_NANOS;
    }
}
