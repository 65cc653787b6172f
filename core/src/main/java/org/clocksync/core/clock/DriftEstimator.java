package org.clocksync.core.clock;

import java.util.OptionalDouble;

/**
 * Estimates how fast a hardware clock runs against the cluster's time, by least squares over its recent raw offsets
 * (hardware reading minus cluster time), as chrony's regression does. A node that knows its drift can hold between
 * rounds instead of parting from the others by drift times interval. The same fit serves any pair of clocks: a
 * Berkeley coordinator keeps one per member, of that member's clock against its own.
 */
public final class DriftEstimator {
    /** Samples in the regression window; at 1 s rounds that is the last 16 seconds. */
    public static final int MAX_SAMPLES = 16;
    /** No estimate from fewer samples (chrony's minsamples is 6): two noisy points give a wild slope. */
    public static final int MIN_SAMPLES = 6;
    /** A sample this far off the fitted line is an outlier; three in a row mean the cluster's time moved: start over. */
    public static final long OUTLIER_NANOS = 2_000_000L;
    static final int OUTLIERS_TO_RESET = 3;
    /** A line through two samples fits them exactly; a third is the first that can disagree with it. */
    public static final int MIN_LINE_SAMPLES = 3;

    private final long[] hardwareNanos = new long[MAX_SAMPLES];
    private final long[] rawOffsetNanos = new long[MAX_SAMPLES];
    private int count;
    private int next;
    private int outliersInARow;
    private long resets;

    /** Adds one sample: at hardware reading {@code hardwareNanos} the hardware clock was {@code rawOffsetNanos} from the cluster. */
    public void add(long hardwareNanos, long rawOffsetNanos) {
        if (count >= MIN_SAMPLES) {
            double residual = rawOffsetNanos - predict(hardwareNanos);
            if (Math.abs(residual) > OUTLIER_NANOS) {
                if (++outliersInARow < OUTLIERS_TO_RESET) {
                    return;
                }
                count = 0;
                next = 0;
                resets++;
            }
        }
        outliersInARow = 0;
        if (count > 0 && hardwareNanos <= this.hardwareNanos[(next + MAX_SAMPLES - 1) % MAX_SAMPLES]) {
            count = 0; // time went backwards (a restarted process or a stepped host clock): the old line is void
            next = 0;
        }
        this.hardwareNanos[next] = hardwareNanos;
        this.rawOffsetNanos[next] = rawOffsetNanos;
        next = (next + 1) % MAX_SAMPLES;
        count = Math.min(count + 1, MAX_SAMPLES);
    }

    /** The hardware clock's rate against the cluster, in ppm (positive: it runs fast), once there are enough samples. */
    public OptionalDouble driftPpm() {
        if (count < MIN_SAMPLES) {
            return OptionalDouble.empty();
        }
        double[] fit = fit();
        return OptionalDouble.of(fit[1] * 1e6);
    }

    /**
     * Where the line through the samples so far puts the raw offset at {@code hardwareNanos}, from
     * {@link #MIN_LINE_SAMPLES} samples on: too few for a rate worth reporting, enough to tell a sample that breaks
     * the line.
     */
    public OptionalDouble predictNanos(long hardwareNanos) {
        return count < MIN_LINE_SAMPLES ? OptionalDouble.empty() : OptionalDouble.of(predict(hardwareNanos));
    }

    /**
     * How far the samples lie from their line, root mean square over the degrees of freedom left (n - 2), from
     * {@link #MIN_LINE_SAMPLES} samples on: the measurement noise the line was drawn through.
     */
    public OptionalDouble residualRmsNanos() {
        if (count < MIN_LINE_SAMPLES) {
            return OptionalDouble.empty();
        }
        double[] fit = fit();
        long t0 = origin();
        double sumSquaresNanos2 = 0;
        for (int i = 0; i < count; i++) {
            double residualNanos = rawOffsetNanos[i] - (fit[0] + fit[1] * (hardwareNanos[i] - t0));
            sumSquaresNanos2 += residualNanos * residualNanos;
        }
        return OptionalDouble.of(Math.sqrt(sumSquaresNanos2 / (count - 2)));
    }

    /**
     * How uncertain {@link #driftPpm()} is: the standard error of the fitted slope, in ppm, from the same number of
     * samples: the residuals' variance over the spread of the sample times, {@code sqrt(s^2 / Sxx)} (chrony's
     * "skew"). Zero for samples exactly on a line.
     */
    public OptionalDouble skewPpm() {
        if (count < MIN_SAMPLES) {
            return OptionalDouble.empty();
        }
        double[] fit = fit();
        long t0 = origin();
        double meanT = 0;
        for (int i = 0; i < count; i++) {
            meanT += hardwareNanos[i] - t0;
        }
        meanT /= count;
        double sxx = 0;
        double sumSquaresNanos2 = 0;
        for (int i = 0; i < count; i++) {
            double dt = hardwareNanos[i] - t0 - meanT;
            sxx += dt * dt;
            double residualNanos = rawOffsetNanos[i] - (fit[0] + fit[1] * (hardwareNanos[i] - t0));
            sumSquaresNanos2 += residualNanos * residualNanos;
        }
        if (sxx == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.sqrt(sumSquaresNanos2 / (count - 2) / sxx) * 1e6);
    }

    public int samples() {
        return count;
    }

    /** How many times three outliers in a row made the estimator start over. */
    public long resets() {
        return resets;
    }

    private double predict(long hardwareNanos) {
        double[] fit = fit();
        return fit[0] + fit[1] * (hardwareNanos - origin());
    }

    /** {intercept at origin, slope}; coordinates are taken relative to the oldest sample so doubles keep precision. */
    private double[] fit() {
        long t0 = origin();
        long r0 = rawOffsetNanos[oldest()];
        double meanT = 0;
        double meanR = 0;
        for (int i = 0; i < count; i++) {
            meanT += hardwareNanos[i] - t0;
            meanR += rawOffsetNanos[i] - r0;
        }
        meanT /= count;
        meanR /= count;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < count; i++) {
            double dt = hardwareNanos[i] - t0 - meanT;
            sxx += dt * dt;
            sxy += dt * (rawOffsetNanos[i] - r0 - meanR);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        return new double[] {r0 + meanR - slope * meanT, slope};
    }

    private int oldest() {
        return count < MAX_SAMPLES ? 0 : next;
    }

    private long origin() {
        return hardwareNanos[oldest()];
    }
}
