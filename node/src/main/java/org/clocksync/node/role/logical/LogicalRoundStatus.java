package org.clocksync.node.role.logical;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.clocksync.core.logical.LogicalRound;

/** A logical round as /status shows it: every reading, and the ones left out (also among the readings). */
public record LogicalRoundStatus(long roundId, long ageMillis, String trigger, int fromId, long median, long average,
        int included, List<LogicalReading> readings, List<LogicalReading> leftOut) {

    static LogicalRoundStatus of(LogicalRound r, long hostNanos, IntFunction<String> names) {
        List<LogicalReading> readings = new ArrayList<>();
        List<LogicalReading> leftOut = new ArrayList<>();
        for (LogicalRound.Entry e : r.entries()) {
            LogicalReading x = new LogicalReading(e.nodeId(), names.apply(e.nodeId()), e.status().name(), e.reading(),
                    e.offset(), e.reason().isEmpty() ? null : e.reason());
            readings.add(x);
            if (e.status() != LogicalRound.Status.INCLUDED) {
                leftOut.add(x);
            }
        }
        return new LogicalRoundStatus(r.roundId(), (hostNanos - r.hostNanos()) / 1_000_000L, r.trigger().name(),
                r.fromId(), r.median(), r.average(), r.includedCount(), readings, leftOut);
    }
}
