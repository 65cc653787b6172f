package org.clocksync.core.logical;

import org.clocksync.core.Durations;
import org.clocksync.core.clock.ClockLimits;

/**
 * The settings of the logical-clock system, shared by the master object (MO) and the process objects (POs): give
 * every daemon the same values, since the MO estimates each PO's counter from the PO step period.
 *
 * @param stepNanos      how often a PO takes a step; every step that is not held is one event
 * @param pInternal      probability that a step is an internal event
 * @param pReport        probability that a step sends the PO's counter to the MO ({@code LOGICAL_REPORT})
 * @param pRequest       probability that a step asks the MO for a correction ({@code LOGICAL_CORRECTION_REQUEST})
 * @param tickNanos      how often the MO's own counter ticks (one internal event per tick)
 * @param maxDeviation   readings further than this many counts from the median are left out of the average
 * @param maxHoldSteps   the longest hold a negative offset can start, in steps (or MO ticks); the rest is forgone
 */
public record LogicalConfig(long stepNanos, double pInternal, double pReport, double pRequest, long tickNanos,
                            long maxDeviation, long maxHoldSteps) {
    /** No counter goes above this; it keeps every sum in a long and every reading valid for the fault-tolerant average. */
    public static final long MAX_COUNTER = ClockLimits.MAX_OFFSET_NANOS;
    public static final long MIN_PERIOD_NANOS = 1_000_000L;
    public static final long MAX_PERIOD_NANOS = 10_000_000_000L;
    public static final long DEFAULT_STEP_NANOS = 10_000_000L;
    public static final long DEFAULT_MAX_DEVIATION = 50;
    /** A held PO sends nothing; holding at most this long keeps it well inside every read timeout. */
    public static final long MAX_HOLD_NANOS = 1_000_000_000L;
    private static final double SUM_TOLERANCE = 1e-9;

    public LogicalConfig {
        String problem = problem(stepNanos, pInternal, pReport, pRequest, tickNanos, maxDeviation);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (maxHoldSteps < 1 || maxHoldSteps > MAX_COUNTER) {
            throw new IllegalArgumentException("maxHoldSteps must be at least 1, got " + maxHoldSteps);
        }
    }

    /** 10 ms steps, 80 % internal, 15 % report, 5 % request, the MO ticking every 10 ms, 50 counts deviation. */
    public static LogicalConfig defaults() {
        return of(DEFAULT_STEP_NANOS, 0.8, 0.15, 0.05, DEFAULT_STEP_NANOS, DEFAULT_MAX_DEVIATION);
    }

    /** With the longest hold set to {@link #MAX_HOLD_NANOS} worth of steps. */
    public static LogicalConfig of(long stepNanos, double pInternal, double pReport, double pRequest, long tickNanos,
                                   long maxDeviation) {
        long hold = Math.max(1, MAX_HOLD_NANOS / Math.max(1, Math.max(stepNanos, tickNanos)));
        return new LogicalConfig(stepNanos, pInternal, pReport, pRequest, tickNanos, maxDeviation, hold);
    }

    /**
     * What is wrong with these settings in one line naming the daemon options, or null when all is well; the daemons
     * call it to refuse bad flags with a clear message.
     */
    public static String problem(long stepNanos, double pInternal, double pReport, double pRequest, long tickNanos,
                                 long maxDeviation) {
        if (stepNanos < MIN_PERIOD_NANOS || stepNanos > MAX_PERIOD_NANOS) {
            return "--logical-step must be between 1ms and 10s, got " + Durations.format(stepNanos);
        }
        if (tickNanos < MIN_PERIOD_NANOS || tickNanos > MAX_PERIOD_NANOS) {
            return "--logical-tick must be between 1ms and 10s, got " + Durations.format(tickNanos);
        }
        double sum = pInternal + pReport + pRequest;
        if (!inUnit(pInternal) || !inUnit(pReport) || !inUnit(pRequest) || Math.abs(sum - 1.0) > SUM_TOLERANCE) {
            return "--logical-p-internal, --logical-p-report and --logical-p-request must each be between 0 and 1"
                    + " and sum to 1, got " + pInternal + " + " + pReport + " + " + pRequest + " = " + Math.round(sum * 1e9) / 1e9;
        }
        if (pReport + pRequest <= 0) {
            return "--logical-p-report and --logical-p-request are both 0: a process object would never talk to the"
                    + " master object; give one of them a positive probability";
        }
        if (maxDeviation < 0 || maxDeviation > MAX_COUNTER) {
            return "--logical-max-deviation must be between 0 and " + MAX_COUNTER + " counts, got " + maxDeviation;
        }
        return null;
    }

    /**
     * An upper bound on how fast the counters grow, in counts per second, in a system of {@code processes} POs: the
     * faster of a PO (one per step, plus one per round, since every report or request of any PO starts a round and
     * every round sends every PO an offset, a receive event) and the MO (one per tick, plus two per round: receiving
     * the report or request and sending the offsets). The POs follow the average of the five, so none grows faster.
     */
    public double countsPerSecond(int processes) {
        double roundsPerSecond = processes * (pReport + pRequest) * 1e9 / stepNanos;
        double po = 1e9 / stepNanos + roundsPerSecond;
        double mo = 1e9 / tickNanos + 2 * roundsPerSecond;
        return Math.max(po, mo);
    }

    /**
     * The stated bound on the spread of honest POs' counters when no message (including the time until the receiving
     * event loop handles it) takes longer than {@code maxDelayNanos}: {@code 4 (E + 1)}, where
     * {@code E = ceil(maxDelay x countsPerSecond)} is what a PO can count while one message is in flight. The MO's
     * view of a PO lags by up to E + 1 (steps and offsets it has not heard of yet, and the step phase), so right after
     * a round two POs differ by up to twice that; a negative offset holds a counter up to E + 1 above its corrected
     * value; and a report that crosses offsets on the wire makes the MO correct that PO once more by them (another
     * E + 1). The docs and tests derive it in full.
     */
    public long spreadBound(long maxDelayNanos, int processes) {
        long e = (long) Math.ceil(maxDelayNanos / 1e9 * countsPerSecond(processes));
        return 4 * (e + 1);
    }

    private static boolean inUnit(double p) {
        return p >= 0.0 && p <= 1.0;
    }
}
