package org.clocksync.core.ntp;

/**
 * Estimates a slave's round trip to its master from the Berkeley polls alone: within one round the master sends the
 * next poll as soon as the previous reply arrives, so the gap between two polls of a round is one round trip (plus
 * both sides' turnaround, so never less than the truth). The smallest gap of the latest round is kept; it is the NTP
 * root delay a slave advertises. Times are passed in. Not thread-safe.
 */
public final class PollSpacing {
    /** Gaps longer than this are not one round trip (a lost reply, a slow round) and are ignored. */
    public static final long MAX_GAP_NANOS = 5_000_000_000L;

    private boolean seen;
    private int coordinatorId;
    private long roundId;
    private long lastPollHostNanos;
    private long roundMinNanos;
    private long roundTripNanos;

    /** A poll of {@code roundId} from {@code coordinatorId} arrived at {@code hostNanos}. */
    public void onPoll(int coordinatorId, long roundId, long hostNanos) {
        if (seen && coordinatorId == this.coordinatorId && roundId == this.roundId) {
            long gap = hostNanos - lastPollHostNanos;
            if (gap > 0 && gap <= MAX_GAP_NANOS) {
                roundMinNanos = roundMinNanos == 0 ? gap : Math.min(roundMinNanos, gap);
                roundTripNanos = roundMinNanos;
            }
        } else {
            this.coordinatorId = coordinatorId;
            this.roundId = roundId;
            roundMinNanos = 0;
            seen = true;
        }
        lastPollHostNanos = hostNanos;
    }

    /** The smallest poll gap of the latest round that had two polls, or 0 before any. */
    public long roundTripNanos() {
        return roundTripNanos;
    }
}
