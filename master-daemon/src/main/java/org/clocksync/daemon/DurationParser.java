package org.clocksync.daemon;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses signed durations such as {@code 2.5s}, {@code -300ms}, {@code 150us}, {@code 1h} into nanoseconds. */
public final class DurationParser {
    private static final Pattern FORMAT = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private DurationParser() {
    }

    public static long parseNanos(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a duration is required, e.g. 2.5s, -300ms, 150us");
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write a number and a unit"
                    + " (ns, us, ms, s, m, h), e.g. 2.5s, -300ms, 150us");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        long unitNanos = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalStateException(m.group(2));
        };
        BigDecimal nanos = value.multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 4)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return nanos.setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
    }

    /** Formats nanoseconds for people: {@code +1.234 ms}, {@code -12.0 us}, {@code +2.500 s}. */
    public static String format(long nanos) {
        String sign = nanos < 0 ? "-" : "+";
        double abs = Math.abs((double) nanos);
        if (abs >= 1e9) {
            return String.format(java.util.Locale.ROOT, "%s%.6f s", sign, abs / 1e9);
        }
        if (abs >= 1e6) {
            return String.format(java.util.Locale.ROOT, "%s%.3f ms", sign, abs / 1e6);
        }
        if (abs >= 1e3) {
            return String.format(java.util.Locale.ROOT, "%s%.1f us", sign, abs / 1e3);
        }
        return sign + (long) abs + " ns";
    }
}
