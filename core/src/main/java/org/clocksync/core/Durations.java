package org.clocksync.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place durations are read and written: parses what operators type ({@code 2.5s}, {@code -300ms}) and
 * formats nanosecond quantities the way they read them in options, reasons, logs and tables: {@link #format} for
 * lengths of time ("50 ms"), {@link #signed} for offsets and corrections ("+1.234 ms").
 */
public final class Durations {
    private static final Pattern TEXT = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
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

    /** Parses a signed duration such as {@code 2.5s}, {@code -300ms}, {@code 150us} or {@code 1h} into nanoseconds. */
    public static long parseNanos(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a duration is required, e.g. 2.5s, -300ms, 150us");
        }
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write a number and a unit"
                    + " (ns, us, ms, s, m, h), e.g. 2.5s, -300ms, 150us");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        long unitNanos = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> MICRO;
            case "ms" -> MILLI;
            case "s" -> SECOND;
            case "m" -> 60 * SECOND;
            case "h" -> 3_600 * SECOND;
            default -> throw new IllegalStateException(m.group(2));
        };
        BigDecimal nanos = value.multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 4)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return nanos.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** An offset or correction with its sign and a fixed precision per unit: "+1.234 ms", "-12.0 us", "+2.500000 s". */
    public static String signed(long nanos) {
        String sign = nanos < 0 ? "-" : "+";
        double abs = Math.abs((double) nanos);
        if (abs >= SECOND) {
            return String.format(Locale.ROOT, "%s%.6f s", sign, abs / SECOND);
        }
        if (abs >= MILLI) {
            return String.format(Locale.ROOT, "%s%.3f ms", sign, abs / MILLI);
        }
        if (abs >= MICRO) {
            return String.format(Locale.ROOT, "%s%.1f us", sign, abs / MICRO);
        }
        return sign + (long) abs + " ns";
    }

    private static String scaled(long nanos, int scale) {
        return BigDecimal.valueOf(nanos, scale).stripTrailingZeros().toPlainString();
    }
}
