package org.clocksync.node.role;

/**
 * One member of a Berkeley round in /status: its reading, correction, and its clock rate against the master's with
 * the extrapolation that rate brought to the round's decision ({@code relativeFrequencyPpm} null while unknown).
 */
public record RoundMemberStatus(int id, String name, String status, long offsetNanos, long rttNanos, int samples,
        long correctionNanos, Double relativeFrequencyPpm, long extrapolationNanos, String reason, int reach,
        String reachOctal) {
}
