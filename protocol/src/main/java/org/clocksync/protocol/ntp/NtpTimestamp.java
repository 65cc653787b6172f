package org.clocksync.protocol.ntp;

/**
 * Converts Unix nanoseconds to and from the NTP 64-bit timestamp (32 bits of seconds since 1900, 32 bits of
 * fraction), rounding to the nearest 2^-32 s, so that the service clock can be put on the wire without drift.
 *
 * <p>The seconds field wraps every 2^32 s (era 0 ends on 2036-02-07T06:28:16Z). Encoding keeps the low 32 bits,
 * as the wire does; decoding reads a seconds value with the top bit clear as era 1 (2036..2104) and one with it set
 * as era 0 (1968..2036), the pivot RFC 4330 section 3 recommends, so the conversion is exact from 1968 to 2104.
 */
public final class NtpTimestamp {
    /** Seconds from 1900-01-01 (the NTP epoch) to 1970-01-01 (the Unix epoch). */
    public static final long UNIX_EPOCH_NTP_SECONDS = 2_208_988_800L;
    /** The all-zero timestamp, which NTP uses for "unknown" or "not set". */
    public static final long ZERO = 0L;
    /** The earliest Unix time that round-trips: 1968-01-20T03:14:08Z (NTP seconds 2^31). */
    public static final long MIN_UNIX_NANOS = ((1L << 31) - UNIX_EPOCH_NTP_SECONDS) * 1_000_000_000L;
    /** The latest Unix time that round-trips: just before 2104-02-26T09:42:24Z (era 1 seconds 2^31). */
    public static final long MAX_UNIX_NANOS = ((1L << 32) + (1L << 31) - UNIX_EPOCH_NTP_SECONDS) * 1_000_000_000L - 1;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long FRACTION_ONE = 1L << 32;

    private NtpTimestamp() {
    }

    /**
     * The NTP timestamp of a Unix time in nanoseconds, the fraction rounded to the nearest 2^-32 s.
     *
     * @throws IllegalArgumentException outside {@link #MIN_UNIX_NANOS}..{@link #MAX_UNIX_NANOS}
     */
    public static long fromUnixNanos(long unixNanos) {
        if (unixNanos < MIN_UNIX_NANOS || unixNanos > MAX_UNIX_NANOS) {
            throw new IllegalArgumentException("Unix time " + unixNanos + " ns is outside the NTP range 1968..2104");
        }
        long seconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND) + UNIX_EPOCH_NTP_SECONDS;
        long nanos = Math.floorMod(unixNanos, NANOS_PER_SECOND);
        // nanos < 1e9, so nanos << 32 < 4.3e18 fits in a long.
        long fraction = ((nanos << 32) + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND;
        if (fraction == FRACTION_ONE) {
            seconds++;
            fraction = 0;
        }
        return ((seconds & 0xFFFF_FFFFL) << 32) | fraction;
    }

    /** The Unix time in nanoseconds of an NTP timestamp, rounded to the nearest nanosecond (see the class note on eras). */
    public static long toUnixNanos(long ntpTimestamp) {
        long seconds = ntpTimestamp >>> 32;
        long fraction = ntpTimestamp & 0xFFFF_FFFFL;
        if ((seconds & 0x8000_0000L) == 0) {
            seconds += FRACTION_ONE; // era 1: 2036-02-07 onwards
        }
        // fraction < 2^32, so fraction * 1e9 < 4.3e18 fits in a long.
        long nanos = (fraction * NANOS_PER_SECOND + (1L << 31)) >>> 32;
        return (seconds - UNIX_EPOCH_NTP_SECONDS) * NANOS_PER_SECOND + nanos;
    }

    /** The seconds field (unsigned 32 bits). */
    public static long seconds(long ntpTimestamp) {
        return ntpTimestamp >>> 32;
    }

    /** The fraction field (unsigned 32 bits, units of 2^-32 s). */
    public static long fraction(long ntpTimestamp) {
        return ntpTimestamp & 0xFFFF_FFFFL;
    }
}
