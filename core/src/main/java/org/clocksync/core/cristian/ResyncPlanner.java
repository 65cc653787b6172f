package org.clocksync.core.cristian;

import org.clocksync.core.Durations;
import org.clocksync.core.clock.ClockLimits;

/**
 * How long a client may go without resynchronizing and still be within its target accuracy of the server, so it
 * spends no more messages than the accuracy needs.
 *
 * <p><b>The formula.</b> Right after a reading the client knows the server's time within {@code b}
 * ({@code boundAfterSyncNanos}). Each clock runs at a rate within {@code rho} ({@code maxDriftPpm / 1e6}) of real time,
 * the server's as much as the client's, so while the client measures {@code t} on its own clock the server's clock can
 * gain or lose up to {@code t * 2rho / (1 - rho)} against it: {@code (1 + rho) / (1 - rho) - 1} when the two drift in
 * opposite directions, about {@code 2rho}. The error reaches the target {@code A} ({@code accuracyNanos}) after
 * <pre>
 *     maxInterval = (A - b) * (1 - rho) / (2 rho)        (about (A - b) / (2 rho))
 * </pre>
 * Worked example: A = 5 ms, b = 1 ms, rho = 50 ppm: (4 ms) / (100 ppm) = 40 s, exactly 39.998 s with the (1 - rho).
 *
 * <p><b>Why 2rho and not rho.</b> The code uses 2rho. A drift bound is a property of each oscillator against real time
 * (a quartz data sheet, {@code --sim-drift-ppm}), and the server here is itself a free-running hardware clock: the
 * master is one of the nodes and any slave may be elected master. What the client must follow is the server's clock,
 * not real time, so their rates may part by 2rho. Using rho would be right only if the server's clock were the
 * definition of time (say, disciplined to GPS): then this plan resynchronizes twice as often as needed, which costs
 * messages; the opposite mistake would let the error reach twice the target unnoticed. A caller who knows its server
 * is perfect can pass half its own drift bound.
 */
public final class ResyncPlanner {
    /** An accuracy target over an hour is not synchronization. */
    public static final long MAX_ACCURACY_NANOS = 3_600_000_000_000L;

    private ResyncPlanner() {
    }

    /**
     * The longest interval, on the client's clock, after a reading with error bound {@code boundAfterSyncNanos}, during
     * which the client's error stays within {@code accuracyNanos} (see the class comment for the formula).
     *
     * @throws IllegalArgumentException if the bound is not under the accuracy, or the drift is not in (0, 1000] ppm
     */
    public static long maxIntervalNanos(long accuracyNanos, long boundAfterSyncNanos, double maxDriftPpm) {
        if (accuracyNanos <= 0 || accuracyNanos > MAX_ACCURACY_NANOS) {
            throw new IllegalArgumentException("target accuracy must be in 1.." + MAX_ACCURACY_NANOS + " ns (an hour), got "
                    + accuracyNanos + " ns");
        }
        if (boundAfterSyncNanos < 0) {
            throw new IllegalArgumentException("error bound after a reading cannot be negative, got " + boundAfterSyncNanos + " ns");
        }
        if (boundAfterSyncNanos >= accuracyNanos) {
            throw new IllegalArgumentException("error bound after a reading (" + Durations.format(boundAfterSyncNanos)
                    + ") must be under the target accuracy (" + Durations.format(accuracyNanos)
                    + "): no resynchronization period can keep the error within the target");
        }
        double growthPerNano = errorGrowthPerNano(maxDriftPpm);
        return (long) Math.floor((accuracyNanos - boundAfterSyncNanos) / growthPerNano);
    }

    /**
     * When to make the first attempt of the next reading cycle after a reading with bound {@code boundAfterSyncNanos}:
     * early enough that all {@code maxAttempts} attempts, {@code attemptSpacingNanos} apart, and the last one's wait for
     * a reply, end before the error may reach the accuracy, so a client that fails all of them says so in time:
     * {@code maxIntervalNanos - maxAttempts * attemptSpacingNanos}. This is the delay to next attempt (DNA).
     *
     * @throws IllegalArgumentException if the attempts do not fit in the interval, or as {@link #maxIntervalNanos}
     */
    public static long delayToNextAttemptNanos(long accuracyNanos, long boundAfterSyncNanos, double maxDriftPpm,
                                               int maxAttempts, long attemptSpacingNanos) {
        if (maxAttempts <= 0 || attemptSpacingNanos <= 0) {
            throw new IllegalArgumentException("need at least one attempt and a positive spacing, got " + maxAttempts
                    + " attempts spaced " + attemptSpacingNanos + " ns");
        }
        long intervalNanos = maxIntervalNanos(accuracyNanos, boundAfterSyncNanos, maxDriftPpm);
        if ((double) maxAttempts * attemptSpacingNanos > intervalNanos) {
            throw new IllegalArgumentException(maxAttempts + " attempts spaced " + Durations.format(attemptSpacingNanos)
                    + " do not fit in the " + Durations.format(intervalNanos) + " the error takes to grow from "
                    + Durations.format(boundAfterSyncNanos) + " to " + Durations.format(accuracyNanos)
                    + ": loosen the accuracy, or use fewer or closer attempts");
        }
        return intervalNanos - maxAttempts * attemptSpacingNanos;
    }

    /**
     * How many nanoseconds the server's clock may gain or lose against the client's per nanosecond on the client's
     * clock: {@code 2rho / (1 - rho)}.
     *
     * @throws IllegalArgumentException if the drift is not in (0, 1000] ppm
     */
    public static double errorGrowthPerNano(double maxDriftPpm) {
        if (!(maxDriftPpm > 0 && maxDriftPpm <= ClockLimits.MAX_DRIFT_PPM)) {
            throw new IllegalArgumentException("maximum drift must be in (0, " + ClockLimits.MAX_DRIFT_PPM
                    + "] ppm, got " + maxDriftPpm + "; a drift bound of 0 would mean perfect clocks");
        }
        double rho = maxDriftPpm / 1e6;
        return 2 * rho / (1 - rho);
    }

    /** What {@code elapsedNanos} on the client's clock may add to the error, rounded up: at least what it really adds. */
    public static long driftNanos(long elapsedNanos, double maxDriftPpm) {
        double magnitude = Math.abs((double) elapsedNanos);
        return (long) Math.ceil(magnitude * errorGrowthPerNano(maxDriftPpm));
    }
}
