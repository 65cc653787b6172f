package org.clocksync.node.role.logical;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;

/**
 * The {@code logical} block of a logical master's /status. {@code estimates} maps each object's id (as text) to the
 * master object's estimate of its counter: a map, since its keys are the ids.
 */
public record MasterObjectStatus(String object, @JsonUnwrapped LogicalCounterStatus clock, long ticks,
        Long lastOffset, long rounds, long reportsReceived, long requestsReceived, long tickNanos, long stepNanos,
        long maxDeviation, long maxHoldSteps, Map<String, Long> estimates, List<LeftOutCount> leftOutCounts,
        LogicalRoundStatus lastRound, List<RecentRound> recentRounds) {
}
