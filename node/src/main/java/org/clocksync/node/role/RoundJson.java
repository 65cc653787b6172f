package org.clocksync.node.role;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import org.clocksync.core.berkeley.MemberResult;
import org.clocksync.core.berkeley.RoundReport;
import org.clocksync.core.clock.ReachRegister;

/**
 * The last Berkeley round as /status shows it: every member, who was left out and why, each correction, and each
 * member's clock rate against the master's with the extrapolation it brought to the round's decision.
 */
final class RoundJson {
    private RoundJson() {
    }

    static Map<String, Object> of(RoundReport report, long finishedHostNanos, long nowHostNanos,
            IntFunction<String> names) {
        return of(report, finishedHostNanos, nowHostNanos, names, id -> 0);
    }

    /** The same with each member's reach register ({@link MemberReach}): did it answer each of the last 8 rounds. */
    static Map<String, Object> of(RoundReport report, long finishedHostNanos, long nowHostNanos,
            IntFunction<String> names, IntUnaryOperator reach) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("roundId", report.roundId());
        r.put("ageMillis", (nowHostNanos - finishedHostNanos) / 1_000_000L);
        r.put("durationMicros", (report.finishedHostNanos() - report.startedHostNanos()) / 1000);
        r.put("medianNanos", report.medianNanos());
        r.put("averageNanos", report.averageNanos());
        r.put("included", report.includedCount());
        List<Map<String, Object>> members = new ArrayList<>();
        List<Map<String, Object>> excluded = new ArrayList<>();
        for (MemberResult m : report.members()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", m.nodeId());
            e.put("name", names.apply(m.nodeId()));
            e.put("status", m.status().name());
            e.put("offsetNanos", m.offsetNanos());
            e.put("rttNanos", m.rttNanos());
            e.put("samples", m.samples());
            e.put("correctionNanos", m.correctionNanos());
            // the member's clock rate against this master's, and how far that moved its reading to the decision
            OptionalDouble frequencyPpm = m.relativeFrequencyPpm();
            e.put("relativeFrequencyPpm", frequencyPpm.isPresent() ? frequencyPpm.getAsDouble() : null);
            e.put("extrapolationNanos", m.extrapolationNanos());
            e.put("reason", m.reason());
            int memberReach = reach.applyAsInt(m.nodeId());
            e.put("reach", memberReach);
            e.put("reachOctal", ReachRegister.octal(memberReach));
            members.add(e);
            if (m.status() != MemberResult.Status.INCLUDED) {
                excluded.add(Map.of("id", m.nodeId(), "status", m.status().name(),
                        "reason", String.valueOf(m.reason())));
            }
        }
        r.put("members", members);
        r.put("excluded", excluded);
        return r;
    }
}
