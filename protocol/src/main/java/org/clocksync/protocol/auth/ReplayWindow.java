package org.clocksync.protocol.auth;

/**
 * The sequence numbers of one sender seen so far, as a sliding bitmap (RFC 4303's anti-replay window, as in IPsec and
 * WireGuard): a number above the highest seen is new; one within {@link #WINDOW} below it is new unless its bit is
 * set; anything older is refused. One sender's frames travel several connections, so they may arrive a little out of
 * order; the window absorbs that. Not thread-safe.
 */
public final class ReplayWindow {
    /** How far behind the newest frame of a sender a frame may arrive and still be taken. */
    public static final int WINDOW = 8192;
    private static final int WORDS = WINDOW / 64;

    private final long[] bits = new long[WORDS];
    private long highest = Long.MIN_VALUE;

    /** Records {@code sequence} and returns true if it was not seen before and is not older than the window. */
    public boolean accept(long sequence) {
        if (highest == Long.MIN_VALUE || sequence > highest) {
            long shift = highest == Long.MIN_VALUE ? WINDOW : sequence - highest;
            clearBetween(shift);
            highest = sequence;
            set(sequence);
            return true;
        }
        if (highest - sequence >= WINDOW) {
            return false;
        }
        if (isSet(sequence)) {
            return false;
        }
        set(sequence);
        return true;
    }

    /** The highest sequence accepted so far, or {@link Long#MIN_VALUE} before the first. */
    public long highest() {
        return highest;
    }

    /** Clears the bits of the numbers the window moves over (at most the whole window). */
    private void clearBetween(long shift) {
        if (shift >= WINDOW) {
            java.util.Arrays.fill(bits, 0L);
            return;
        }
        for (long s = highest + 1; s < highest + 1 + shift; s++) {
            clear(s);
        }
    }

    private boolean isSet(long sequence) {
        int bit = (int) Math.floorMod(sequence, (long) WINDOW);
        return (bits[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void set(long sequence) {
        int bit = (int) Math.floorMod(sequence, (long) WINDOW);
        bits[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long sequence) {
        int bit = (int) Math.floorMod(sequence, (long) WINDOW);
        bits[bit >>> 6] &= ~(1L << (bit & 63));
    }
}
