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
    private boolean empty = true;
    private long highest;

    /** Records {@code sequence} and returns true if it was not seen before and is not older than the window. */
    public boolean accept(long sequence) {
        if (empty || sequence > highest) {
            // Distances compare unsigned: a jump across half the long range must neither overflow nor loop for ever.
            if (empty || Long.compareUnsigned(sequence - highest, WINDOW) >= 0) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long s = highest + 1; s != sequence; s++) {
                    clear(s);
                }
            }
            empty = false;
            highest = sequence;
            set(sequence);
            return true;
        }
        if (Long.compareUnsigned(highest - sequence, WINDOW) >= 0) {
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
        return empty ? Long.MIN_VALUE : highest;
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
