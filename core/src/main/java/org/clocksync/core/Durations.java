package org.clocksync.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Formats nanosecond quantities the way operators read them in reasons and logs ("50 ms", "+2.500000 s"). */
public final class Durations {
    private static final long MICRO = 1_000L;
    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private Durations() {
    }

    /** A duration in the largest unit that keeps it at least 1, exactly: 50_000_000 becomes "50 ms", 1_500 becomes "1.5 us". */
    public static String format(long nanos) {
        long magnitude = nanos == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(nanos);
        if (magnitude >= SECOND) {
            return scaled(nanos, 9) + " s";
        }
        if (magnitude >= MILLI) {
            return scaled(nanos, 6) + " ms";
        }
        if (magnitude >= MICRO) {
            return scaled(nanos, 3) + " us";
        }
        return nanos + " ns";
    }

    /** Seconds with an explicit sign and a fixed number of decimals, e.g. "+3600.000000 s", for offsets. */
    public static String signedSeconds(long nanos, int decimals) {
        BigDecimal seconds = BigDecimal.valueOf(nanos, 9).setScale(decimals, RoundingMode.HALF_EVEN);
        return (seconds.signum() < 0 ? "" : "+") + seconds.toPlainString() + " s";
    }

    /** Seconds without a sign and with a fixed number of decimals, e.g. "3600.000 s", for distances. */
    public static String seconds(long nanos, int decimals) {
        return BigDecimal.valueOf(nanos, 9).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString() + " s";
    }

    private static String scaled(long nanos, int scale) {
        return BigDecimal.valueOf(nanos, scale).stripTrailingZeros().toPlainString();
    }
}
