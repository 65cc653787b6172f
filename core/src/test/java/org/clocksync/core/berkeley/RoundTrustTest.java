package org.clocksync.core.berkeley;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/** Whose readings a round trusts: the coordinator breaks a tie without a majority, and delayed readings are dropped. */
class RoundTrustTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final int MASTER = 9;

    @Test
    void withoutAMajorityTheReferenceClockDecides() {
        FaultTolerantAverage.Result r = FaultTolerantAverage.computeWithReference(
                Map.of(MASTER, 0L, 3, 3_700 * MS), 50 * MS, MASTER);
        assertThat(r.included()).containsExactly(MASTER);
        assertThat(r.averageNanos()).isZero();
        assertThat(r.excludedReasons().get(3)).contains("no majority").contains("node 9's clock decides");
    }

    @Test
    void aMajorityOutvotesTheReferenceClock() {
        FaultTolerantAverage.Result r = FaultTolerantAverage.computeWithReference(
                Map.of(MASTER, 0L, 1, 2 * S, 2, 2 * S + MS, 3, 2 * S - MS), 50 * MS, MASTER);
        assertThat(r.included()).containsExactly(1, 2, 3);
        assertThat(r.averageNanos()).isEqualTo(2 * S);
        assertThat(r.excludedReasons()).containsOnlyKeys(MASTER);
    }

    @Test
    void aLoneFirstSlaveIsBroughtToTheMasterInsteadOfPullingIt() {
        BerkeleyCoordinator coordinator = new BerkeleyCoordinator(MASTER, new BerkeleyConfig(S, 1, 300 * MS, 50 * MS),
                host -> host);
        coordinator.addMember(3);
        RoundReport report = round(coordinator, T0, Map.of(3, new long[] {3_700 * MS, 100 * US}));
        assertThat(report.averageNanos()).isZero();
        assertThat(report.member(3).orElseThrow().status()).isEqualTo(MemberResult.Status.EXCLUDED);
        assertThat(report.member(3).orElseThrow().correctionNanos()).isEqualTo(-3_700 * MS);
    }

    @Test
    void aReadingWhoseRoundTripIsFarOverTheUsualIsNeitherCountedNorCorrected() {
        BerkeleyCoordinator coordinator = new BerkeleyCoordinator(MASTER, new BerkeleyConfig(S, 1, 300 * MS, 50 * MS),
                host -> host);
        coordinator.addMember(1);
        coordinator.addMember(2);
        long now = T0;
        for (int i = 0; i < RttBaseline.MIN_HISTORY; i++) {
            RoundReport normal = round(coordinator, now, Map.of(1, new long[] {10 * US, 50 * US},
                    2, new long[] {-10 * US, 60 * US}));
            assertThat(normal.includedCount()).isEqualTo(3);
            now += S;
        }
        List<Action> actions = new ArrayList<>();
        RoundReport slow = round(coordinator, now, Map.of(1, new long[] {700 * US, 1_500 * US},
                2, new long[] {-10 * US, 60 * US}), actions);
        MemberResult m1 = slow.member(1).orElseThrow();
        assertThat(m1.status()).isEqualTo(MemberResult.Status.SLOW_REPLY);
        assertThat(m1.correctionNanos()).isZero();
        assertThat(m1.reason()).contains("usual");
        assertThat(actions).noneMatch(a -> a instanceof Send s && s.toNodeId() == 1
                && s.message() instanceof Message.BerkeleyAdjust);
        assertThat(slow.member(2).orElseThrow().status()).isEqualTo(MemberResult.Status.INCLUDED);
        assertThat(slow.averageNanos()).as("the slow reading does not move the average").isEqualTo(-5 * US);
    }

    @Test
    void aPollReportedSentLaterIsMeasuredFromWhenItLeft() {
        BerkeleyCoordinator coordinator = new BerkeleyCoordinator(MASTER, new BerkeleyConfig(S, 1, 300 * MS, 50 * MS),
                host -> host);
        coordinator.addMember(1);
        Send send = (Send) coordinator.tick(T0).get(0);
        Message.BerkeleyPoll poll = (Message.BerkeleyPoll) send.message();
        // it waited 400 us behind other work before it left; the path is then 50 us each way, member 10 us ahead
        coordinator.onPollSent(1, poll.requestId(), T0 + 400 * US);
        coordinator.onPollSent(1, poll.requestId(), T0 + 100 * US); // an earlier report never moves t1 back
        List<Action> done = coordinator.onReply(1,
                new Message.BerkeleyReply(poll.requestId(), poll.roundId(), T0 + 450 * US + 10 * US), T0 + 500 * US);
        MemberResult m = done.stream().filter(a -> a instanceof RoundCompleted).map(a -> ((RoundCompleted) a).report())
                .findFirst().orElseThrow().member(1).orElseThrow();
        assertThat(m.rttNanos()).isEqualTo(100 * US);
        assertThat(m.offsetNanos()).isEqualTo(10 * US);
    }

    @Test
    void aLastingSlowerPathBecomesTheNewUsual() {
        RttBaseline baseline = new RttBaseline();
        assertThat(baseline.isSlow(10 * MS)).as("no judgement before enough history").isFalse();
        for (int i = 0; i < RttBaseline.MIN_HISTORY; i++) {
            baseline.record(50 * US);
        }
        assertThat(baseline.isSlow(1 * MS)).isTrue();
        assertThat(baseline.isSlow(100 * US)).as("within twice the usual").isFalse();
        assertThat(baseline.isSlow(101 * US)).isTrue();
        for (int i = 0; i < RttBaseline.HISTORY; i++) {
            baseline.record(1 * MS);
        }
        assertThat(baseline.isSlow(1_900 * US)).isFalse();
    }

    private static RoundReport round(BerkeleyCoordinator coordinator, long now, Map<Integer, long[]> offsetAndRtt) {
        return round(coordinator, now, offsetAndRtt, new ArrayList<>());
    }

    /** Runs one round with burst 1; each member answers with {offsetNanos, rttNanos} over a symmetric path. */
    private static RoundReport round(BerkeleyCoordinator coordinator, long now, Map<Integer, long[]> offsetAndRtt,
            List<Action> finishActions) {
        List<Action> polls = coordinator.tick(now);
        List<Action> last = List.of();
        for (Action a : polls) {
            if (a instanceof Send s && s.message() instanceof Message.BerkeleyPoll poll) {
                long[] or = offsetAndRtt.get(s.toNodeId());
                long readAt = now + or[1] / 2;
                List<Action> out = coordinator.onReply(s.toNodeId(),
                        new Message.BerkeleyReply(poll.requestId(), poll.roundId(), readAt + or[0]), now + or[1]);
                if (!out.isEmpty()) {
                    last = out;
                }
            }
        }
        finishActions.addAll(last);
        assertThat(last).anyMatch(a -> a instanceof AdjustClock);
        return last.stream().filter(a -> a instanceof RoundCompleted).map(a -> ((RoundCompleted) a).report())
                .findFirst().orElseThrow();
    }
}
