package org.clocksync.core.clock;

/**
 * chrony's reach: an 8-bit shift register with one bit per expected round interval, 1 when a round reached the node
 * in that interval, shown in octal ({@code 377}: the last eight all came). The register is anchored at the rounds
 * themselves, with half an interval of slack either way, so rounds that come every interval with some jitter read a
 * steady {@code 377}: an interval counts as missed once 1.5 intervals have passed with no round.
 */
public final class ReachRegister {
    public static final int BITS = 8;
    private static final int MASK = (1 << BITS) - 1;

    private long intervalNanos;
    private int register;
    private long lastNanos;
    private boolean any;

    /** A register expecting one round every {@code intervalNanos}. */
    public ReachRegister(long intervalNanos) {
        setIntervalNanos(intervalNanos);
    }

    /** The expected round interval changed (a slave learns its master's from WELCOME). */
    public void setIntervalNanos(long intervalNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("intervalNanos must be positive, got " + intervalNanos);
        }
        this.intervalNanos = intervalNanos;
    }

    public long intervalNanos() {
        return intervalNanos;
    }

    /** A round reached the node at {@code nowNanos}; a second one within half an interval of the last is the same. */
    public void record(long nowNanos) {
        if (!any) {
            any = true;
            register = 1;
            lastNanos = nowNanos;
            return;
        }
        int elapsed = intervalsSinceLast(nowNanos);
        if (elapsed == 0) {
            return;
        }
        // elapsed - 1 intervals went by with nothing, then this one: shift in that many zeros and a one.
        register = ((register << elapsed) | 1) & MASK;
        lastNanos = nowNanos;
    }

    /** The register as of {@code nowNanos}: intervals that have passed since the last round without one read 0. */
    public int value(long nowNanos) {
        if (!any) {
            return 0;
        }
        int missed = Math.max(0, intervalsSinceLast(nowNanos) - 1);
        return (register << missed) & MASK;
    }

    /** The register in octal, as chrony shows it: {@code 377}, {@code 17}, {@code 0}. */
    public static String octal(int reach) {
        return Integer.toOctalString(reach & MASK);
    }

    /** Whole intervals since the last round, rounded to the nearest; at most BITS + 1, 0 if the clock went back. */
    private int intervalsSinceLast(long nowNanos) {
        long sinceNanos = nowNanos - lastNanos;
        if (sinceNanos <= 0) {
            return 0;
        }
        long intervals = (sinceNanos + intervalNanos / 2) / intervalNanos;
        return (int) Math.min(intervals, BITS + 1);
    }
}
