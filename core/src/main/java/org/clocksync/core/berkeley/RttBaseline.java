package org.clocksync.core.berkeley;

import java.util.Arrays;

/**
 * A member's usual round trip: the median of its best round trips over the last few rounds. A reading whose round
 * trip is far above it was delayed on one leg by an unknown amount (a descheduled process, a GC pause), so its offset
 * error can be anything up to half that round trip; chrony drops such samples too ({@code maxdelaydevratio}).
 */
final class RttBaseline {
    static final int HISTORY = 8;
    static final int MIN_HISTORY = 3;
    /**
     * A reading is slow when its round trip exceeds both RATIO times the usual and the usual plus SLACK. Strict on
     * purpose: a node that has learned its drift loses a few microseconds by skipping a round, while a reading with a
     * round trip of 300 us can be 150 us wrong.
     */
    static final long RATIO = 2;
    static final long SLACK_NANOS = 50_000;

    private final long[] bestRttNanos = new long[HISTORY];
    private int count;
    private int next;

    /** Records this round's best round trip, slow or not, so that a lasting change becomes the new usual. */
    void record(long rttNanos) {
        bestRttNanos[next] = rttNanos;
        next = (next + 1) % HISTORY;
        count = Math.min(count + 1, HISTORY);
    }

    /** How many rounds' round trips are recorded (at most HISTORY). */
    int recorded() {
        return count;
    }

    /** The median of the recorded round trips, or -1 before there are enough to judge by. */
    long usualNanos() {
        if (count < MIN_HISTORY) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(bestRttNanos, count);
        Arrays.sort(sorted);
        return sorted[count / 2];
    }

    /** True when {@code rttNanos} is far over the usual round trip (never before the history is long enough). */
    boolean isSlow(long rttNanos) {
        long usual = usualNanos();
        return usual >= 0 && rttNanos > Math.max(RATIO * usual, usual + SLACK_NANOS);
    }
}
