package org.clocksync.node.cluster;

/** One election in the {@code cluster} block of /status; {@code durationMillis} is null while it is undecided. */
public record ElectionStatus(long epoch, int coordinatorId, String algorithm, String trigger, long startedAgoMillis,
        Double durationMillis, long messagesSent) {
}
