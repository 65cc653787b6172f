package org.clocksync.core.sim;

import java.util.random.RandomGenerator;

/** A one-way network delay distribution for a simulated link, sampled from the simulator's one seeded generator. */
public interface DelayModel {
    /** No simulated link delays a message longer than a minute. */
    long MAX_DELAY_NANOS = 60_000_000_000L;

    /** One delay, in 0..{@link #MAX_DELAY_NANOS}. */
    long sampleNanos(RandomGenerator rng);

    static DelayModel constant(long delayNanos) {
        return new Constant(delayNanos);
    }

    /** Uniform in [minNanos, maxNanos]. */
    static DelayModel uniform(long minNanos, long maxNanos) {
        return new Uniform(minNanos, maxNanos);
    }

    /** minNanos plus an exponential with mean meanExtraNanos: a propagation floor plus queueing. */
    static DelayModel shiftedExponential(long minNanos, long meanExtraNanos) {
        return new ShiftedExponential(minNanos, meanExtraNanos);
    }

    /** The same delay every time. */
    record Constant(long delayNanos) implements DelayModel {
        public Constant {
            checkDelay("delayNanos", delayNanos);
        }

        @Override
        public long sampleNanos(RandomGenerator rng) {
            return delayNanos;
        }
    }

    /** Uniform between two bounds, inclusive. */
    record Uniform(long minNanos, long maxNanos) implements DelayModel {
        public Uniform {
            checkDelay("minNanos", minNanos);
            checkDelay("maxNanos", maxNanos);
            if (maxNanos < minNanos) {
                throw new IllegalArgumentException("uniform delay needs minNanos <= maxNanos, got " + minNanos + " > " + maxNanos);
            }
        }

        @Override
        public long sampleNanos(RandomGenerator rng) {
            return minNanos == maxNanos ? minNanos : rng.nextLong(minNanos, maxNanos + 1);
        }
    }

    /** A floor plus an exponential tail, capped at {@link #MAX_DELAY_NANOS}. */
    record ShiftedExponential(long minNanos, long meanExtraNanos) implements DelayModel {
        public ShiftedExponential {
            checkDelay("minNanos", minNanos);
            checkDelay("meanExtraNanos", meanExtraNanos);
        }

        @Override
        public long sampleNanos(RandomGenerator rng) {
            double extraNanos = -Math.log(1.0 - rng.nextDouble()) * meanExtraNanos;
            return Math.min(MAX_DELAY_NANOS, minNanos + Math.round(Math.min(extraNanos, (double) MAX_DELAY_NANOS)));
        }
    }

    private static void checkDelay(String field, long nanos) {
        if (nanos < 0 || nanos > MAX_DELAY_NANOS) {
            throw new IllegalArgumentException(field + " must be in 0.." + MAX_DELAY_NANOS + " ns (one minute), got " + nanos);
        }
    }
}
