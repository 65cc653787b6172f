package org.clocksync.node.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.clocksync.core.berkeley.MemberResult;
import org.clocksync.core.berkeley.RoundReport;
import org.junit.jupiter.api.Test;

/** Each member's reach: one bit per round, 1 when it answered (even too slowly), forgotten when it leaves. */
class MemberReachTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    private static RoundReport round(long id, MemberResult.Status two) {
        return new RoundReport(id, T0 + id, T0 + id, 0, 0, List.of(
                new MemberResult(1, MemberResult.Status.INCLUDED, 0, 20_000, 4, 0, ""),
                new MemberResult(2, two, 0, 0, 0, 0, two == MemberResult.Status.INCLUDED ? "" : two.name()),
                new MemberResult(5, MemberResult.Status.INCLUDED, 0, 0, 1, 0, "")));
    }

    @Test
    void eightRoundsInOctalAndASilentRoundIsAZero() {
        MemberReach reach = new MemberReach();
        for (int i = 1; i <= 10; i++) {
            reach.onRound(round(i, i == 9 ? MemberResult.Status.NO_REPLY : MemberResult.Status.SLOW_REPLY));
        }
        assertThat(Integer.toOctalString(reach.reach(1))).isEqualTo("377");
        assertThat(Integer.toOctalString(reach.reach(2))).as("silent in the last round but one").isEqualTo("375");
        assertThat(reach.reach(7)).as("never in a round").isZero();

        reach.onRound(new RoundReport(11, T0, T0, 0, 0, List.of(
                new MemberResult(5, MemberResult.Status.INCLUDED, 0, 0, 1, 0, ""))));
        assertThat(reach.reach(1)).as("left: forgotten").isZero();
    }

    @Test
    void roundStatusCarriesEachMembersReach() {
        MemberReach reach = new MemberReach();
        reach.onRound(round(1, MemberResult.Status.INCLUDED));
        reach.onRound(round(2, MemberResult.Status.NO_REPLY));
        List<RoundMemberStatus> members = RoundStatuses.of(round(2, MemberResult.Status.NO_REPLY), T0, T0,
                id -> "n" + id, reach::reach).members();
        assertThat(members.get(0).reach()).isEqualTo(3);
        assertThat(members.get(0).reachOctal()).isEqualTo("3");
        assertThat(members.get(1).reach()).isEqualTo(2);
        assertThat(members.get(1).reachOctal()).isEqualTo("2");
    }
}
