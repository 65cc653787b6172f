package org.clocksync.core.ntp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.clocksync.core.clock.ClockLimits;

/**
 * The tightest bound on the offset between two clocks A and B from a series of exchanges in both directions: A polling
 * B and B polling A. Each exchange alone says that B - A lies within its offset plus or minus half its delay (each leg
 * took between nothing and the whole round trip); two exchanges in opposite directions must both hold, so the true
 * offset lies in the intersection of their intervals, which can be much narrower than either when one path was slow
 * out and the other slow back. A pure function over at most {@link #MAX_EXCHANGES} exchanges per direction.
 *
 * <p>For an exchange where A polls B (offset theta = B - A, delay d): {@code [theta - d/2, theta + d/2]}. For one where B
 * polls A (offset theta' = A - B, delay d'): {@code [-theta' - d'/2, -theta' + d'/2]}. Both are widened on each side by
 * the drift bound times the exchange's age, since the clocks may have parted that much since it was measured.
 */
public final class BidirectionalBound {
    /** Exchanges per direction; 64 x 64 pairs is 4096 intersections, a bounded amount of work per call. */
    public static final int MAX_EXCHANGES = 64;
    private static final long PPM = 1_000_000L;

    private BidirectionalBound() {
    }

    /**
     * One exchange as its poller measured it.
     *
     * @param offsetNanos polled clock minus poller's clock (theta)
     * @param delayNanos  round trip minus the polled side's turnaround (delta), not negative
     * @param ageNanos    how long ago it was measured, not negative
     */
    public record Exchange(long offsetNanos, long delayNanos, long ageNanos) {
        public Exchange {
            if (!ClockLimits.isValidOffset(offsetNanos)) {
                throw new IllegalArgumentException("offset " + offsetNanos + " ns is beyond +-"
                        + ClockLimits.MAX_OFFSET_NANOS + " ns");
            }
            if (delayNanos < 0 || delayNanos > ClockLimits.MAX_OFFSET_NANOS) {
                throw new IllegalArgumentException("delay must be in 0.." + ClockLimits.MAX_OFFSET_NANOS + " ns, got "
                        + delayNanos + " (drop exchanges with a negative delay before asking for a bound)");
            }
            if (ageNanos < 0 || ageNanos > ClockLimits.MAX_OFFSET_NANOS) {
                throw new IllegalArgumentException("age must be in 0.." + ClockLimits.MAX_OFFSET_NANOS + " ns, got "
                        + ageNanos);
            }
        }

        /** A sample from {@link NtpExchange#sample()}, aged to {@code nowNanos} on the same clock as its time. */
        public static Exchange of(NtpSample sample, long nowNanos) {
            return new Exchange(sample.offsetNanos(), sample.delayNanos(), Math.max(0, nowNanos - sample.timeNanos()));
        }
    }

    /**
     * The chosen bound on B - A.
     *
     * @param paired        whether it comes from a pair of exchanges in opposite directions
     * @param forwardIndex  the A-polls-B exchange used, or -1
     * @param backwardIndex the B-polls-A exchange used, or -1
     * @param lowNanos      B - A is at least this
     * @param highNanos     and at most this
     * @param estimateNanos the midpoint, rounded down
     * @param boundNanos    the estimate is within this of the truth: {@code highNanos - estimateNanos}, half the width
     *                      rounded up
     * @param note          one line saying where the bound comes from
     */
    public record Result(boolean paired, int forwardIndex, int backwardIndex, long lowNanos, long highNanos,
            long estimateNanos, long boundNanos, String note) {
        public long widthNanos() {
            return highNanos - lowNanos;
        }
    }

