package org.clocksync.node.role;

import java.util.HashMap;
import java.util.Map;
import org.clocksync.core.berkeley.MemberResult;
import org.clocksync.core.berkeley.RoundReport;
import org.clocksync.core.clock.ReachRegister;

/**
 * Per member, chrony's reach register over rounds: one bit per round, 1 when the member answered it (a slow or
 * excluded reply is still an answer), so {@code 377} is a member that answered each of the last eight. Members not in
 * a round (they left) are forgotten, so the map holds at most one round's members. On the event loop.
 */
final class MemberReach {
    private static final int MASK = (1 << ReachRegister.BITS) - 1;

    private Map<Integer, Integer> registers = new HashMap<>();

    void onRound(RoundReport report) {
        Map<Integer, Integer> next = new HashMap<>();
        for (MemberResult r : report.members()) {
            int answered = r.status() == MemberResult.Status.NO_REPLY ? 0 : 1;
            next.put(r.nodeId(), ((registers.getOrDefault(r.nodeId(), 0) << 1) | answered) & MASK);
        }
        registers = next;
    }

    /** The member's register after the last round; 0 for a member that was in none of them. */
    int reach(int nodeId) {
        return registers.getOrDefault(nodeId, 0);
    }
}
