package org.clocksync.node.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalDouble;
import org.clocksync.core.berkeley.MemberResult;
import org.clocksync.core.berkeley.RoundReport;
import org.junit.jupiter.api.Test;

class RoundStatusesTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @Test
    void eachMemberShowsItsRelativeFrequencyAndTheExtrapolationApplied() {
        RoundReport report = new RoundReport(7, T0, T0 + 300_000_000L, 10_000, 10_000, List.of(
                new MemberResult(1, MemberResult.Status.INCLUDED, 0, 0, 1, 10_000, ""),
                new MemberResult(2, MemberResult.Status.INCLUDED, 40_000, 25_000, 4, -60_000, "",
                        OptionalDouble.of(99.75), 29_925),
                new MemberResult(3, MemberResult.Status.NO_REPLY, 0, 0, 0, 0, "no reply within 300 ms")));
        List<RoundMemberStatus> members = RoundStatuses.of(report, T0 + 300_000_000L, T0 + 400_000_000L,
                id -> "node-" + id).members();

        assertThat(members.get(1).relativeFrequencyPpm()).isEqualTo(99.75);
        assertThat(members.get(1).extrapolationNanos()).isEqualTo(29_925L);
        assertThat(members.get(1).offsetNanos()).isEqualTo(40_000L);
        assertThat(members.get(1).correctionNanos()).isEqualTo(-60_000L);
        // unknown (the coordinator itself, a member that gave no reading) is null, not 0 ppm
        assertThat(members.get(0).relativeFrequencyPpm()).isNull();
        assertThat(members.get(0).extrapolationNanos()).isZero();
        assertThat(members.get(2).relativeFrequencyPpm()).isNull();
        assertThat(members.get(2).extrapolationNanos()).isZero();
    }
}
