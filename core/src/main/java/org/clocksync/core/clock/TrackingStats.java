package org.clocksync.core.clock;

/**
 * The figures of {@code chronyc tracking} that come from the corrections a node takes: the RMS of its last
 * {@link #WINDOW} corrections (each one is how far the node was from the cluster's time when measured), the age of
 * the last round, and the reach register of recent rounds. Fed on the node's event loop; no clock, no threads.
 */
public final class TrackingStats {
    /** Corrections in the RMS window, as many as the drift estimator's. */
    public static final int WINDOW = DriftEstimator.MAX_SAMPLES;

    private final long[] correctionsNanos = new long[WINDOW];
    private int count;
    private int next;
    private long lastCorrectionNanos;
    private long lastCorrectionAtNanos;
    private long lastRoundAtNanos;
    private final ReachRegister reach;

    public TrackingStats(long roundIntervalNanos) {
        this.reach = new ReachRegister(roundIntervalNanos);
    }

    /**
     * A correction of {@code correctionNanos} was applied at {@code nowNanos} (from a round or an upstream). A step
     * starts the window over, as chrony drops its statistics after one: a first jump of seconds says nothing about how
     * well the node keeps time.
     */
    public void onCorrection(long correctionNanos, boolean step, long nowNanos) {
        if (step) {
            count = 0;
            next = 0;
            lastCorrectionNanos = correctionNanos;
            lastCorrectionAtNanos = nowNanos;
            return;
        }
        correctionsNanos[next] = correctionNanos;
        next = (next + 1) % WINDOW;
        count = Math.min(count + 1, WINDOW);
        lastCorrectionNanos = correctionNanos;
        lastCorrectionAtNanos = nowNanos;
    }

    /** A round reached this node at {@code nowNanos}: one it ran (master) or one that corrected it (slave). */
    public void onRound(long nowNanos) {
        lastRoundAtNanos = nowNanos;
        reach.record(nowNanos);
    }

    /** Rounds are expected every {@code intervalNanos} from now on. */
    public void expectRoundsEvery(long intervalNanos) {
        reach.setIntervalNanos(intervalNanos);
    }

    /** Root mean square of the last {@link #WINDOW} slews since the last step, in nanoseconds; 0 before the first. */
    public long rmsOffsetNanos() {
        if (count == 0) {
            return 0;
        }
        double sumSquares = 0;
        for (int i = 0; i < count; i++) {
            double c = correctionsNanos[i];
            sumSquares += c * c;
        }
        return Math.round(Math.sqrt(sumSquares / count));
    }

    /** Corrections in the RMS window now. */
    public int corrections() {
        return count;
    }

    public long lastCorrectionNanos() {
        return lastCorrectionNanos;
    }

    /** When the last correction was applied; 0 if none yet. */
    public long lastCorrectionAtNanos() {
        return lastCorrectionAtNanos;
    }

    /** When the last round reached this node; 0 if none yet. */
    public long lastRoundAtNanos() {
        return lastRoundAtNanos;
    }

    /** The reach register as of {@code nowNanos} (see {@link ReachRegister}). */
    public int reach(long nowNanos) {
        return reach.value(nowNanos);
    }

    public long roundIntervalNanos() {
        return reach.intervalNanos();
    }
}
