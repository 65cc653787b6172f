package org.clocksync.node.role;

import java.util.List;

/** The last Berkeley round as /status shows it: every member, and who was left out and why. */
public record RoundStatus(long roundId, long ageMillis, long durationMicros, long medianNanos, long averageNanos,
        int included, List<RoundMemberStatus> members, List<ExcludedMember> excluded) {
}
