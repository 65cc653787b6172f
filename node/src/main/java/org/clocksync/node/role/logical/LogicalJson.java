package org.clocksync.node.role.logical;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.clocksync.core.logical.LogicalConfig;
import org.clocksync.core.logical.LogicalCounter;
import org.clocksync.core.logical.LogicalRound;

/** The /status shapes of the logical-clock system, shared by the master object and process object roles. */
final class LogicalJson {
    private LogicalJson() {
    }

    /**
     * The counter fields both kinds of object report. {@code dueSteps} are the steps whose time has come but whose
     * timer has not run yet (a stalled loop can run /status first): the counter, value and hold are read as those
     * steps will leave them, since each step adds one to the value, held or not; nothing is stepped here.
     */
    static void counter(Map<String, Object> m, LogicalCounter c, long observedViolations, long dueSteps) {
        long due = Math.max(0, dueSteps);
        m.put("counter", Math.min(LogicalConfig.MAX_COUNTER, c.timestamp() + Math.max(0, due - c.hold())));
        m.put("value", Math.min(LogicalConfig.MAX_COUNTER, c.value() + due));
        m.put("hold", Math.max(0, c.hold() - due));
        m.put("events", c.events());
        m.put("monotonicViolations", observedViolations + c.violations());
        m.put("holds", c.holds());
        m.put("heldSteps", c.heldSteps());
        m.put("forgone", c.forgone());
    }

    /** Steps of {@code periodNanos} due by {@code nowNanos} since {@code startNanos} beyond the {@code done} ones. */
    static long dueSteps(long startNanos, long nowNanos, long periodNanos, long done) {
        return Math.max(0, Math.floorDiv(nowNanos - startNanos, periodNanos) - done);
    }

    static Map<String, Object> round(LogicalRound r, long hostNanos, IntFunction<String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roundId", r.roundId());
        m.put("ageMillis", (hostNanos - r.hostNanos()) / 1_000_000L);
        m.put("trigger", r.trigger().name());
        m.put("fromId", r.fromId());
        m.put("median", r.median());
        m.put("average", r.average());
        m.put("included", r.includedCount());
        List<Map<String, Object>> readings = new ArrayList<>();
        List<Map<String, Object>> leftOut = new ArrayList<>();
        for (LogicalRound.Entry e : r.entries()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", e.nodeId());
            x.put("name", names.apply(e.nodeId()));
            x.put("status", e.status().name());
            x.put("reading", e.reading());
            x.put("offset", e.offset());
            if (!e.reason().isEmpty()) {
                x.put("reason", e.reason());
            }
            readings.add(x);
            if (e.status() != LogicalRound.Status.INCLUDED) {
                leftOut.add(x);
            }
        }
        m.put("readings", readings);
        m.put("leftOut", leftOut);
        return m;
    }
}
