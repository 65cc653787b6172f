package org.clocksync.node.role;

import java.util.List;

/** What a Berkeley master adds to /status: its members, its rounds, and the last round (null before the first). */
public record MasterStatus(List<MemberStatus> members, long intervalNanos, long roundsCompleted, long staleReplies,
        long protocolViolations, RoundStatus lastRound) implements RoleStatus {
}
