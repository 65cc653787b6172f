package org.clocksync.node.role;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import org.clocksync.core.berkeley.MemberResult;
import org.clocksync.core.berkeley.RoundReport;
import org.clocksync.core.clock.ReachRegister;

/**
 * Builds the {@link RoundStatus} of a Berkeley round: every member, who was left out and why, each correction, and
 * each member's clock rate against the master's with the extrapolation it brought to the round's decision.
 */
final class RoundStatuses {
    private RoundStatuses() {
    }

    static RoundStatus of(RoundReport report, long finishedHostNanos, long nowHostNanos, IntFunction<String> names) {
        return of(report, finishedHostNanos, nowHostNanos, names, id -> 0);
    }

    /** The same with each member's reach register ({@link MemberReach}): did it answer each of the last 8 rounds. */
    static RoundStatus of(RoundReport report, long finishedHostNanos, long nowHostNanos, IntFunction<String> names,
            IntUnaryOperator reach) {
        List<RoundMemberStatus> members = new ArrayList<>();
        List<ExcludedMember> excluded = new ArrayList<>();
        for (MemberResult m : report.members()) {
            OptionalDouble frequencyPpm = m.relativeFrequencyPpm();
            int memberReach = reach.applyAsInt(m.nodeId());
            members.add(new RoundMemberStatus(m.nodeId(), names.apply(m.nodeId()), m.status().name(), m.offsetNanos(),
                    m.rttNanos(), m.samples(), m.correctionNanos(),
                    frequencyPpm.isPresent() ? frequencyPpm.getAsDouble() : null, m.extrapolationNanos(), m.reason(),
                    memberReach, ReachRegister.octal(memberReach)));
            if (m.status() != MemberResult.Status.INCLUDED) {
                excluded.add(new ExcludedMember(m.nodeId(), m.status().name(), String.valueOf(m.reason())));
            }
        }
        return new RoundStatus(report.roundId(), (nowHostNanos - finishedHostNanos) / 1_000_000L,
                (report.finishedHostNanos() - report.startedHostNanos()) / 1000, report.medianNanos(),
                report.averageNanos(), report.includedCount(), members, excluded);
    }
}
