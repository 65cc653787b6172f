package org.clocksync.core.berkeley;

import java.math.BigInteger;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;
import org.clocksync.core.Durations;
import org.clocksync.core.clock.ClockLimits;

/**
 * The average of the clock readings that agree with the median, so one faulty or lying clock cannot drag the cluster
 * (Gusella and Zatti's fault-tolerant average, with the median as the reference).
 */
public final class FaultTolerantAverage {
    /** More readings than any coordinator can poll (4096 members and itself), with room for other algorithms. */
    public static final int MAX_READINGS = 65_536;

    private FaultTolerantAverage() {
    }

    /** The median, the included readings' rounded mean, and why each other reading was excluded; all sorted by id. */
    public record Result(long medianNanos, long averageNanos, Set<Integer> included, Map<Integer, String> excludedReasons) {
        public Result {
            included = Collections.unmodifiableSortedSet(new TreeSet<>(included));
            excludedReasons = Collections.unmodifiableSortedMap(new TreeMap<>(excludedReasons));
        }
    }

    /**
     * Excludes every reading more than {@code maxDeviationNanos} from the median and averages the rest (rounded half up).
     * The median of an even count is the mean of the two middle readings. If no reading is that close (only possible for
     * an even count whose two middle readings disagree: there is no majority to trust), the readings closest to the
     * median are included, so the result is the median.
     *
     * @param offsetsNanos each node's offset, |offset| at most {@link ClockLimits#MAX_OFFSET_NANOS}; at least one
     * @throws IllegalArgumentException on an empty or oversized map, a null or out-of-range reading or deviation
     */
    public static Result compute(Map<Integer, Long> offsetsNanos, long maxDeviationNanos) {
        Objects.requireNonNull(offsetsNanos, "offsetsNanos");
        if (offsetsNanos.isEmpty()) {
            throw new IllegalArgumentException("a fault-tolerant average needs at least one reading, got none");
        }
        if (offsetsNanos.size() > MAX_READINGS) {
            throw new IllegalArgumentException("got " + offsetsNanos.size() + " readings, the limit is " + MAX_READINGS);
        }
        if (maxDeviationNanos < 0 || maxDeviationNanos > ClockLimits.MAX_OFFSET_NANOS) {
            throw new IllegalArgumentException("maxDeviationNanos must be in 0.." + ClockLimits.MAX_OFFSET_NANOS + ", got " + maxDeviationNanos);
        }
        SortedMap<Integer, Long> byId = new TreeMap<>();
        for (Map.Entry<Integer, Long> entry : offsetsNanos.entrySet()) {
            Long offset = entry.getValue();
            if (entry.getKey() == null || offset == null) {
                throw new IllegalArgumentException("reading " + entry + " has a null id or offset");
            }
            if (!ClockLimits.isValidOffset(offset)) {
                throw new IllegalArgumentException("node " + entry.getKey() + " has offset " + offset
                        + " ns, beyond the limit of +-" + ClockLimits.MAX_OFFSET_NANOS + " ns");
            }
            byId.put(entry.getKey(), offset);
        }
        long medianNanos = median(byId.values().stream().mapToLong(Long::longValue).sorted().toArray());

        SortedSet<Integer> included = new TreeSet<>();
        long closestNanos = Long.MAX_VALUE;
        for (Map.Entry<Integer, Long> entry : byId.entrySet()) {
            long distanceNanos = Math.abs(entry.getValue() - medianNanos);
            closestNanos = Math.min(closestNanos, distanceNanos);
            if (distanceNanos <= maxDeviationNanos) {
                included.add(entry.getKey());
            }
        }
        if (included.isEmpty()) {
            for (Map.Entry<Integer, Long> entry : byId.entrySet()) {
                if (Math.abs(entry.getValue() - medianNanos) == closestNanos) {
                    included.add(entry.getKey());
                }
            }
        }
        assert !included.isEmpty();

        Result result = summarize(byId, included, medianNanos, offset -> "offset " + Durations.signedSeconds(offset, 6)
                + " is " + Durations.seconds(Math.abs(offset - medianNanos), 3) + " from the median, over the "
                + Durations.format(maxDeviationNanos) + " limit");
        assert result.included().size() + result.excludedReasons().size() == byId.size();
        return result;
    }

