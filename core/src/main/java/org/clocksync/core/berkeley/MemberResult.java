package org.clocksync.core.berkeley;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One node's part in a Berkeley round, in the fields an operator reads ({@code chronyc sources}-like).
 *
 * @param offsetNanos          the node's clock minus the coordinator's, from its lowest-RTT sample, when that sample
 *                             was taken (0 without a sample)
 * @param correctionNanos      what the node was told to apply (0 when it was left out): the round's target minus
 *                             {@code offsetNanos + extrapolationNanos}
 * @param reason               why it was excluded or left out; empty when included
 * @param relativeFrequencyPpm how fast the node's clock runs against the coordinator's (positive: faster), learned
 *                             over the last rounds; empty until there are enough, for a node that gave no reading
 *                             this round, and for the coordinator itself (the reference of these figures)
 * @param extrapolationNanos   how far the offset moved at that rate from its sample to the round's decision, when the
 *                             corrections were computed; 0 without an estimate and for a node left out (no correction)
 */
public record MemberResult(int nodeId, Status status, long offsetNanos, long rttNanos, int samples, long correctionNanos,
                           String reason, OptionalDouble relativeFrequencyPpm, long extrapolationNanos) {
    /**
     * INCLUDED: counted in the average; EXCLUDED: too far from the median, corrected but not counted; NO_REPLY: left
     * out; SLOW_REPLY: every sample's round trip was far over the member's usual, so neither counted nor corrected.
     */
    public enum Status { INCLUDED, EXCLUDED, NO_REPLY, SLOW_REPLY }

    /** A result without a frequency estimate or extrapolation: the coordinator's own, a node left out, a first round. */
    public MemberResult(int nodeId, Status status, long offsetNanos, long rttNanos, int samples, long correctionNanos,
                        String reason) {
        this(nodeId, status, offsetNanos, rttNanos, samples, correctionNanos, reason, OptionalDouble.empty(), 0);
    }

    public MemberResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(relativeFrequencyPpm, "relativeFrequencyPpm");
        if (relativeFrequencyPpm.isPresent() && !Double.isFinite(relativeFrequencyPpm.getAsDouble())) {
            throw new IllegalArgumentException("relativeFrequencyPpm must be finite, got " + relativeFrequencyPpm);
        }
        if (rttNanos < 0 || samples < 0) {
            throw new IllegalArgumentException("rttNanos and samples must not be negative, got " + rttNanos + " and " + samples);
        }
        if ((status == Status.INCLUDED) != reason.isEmpty()) {
            throw new IllegalArgumentException("a reason is given exactly when a member is not included: " + status + " '" + reason + "'");
        }
        if ((status == Status.NO_REPLY || status == Status.SLOW_REPLY) && (correctionNanos != 0 || extrapolationNanos != 0)) {
            throw new IllegalArgumentException("a member left out gets no correction and no extrapolation");
        }
    }
}
