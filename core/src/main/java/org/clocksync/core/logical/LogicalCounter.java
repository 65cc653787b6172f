package org.clocksync.core.logical;

/**
 * A Lamport counter that takes corrections without ever issuing a timestamp twice or out of order.
 *
 * <p>The counter has two readings. {@link #timestamp()} is the last timestamp issued: every event takes the next one,
 * so timestamps are strictly increasing. {@link #value()} is the corrected clock the logical-clock system
 * synchronizes: the issue's rule {@code LC := LC + t + 1} is applied to it exactly, for any sign of t.
 *
 * <p>The two differ only while the counter is <b>held</b>. A negative offset cannot move the timestamps back, so the
 * receive event takes {@code timestamp + 1} and the difference {@code timestamp - value} becomes the hold: the next
 * that many periodic steps (a PO's steps, the MO's ticks) are skipped, no event and no timestamp, while the value
 * goes on advancing one per step. When the value has caught up, the hold is over and the two readings are one again.
 * This is the logical form of stopping a physical clock instead of setting it back. A hold is at most
 * {@code maxHoldSteps}; the rest of a larger negative offset is forgone (counted), and the master object sees it in the
 * next report and corrects again. Events other than steps (receiving an offset) are never held: they take
 * {@code timestamp + 1}.
 */
public final class LogicalCounter {
    /** Sees every event's timestamp as it is issued, e.g. to check independently that they are strictly increasing. */
    @FunctionalInterface
    public interface EventObserver {
        void onEvent(long timestamp);
    }

    private final long maxHoldSteps;
    private long timestamp;
    private long hold;
    private long events;
    private long heldSteps;
    private long holds;
    private long forgone;
    private long violations;
    private EventObserver observer;

    public LogicalCounter(long maxHoldSteps) {
        if (maxHoldSteps < 1) {
            throw new IllegalArgumentException("maxHoldSteps must be at least 1, got " + maxHoldSteps);
        }
        this.maxHoldSteps = maxHoldSteps;
    }

    public void setObserver(EventObserver observer) {
        this.observer = observer;
    }

    /** One event: issues and returns the next timestamp. */
    public long event() {
        return issue(timestamp + 1);
    }

    /**
     * A periodic step: true when the caller should run an event now (it then calls {@link #event()}), false when the
     * step is held (the value advanced by one with no event).
     */
    public boolean step() {
        if (hold > 0) {
            hold--;
            heldSteps++;
            return false;
        }
        return true;
    }

    /**
     * The receive event of offset {@code t}: the value becomes {@code value + t + 1} (clamped to 0..MAX_COUNTER) and
     * the event's timestamp is that value, or {@code timestamp + 1} with a hold when that would go back. Returns the
     * event's timestamp.
     */
    public long applyOffset(long t) {
        long target = clamp(saturatingAdd(saturatingAdd(value(), t), 1));
        boolean wasHeld = hold > 0;
        if (target > timestamp) {
            hold = 0;
            return issue(target);
        }
        long ts = issue(timestamp + 1);
        long wanted = ts - target;
        hold = Math.min(wanted, maxHoldSteps);
        forgone += wanted - hold;
        if (hold > 0 && !wasHeld) {
            holds++;
        }
        return ts;
    }

    private long issue(long next) {
        if (next <= timestamp && events > 0) {
            violations++;
        }
        assert next > timestamp || events == 0 : "timestamp " + next + " after " + timestamp;
        timestamp = Math.min(next, LogicalConfig.MAX_COUNTER);
        events++;
        if (observer != null) {
            observer.onEvent(timestamp);
        }
        return timestamp;
    }

    /** The last timestamp issued (0 before the first event): the Lamport counter LC. */
    public long timestamp() {
        return timestamp;
    }

    /** The corrected clock: the timestamp less the steps still held. */
    public long value() {
        return timestamp - hold;
    }

    /** Steps still to be held. */
    public long hold() {
        return hold;
    }

    public long events() {
        return events;
    }

    public long heldSteps() {
        return heldSteps;
    }

    /** Negative offsets that started a hold. */
    public long holds() {
        return holds;
    }

    /** Counts of negative offsets beyond the longest hold, not applied. */
    public long forgone() {
        return forgone;
    }

    /** Events whose timestamp was not above the one before; the design makes this 0, and it is checked. */
    public long violations() {
        return violations;
    }

    /** The counter's three readings: the last timestamp (LC), the corrected value, and the steps still held. */
    public record Reading(long timestamp, long value, long hold) {
    }

    /**
     * The readings {@code steps} more periodic steps would leave, each unheld one running an event (as the master and
     * process objects step it), with nothing else happening in between; changes nothing. A status page reads the
     * counter this way when steps are due but their timer has not run yet.
     */
    public Reading afterSteps(long steps) {
        long s = Math.max(0, steps);
        return new Reading(clamp(saturatingAdd(timestamp, Math.max(0, s - hold))), clamp(saturatingAdd(value(), s)),
                Math.max(0, hold - s));
    }

    static long clamp(long v) {
        return Math.max(0, Math.min(LogicalConfig.MAX_COUNTER, v));
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }
}
