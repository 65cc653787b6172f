package org.clocksync.simulator;

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

    /**
     * minNanos plus a Weibull(shape, scaleNanos) extra: a propagation floor plus a skewed tail, used to replay Alari
     * and Ciuffoletti's Ethernet experiment; shape 1 is the shifted exponential, shape 2 a Rayleigh hump.
     */
    static DelayModel weibull(double shape, long scaleNanos, long minNanos) {
        return new Weibull(shape, scaleNanos, minNanos);
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

    /** A floor plus a Weibull extra, sampled by inversion and capped at {@link #MAX_DELAY_NANOS}. */
    record Weibull(double shape, long scaleNanos, long minNanos) implements DelayModel {
        /** Shapes outside this range are a typo: under 0.1 the tail reaches the cap, over 100 it is a constant. */
        public static final double MIN_SHAPE = 0.1;
        public static final double MAX_SHAPE = 100.0;

        public Weibull {
            if (!(shape >= MIN_SHAPE && shape <= MAX_SHAPE)) {
                throw new IllegalArgumentException("Weibull shape must be in " + MIN_SHAPE + ".." + MAX_SHAPE + ", got " + shape);
            }
            checkDelay("scaleNanos", scaleNanos);
            checkDelay("minNanos", minNanos);
        }

        @Override
        public long sampleNanos(RandomGenerator rng) {
            double extraNanos = scaleNanos * Math.pow(-Math.log(1.0 - rng.nextDouble()), 1.0 / shape);
            return Math.min(MAX_DELAY_NANOS, minNanos + Math.round(Math.min(extraNanos, (double) MAX_DELAY_NANOS)));
        }
    }

    private static void checkDelay(String field, long nanos) {
        if (nanos < 0 || nanos > MAX_DELAY_NANOS) {
            throw new IllegalArgumentException(field + " must be in 0.." + MAX_DELAY_NANOS + " ns (one minute), got " + nanos);
        }
    }
}
