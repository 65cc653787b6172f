package org.clocksync.protocol.ntp;

/**
 * Converts nanoseconds to and from the NTP short format (16 bits of seconds, 16 bits of fraction) used by root
 * delay and root dispersion; encoding rounds up and saturates, so a server never claims to be better than it is.
 */
public final class NtpShort {
    /** The largest value the field holds, just under 65536 s, as raw bits. */
    public static final int MAX_RAW = 0xFFFF_FFFF;
    /** The largest value the field holds, in nanoseconds. */
    public static final long MAX_NANOS = toNanos(MAX_RAW);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private NtpShort() {
    }

    /** The raw 32 bits for a non-negative duration, rounded up to the next 2^-16 s and saturated at {@link #MAX_RAW}. */
    public static int fromNanos(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        if (nanos >= MAX_NANOS) {
            return MAX_RAW;
        }
        long seconds = nanos / NANOS_PER_SECOND;
        long rest = nanos % NANOS_PER_SECOND;
        long fraction = ((rest << 16) + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
        long raw = (seconds << 16) + fraction;
        return (int) Math.min(raw, 0xFFFF_FFFFL);
    }

    /** The duration in nanoseconds of raw short-format bits (unsigned), rounded to the nearest nanosecond. */
    public static long toNanos(int raw) {
        long unsigned = raw & 0xFFFF_FFFFL;
        return (unsigned >>> 16) * NANOS_PER_SECOND + (((unsigned & 0xFFFF) * NANOS_PER_SECOND + (1L << 15)) >>> 16);
    }
}