    /**
     * The pair (one exchange of each direction) whose intervals intersect in the narrowest interval; ties go to the
     * fresher pair (smaller sum of ages), then to the earlier indices. When no pair intersects, or a direction has no
     * exchanges, the narrowest single interval (ties the same way, forward first), with a note saying so. Empty when
     * there are no exchanges at all.
     *
     * @param forward       exchanges where A polled B (offset B - A)
     * @param backward      exchanges where B polled A (offset A - B)
     * @param driftBoundPpm the most the two clocks may drift apart, in ppm (twice one clock's bound when both may
     *                      drift), 0..{@code 2 *} {@link ClockLimits#MAX_DRIFT_PPM}
     * @throws IllegalArgumentException over {@link #MAX_EXCHANGES} in a direction, or a drift bound out of range
     */
    public static Optional<Result> tightest(List<Exchange> forward, List<Exchange> backward, double driftBoundPpm) {
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(backward, "backward");
        if (forward.size() > MAX_EXCHANGES || backward.size() > MAX_EXCHANGES) {
            throw new IllegalArgumentException("at most " + MAX_EXCHANGES + " exchanges per direction, got "
                    + forward.size() + " A->B and " + backward.size() + " B->A; keep the latest");
        }
        if (!(driftBoundPpm >= 0 && driftBoundPpm <= 2 * ClockLimits.MAX_DRIFT_PPM)) {
            throw new IllegalArgumentException("drift bound must be in 0.." + 2 * ClockLimits.MAX_DRIFT_PPM
                    + " ppm, got " + driftBoundPpm);
        }
        long[][] f = new long[forward.size()][];
        for (int i = 0; i < f.length; i++) {
            f[i] = interval(forward.get(i), false, driftBoundPpm);
        }
        long[][] b = new long[backward.size()][];
        for (int j = 0; j < b.length; j++) {
            b[j] = interval(backward.get(j), true, driftBoundPpm);
        }

        Result best = null;
        long bestAge = 0;
        for (int i = 0; i < f.length; i++) {
            for (int j = 0; j < b.length; j++) {
                long low = Math.max(f[i][0], b[j][0]);
                long high = Math.min(f[i][1], b[j][1]);
                if (low > high) {
                    continue; // these two contradict each other: a clock changed, or a delay is not what it claims
                }
                long age = forward.get(i).ageNanos() + backward.get(j).ageNanos();
                if (best == null || high - low < best.widthNanos()
                        || (high - low == best.widthNanos() && age < bestAge)) {
                    best = result(true, i, j, low, high, "the intersection of A->B exchange " + i
                            + " and B->A exchange " + j);
                    bestAge = age;
                }
            }
        }
        if (best != null) {
            return Optional.of(best);
        }

        String why = f.length == 0 ? "no A->B exchanges" : b.length == 0 ? "no B->A exchanges"
                : "no A->B and B->A pair overlaps (a clock changed between them, or a delay is not what it claims)";
        for (int i = 0; i < f.length; i++) {
            long age = forward.get(i).ageNanos();
            if (best == null || f[i][1] - f[i][0] < best.widthNanos()
                    || (f[i][1] - f[i][0] == best.widthNanos() && age < bestAge)) {
                best = result(false, i, -1, f[i][0], f[i][1], why + ": the best single exchange, A->B " + i);
                bestAge = age;
            }
        }
        for (int j = 0; j < b.length; j++) {
            long age = backward.get(j).ageNanos();
            if (best == null || b[j][1] - b[j][0] < best.widthNanos()
                    || (b[j][1] - b[j][0] == best.widthNanos() && age < bestAge)) {
                best = result(false, -1, j, b[j][0], b[j][1], why + ": the best single exchange, B->A " + j);
                bestAge = age;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * {low, high} of B - A that one exchange allows. All terms are at most ten years, so no sum overflows; the
     * half-delay is rounded up and the drift allowance too, so the interval never claims more than the exchange shows.
     */
    static long[] interval(Exchange x, boolean backward, double driftBoundPpm) {
        long centre = backward ? -x.offsetNanos() : x.offsetNanos();
        long halfDelay = x.delayNanos() / 2 + (x.delayNanos() & 1);
        long widen = driftNanos(x.ageNanos(), driftBoundPpm);
        return new long[] {centre - halfDelay - widen, centre + halfDelay + widen};
    }

    /** ceil(age * ppm / 1e6): what the clocks may have parted by since the exchange. */
    static long driftNanos(long ageNanos, double driftBoundPpm) {
        return (long) Math.ceil(ageNanos / (double) PPM * driftBoundPpm);
    }

    private static Result result(boolean paired, int forwardIndex, int backwardIndex, long low, long high,
            String note) {
        long estimate = Math.floorDiv(low + high, 2); // each end is within about 15 years, so the sum cannot overflow
        return new Result(paired, forwardIndex, backwardIndex, low, high, estimate, high - estimate, note);
    }
}
