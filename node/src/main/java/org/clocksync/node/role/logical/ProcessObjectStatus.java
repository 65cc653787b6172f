package org.clocksync.node.role.logical;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The {@code logical} block of a logical process's /status; {@code byzantine} names the faulty behaviour it plays
 * (null when honest), the last-offset fields are null until an offset was applied.
 */
public record ProcessObjectStatus(String object, String byzantine, @JsonUnwrapped LogicalCounterStatus clock,
        long steps, long stepsSkipped, long internalEvents, long reportsSent, long requestsSent, long unsent,
        long offsetsApplied, long staleOffsets, long keepalives, Long lastOffset, Long lastOffsetRoundId,
        Long lastOffsetAgeMillis, long stepNanos, double pInternal, double pReport, double pRequest, long seed) {
}
