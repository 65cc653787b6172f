package org.clocksync.node.role.logical;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.clocksync.core.logical.LogicalCounter;
import org.clocksync.core.logical.LogicalRound;

/** The /status shapes of the logical-clock system, shared by the master object and process object roles. */
final class LogicalJson {
    private LogicalJson() {
    }

    /** The counter fields both kinds of object report. */
    static void counter(Map<String, Object> m, LogicalCounter c, long observedViolations) {
        m.put("counter", c.timestamp());
        m.put("value", c.value());
        m.put("hold", c.hold());
        m.put("events", c.events());
        m.put("monotonicViolations", observedViolations + c.violations());
        m.put("holds", c.holds());
        m.put("heldSteps", c.heldSteps());
        m.put("forgone", c.forgone());
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