    /**
     * Like {@link #compute}, but when the readings near the median are not a strict majority (two nodes that
     * disagree, or a first round of strangers), the reading of {@code referenceId} decides instead: the readings
     * within {@code maxDeviationNanos} of it are averaged. A coordinator passes its own id, so a lone slave that
     * joins first cannot pull the master's clock to its own, and a majority can still outvote a wrong master.
     */
    public static Result computeWithReference(Map<Integer, Long> offsetsNanos, long maxDeviationNanos, int referenceId) {
        Result byMedian = compute(offsetsNanos, maxDeviationNanos);
        Long reference = offsetsNanos.get(referenceId);
        if (reference == null) {
            throw new IllegalArgumentException("the reference node " + referenceId + " has no reading");
        }
        long nearMedian = offsetsNanos.values().stream()
                .filter(offset -> Math.abs(offset - byMedian.medianNanos()) <= maxDeviationNanos).count();
        if (nearMedian * 2 > offsetsNanos.size()) {
            return byMedian;
        }
        SortedMap<Integer, Long> byId = new TreeMap<>(offsetsNanos);
        SortedSet<Integer> included = new TreeSet<>();
        for (Map.Entry<Integer, Long> entry : byId.entrySet()) {
            if (Math.abs(entry.getValue() - reference) <= maxDeviationNanos) {
                included.add(entry.getKey());
            }
        }
        return summarize(byId, included, byMedian.medianNanos(), offset -> "no majority agrees within "
                + Durations.format(maxDeviationNanos) + " of the median, so node " + referenceId
                + "'s clock decides: offset " + Durations.signedSeconds(offset, 6) + " is "
                + Durations.seconds(Math.abs(offset - reference), 3) + " from it, over the "
                + Durations.format(maxDeviationNanos) + " limit");
    }

    /** The rounded mean of the included readings, and for each other one the reason {@code why} gives. */
    private static Result summarize(SortedMap<Integer, Long> byId, SortedSet<Integer> included, long medianNanos,
                                    LongFunction<String> why) {
        SortedMap<Integer, String> excluded = new TreeMap<>();
        BigInteger sum = BigInteger.ZERO;
        for (Map.Entry<Integer, Long> entry : byId.entrySet()) {
            long offset = entry.getValue();
            if (included.contains(entry.getKey())) {
                sum = sum.add(BigInteger.valueOf(offset));
            } else {
                excluded.put(entry.getKey(), why.apply(offset));
            }
        }
        return new Result(medianNanos, roundedMean(sum, included.size()), included, excluded);
    }

    private static long median(long[] sortedNanos) {
        int n = sortedNanos.length;
        if (n % 2 == 1) {
            return sortedNanos[n / 2];
        }
        return roundedMean(BigInteger.valueOf(sortedNanos[n / 2 - 1]).add(BigInteger.valueOf(sortedNanos[n / 2])), 2);
    }

    /** floor((2 * sum + n) / (2 * n)): the mean rounded half up, exact for any count and magnitude. */
    static long roundedMean(BigInteger sum, int count) {
        assert count > 0;
        BigInteger numerator = sum.shiftLeft(1).add(BigInteger.valueOf(count));
        BigInteger denominator = BigInteger.valueOf(2L * count);
        BigInteger[] quotientAndRemainder = numerator.divideAndRemainder(denominator);
        BigInteger quotient = quotientAndRemainder[0];
        if (quotientAndRemainder[1].signum() < 0) {
            quotient = quotient.subtract(BigInteger.ONE);
        }
        return quotient.longValueExact();
    }
}
