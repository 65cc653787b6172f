package org.clocksync.node.role.logical;

import org.clocksync.core.logical.LogicalCounter;

/** The counter fields both kinds of logical object report in their {@code logical} block of /status. */
public record LogicalCounterStatus(long counter, long value, long hold, long events, long monotonicViolations,
        long holds, long heldSteps, long forgone) {

    /**
     * {@code now} is the counter as the steps due by now will leave it (see {@link LogicalCounter#afterSteps}): a
     * stalled loop can run /status before the overdue timer, and the reading must be the clock's reading now.
     */
    static LogicalCounterStatus of(LogicalCounter c, LogicalCounter.Reading now, long observedViolations) {
        return new LogicalCounterStatus(now.timestamp(), now.value(), now.hold(), c.events(),
                observedViolations + c.violations(), c.holds(), c.heldSteps(), c.forgone());
    }
}
