package org.clocksync.core.berkeley;

import java.util.Objects;

/**
 * One node's part in a Berkeley round, in the fields an operator reads ({@code chronyc sources}-like).
 *
 * @param offsetNanos     the node's clock minus the coordinator's, from its lowest-RTT sample (0 without a sample)
 * @param correctionNanos what the node was told to apply (0 when it was left out)
 * @param reason          why it was excluded or left out; empty when included
 */
public record MemberResult(int nodeId, Status status, long offsetNanos, long rttNanos, int samples, long correctionNanos,
                           String reason) {
    /**
     * INCLUDED: counted in the average; EXCLUDED: too far from the median, corrected but not counted; NO_REPLY: left
     * out; SLOW_REPLY: every sample's round trip was far over the member's usual, so neither counted nor corrected.
     */
    public enum Status { INCLUDED, EXCLUDED, NO_REPLY, SLOW_REPLY }

    public MemberResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        if (rttNanos < 0 || samples < 0) {
            throw new IllegalArgumentException("rttNanos and samples must not be negative, got " + rttNanos + " and " + samples);
        }
        if ((status == Status.INCLUDED) != reason.isEmpty()) {
            throw new IllegalArgumentException("a reason is given exactly when a member is not included: " + status + " '" + reason + "'");
        }
        if ((status == Status.NO_REPLY || status == Status.SLOW_REPLY) && correctionNanos != 0) {
            throw new IllegalArgumentException("a member left out gets no correction");
        }
    }
}
