package org.clocksync.core.logical;

/**
 * Lamport's logical clock: a counter that ticks on every local or send event and, on a receive, jumps past the
 * sender's timestamp ({@code max(local, remote) + 1}), so that a happened before b implies L(a) < L(b).
 *
 * <p>Saturates at {@link Long#MAX_VALUE} instead of wrapping: a peer that sends an absurd timestamp must not make this
 * node's next frame carry a negative one (which no frame may carry). Not thread-safe; one owner.
 */
public final class LamportClock {
    private long time;

    /** A clock at 0: the first event is timestamped 1. */
    public LamportClock() {
        this(0);
    }

    public LamportClock(long time) {
        if (time < 0) {
            throw new IllegalArgumentException("a Lamport time is never negative, got " + time);
        }
        this.time = time;
    }

    /** The timestamp of the last event (0 before the first). */
    public long time() {
        return time;
    }

    /** A local or send event: returns its timestamp, one more than the last. */
    public long tick() {
        if (time < Long.MAX_VALUE) {
            time++;
        }
        return time;
    }

    /** A receive event of a message stamped {@code remote}: returns its timestamp, {@code max(local, remote) + 1}. */
    public long receive(long remote) {
        if (remote < 0) {
            throw new IllegalArgumentException("a Lamport time is never negative, got " + remote);
        }
        time = Math.max(time, remote);
        return tick();
    }

    @Override
    public String toString() {
        return "LamportClock[" + time + "]";
    }
}
