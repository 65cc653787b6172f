package org.clocksync.node.role.logical;

import org.clocksync.core.logical.LogicalConfig;
import org.clocksync.core.logical.LogicalCounter;

/** The counter fields both kinds of logical object report in their {@code logical} block of /status. */
public record LogicalCounterStatus(long counter, long value, long hold, long events, long monotonicViolations,
        long holds, long heldSteps, long forgone) {

    /**
     * {@code dueSteps} are the steps whose time has come but whose timer has not run yet (a stalled loop can run
     * /status first): the counter, value and hold are read as those steps will leave them, since each step adds one
     * to the value, held or not; nothing is stepped here.
     */
    static LogicalCounterStatus of(LogicalCounter c, long observedViolations, long dueSteps) {
        long due = Math.max(0, dueSteps);
        return new LogicalCounterStatus(
                Math.min(LogicalConfig.MAX_COUNTER, c.timestamp() + Math.max(0, due - c.hold())),
                Math.min(LogicalConfig.MAX_COUNTER, c.value() + due), Math.max(0, c.hold() - due), c.events(),
                observedViolations + c.violations(), c.holds(), c.heldSteps(), c.forgone());
    }

    /** Steps of {@code periodNanos} due by {@code nowNanos} since {@code startNanos} beyond the {@code done} ones. */
    static long dueSteps(long startNanos, long nowNanos, long periodNanos, long done) {
        return Math.max(0, Math.floorDiv(nowNanos - startNanos, periodNanos) - done);
    }
}
