package org.clocksync.core.cluster;

/**
 * One election as this node saw it, for the timeline in /status and the dashboard.
 *
 * @param startedNanos  host time this node started or joined the election
 * @param decidedNanos  host time this node learned the winner; 0 while running
 * @param messagesSent  election messages this node sent for it
 */
public record ElectionRecord(long epoch, int coordinatorId, ElectionAlgorithm algorithm, String trigger,
        long startedNanos, long decidedNanos, int messagesSent) {
}
