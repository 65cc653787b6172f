package org.clocksync.core.berkeley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

class BerkeleyCoordinatorTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final int MASTER = 1;

    /** The master's clock reads the host's exactly, so offsets below are relative to host time. */
    private static BerkeleyCoordinator coordinator(int burstSize) {
        return new BerkeleyCoordinator(MASTER, new BerkeleyConfig(S, burstSize, 300 * MS, 50 * MS), hostNanos -> hostNanos);
    }

    private static Message.BerkeleyPoll poll(List<Action> actions, int toId) {
        return actions.stream()
                .filter(a -> a instanceof Send s && s.toNodeId() == toId && s.message() instanceof Message.BerkeleyPoll)
                .map(a -> (Message.BerkeleyPoll) ((Send) a).message())
                .findFirst().orElseThrow(() -> new AssertionError("no poll to " + toId + " in " + actions));
    }

    /** A reply from a member whose clock is {@code offsetNanos} ahead, read halfway between t1 and t4 when the path is symmetric. */
    private static Message.BerkeleyReply reply(Message.BerkeleyPoll poll, long readAtHostNanos, long offsetNanos) {
        return new Message.BerkeleyReply(poll.requestId(), poll.roundId(), readAtHostNanos + offsetNanos);
    }

    private static RoundReport report(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof RoundCompleted).map(a -> ((RoundCompleted) a).report())
                .findFirst().orElseThrow(() -> new AssertionError("round did not complete: " + actions));
    }

    private static Message.BerkeleyAdjust adjust(List<Action> actions, int toId) {
        return actions.stream()
                .filter(a -> a instanceof Send s && s.toNodeId() == toId && s.message() instanceof Message.BerkeleyAdjust)
                .map(a -> (Message.BerkeleyAdjust) ((Send) a).message())
                .findFirst().orElseThrow(() -> new AssertionError("no adjust to " + toId + " in " + actions));
    }

    @Test
    void pollsInABurstKeepsTheLowestRttSampleAndCorrectsTheMemberThatIsAhead() {
        BerkeleyCoordinator coordinator = coordinator(3);
        coordinator.addMember(2);
        List<Action> start = coordinator.tick(T0);
        Message.BerkeleyPoll first = poll(start, 2);
        assertThat(start).hasSize(1);
        assertThat(first.roundId()).isEqualTo(1);

        // sample 1: rtt 200 us, offset 5.010 ms
        List<Action> afterFirst = coordinator.onReply(2, reply(first, T0 + 100 * US, 5_010 * US), T0 + 200 * US);
        Message.BerkeleyPoll second = poll(afterFirst, 2);
        assertThat(second.requestId()).isNotEqualTo(first.requestId());
        assertThat(second.roundId()).isEqualTo(1);
        // sample 2: rtt 100 us, offset 5.000 ms, the one to keep
        long t1 = T0 + 200 * US;
        Message.BerkeleyPoll third = poll(coordinator.onReply(2, reply(second, t1 + 50 * US, 5 * MS), t1 + 100 * US), 2);
        // sample 3: rtt 300 us, offset 4.900 ms
        t1 += 100 * US;
        List<Action> finish = coordinator.onReply(2, reply(third, t1 + 150 * US, 4_900 * US), t1 + 300 * US);

        RoundReport report = report(finish);
        // readings: master 0, member +5 ms; median and average 2.5 ms
        assertThat(report.medianNanos()).isEqualTo(2_500 * US);
        assertThat(report.averageNanos()).isEqualTo(2_500 * US);
        assertThat(report.members()).containsExactly(
                new MemberResult(MASTER, MemberResult.Status.INCLUDED, 0, 0, 1, 2_500 * US, ""),
                new MemberResult(2, MemberResult.Status.INCLUDED, 5 * MS, 100 * US, 3, -2_500 * US, ""));
        Message.BerkeleyAdjust adjust = adjust(finish, 2);
        assertThat(adjust.correctionNanos()).as("a member ahead is told to go back").isEqualTo(-2_500 * US);
        assertThat(adjust.roundId()).isEqualTo(1);
        assertThat(adjust.requestId()).as("echoes the member's last answered poll, binding the correction to it")
                .isEqualTo(third.requestId());
        assertThat(finish).containsSubsequence(new AdjustClock(2_500 * US, "berkeley round 1", false), new RoundCompleted(report));
        assertThat(finish.get(finish.size() - 1)).isInstanceOf(RoundCompleted.class);
        assertThat(coordinator.roundsCompleted()).isEqualTo(1);
        assertThat(coordinator.lastRound()).contains(report);
        assertThat(coordinator.roundInProgress()).isFalse();
    }

    @Test
    void theOffsetUsesTheMidpointOfPollAndReply() {
        BerkeleyCoordinator coordinator = coordinator(1);
        coordinator.addMember(2);
        coordinator.addMember(3);
        List<Action> start = coordinator.tick(T0);
        // member 2 is 20 ms behind, member 3 is 10 ms ahead; each answered at the midpoint of a 1 ms round trip
        coordinator.onReply(2, reply(poll(start, 2), T0 + 500 * US, -20 * MS), T0 + MS);
        List<Action> finish = coordinator.onReply(3, new Message.BerkeleyReply(poll(start, 3).requestId(), 1,
                T0 + 500 * US + 10 * MS), T0 + MS);
        RoundReport report = report(finish);
        assertThat(report.member(2).orElseThrow().offsetNanos()).isEqualTo(-20 * MS);
        assertThat(report.member(3).orElseThrow().offsetNanos()).isEqualTo(10 * MS);
        // average of 0, -20, +10 ms is -3.333 ms
        assertThat(report.averageNanos()).isEqualTo(-3_333_333);
        assertThat(adjust(finish, 2).correctionNanos()).isEqualTo(-3_333_333 + 20 * MS);
        assertThat(adjust(finish, 3).correctionNanos()).isEqualTo(-3_333_333 - 10 * MS);
    }

    @Test
    void aSilentMemberIsLeftOutWhenTheRoundTimesOut() {
        BerkeleyCoordinator coordinator = coordinator(1);
        coordinator.addMember(2);
        coordinator.addMember(3);
        List<Action> start = coordinator.tick(T0);
        assertThat(coordinator.onReply(2, reply(poll(start, 2), T0 + 100 * US, 1 * MS), T0 + 200 * US)).isEmpty();
        assertThat(coordinator.tick(T0 + 300 * MS - 1)).isEmpty();

        List<Action> timeout = coordinator.tick(T0 + 300 * MS);
        RoundReport report = report(timeout);
        assertThat(report.finishedHostNanos()).isEqualTo(T0 + 300 * MS);
        assertThat(report.leftOut()).containsExactly(
                new MemberResult(3, MemberResult.Status.NO_REPLY, 0, 0, 0, 0, "no reply within 300 ms"));
        assertThat(report.includedCount()).isEqualTo(2);
        assertThat(timeout).noneMatch(a -> a instanceof Send s && s.toNodeId() == 3);
        assertThat(adjust(timeout, 2).correctionNanos()).isEqualTo(-500 * US);

        // its late reply is stale
        assertThat(coordinator.onReply(3, reply(poll(start, 3), T0 + 400 * MS, 0), T0 + 400 * MS)).isEmpty();
        assertThat(coordinator.staleReplies()).isEqualTo(1);
    }

    @Test
    void aMemberRemovedMidRoundIsReportedAsDisconnected() {
        BerkeleyCoordinator coordinator = coordinator(2);
        coordinator.addMember(2);
        coordinator.addMember(3);
        List<Action> start = coordinator.tick(T0);
        Message.BerkeleyPoll toThree = poll(start, 3);
        // member 3 answers once, then its connection drops
        List<Action> next = coordinator.onReply(3, reply(toThree, T0 + 100 * US, 7 * MS), T0 + 200 * US);
        coordinator.removeMember(3);
        assertThat(coordinator.members()).containsExactly(2);
        assertThat(coordinator.onReply(3, reply(poll(next, 3), T0 + 300 * US, 7 * MS), T0 + 400 * US)).isEmpty();
        assertThat(coordinator.staleReplies()).isEqualTo(1);

        Message.BerkeleyPoll toTwo = poll(start, 2);
        Message.BerkeleyPoll again = poll(coordinator.onReply(2, reply(toTwo, T0 + 100 * US, 0), T0 + 200 * US), 2);
        List<Action> finish = coordinator.onReply(2, reply(again, T0 + 300 * US, 0), T0 + 400 * US);
        RoundReport report = report(finish);
        assertThat(report.leftOut()).containsExactly(
                new MemberResult(3, MemberResult.Status.NO_REPLY, 0, 0, 1, 0, "disconnected"));
        assertThat(finish).noneMatch(a -> a instanceof Send s && s.toNodeId() == 3);
    }

    @Test
    void removingTheLastOutstandingMemberLetsTheNextTickFinishTheRound() {
        BerkeleyCoordinator coordinator = coordinator(1);
        coordinator.addMember(2);
        coordinator.tick(T0);
        coordinator.removeMember(2);
        RoundReport report = report(coordinator.tick(T0 + MS));
        assertThat(report.leftOut()).extracting(MemberResult::reason).containsExactly("disconnected");
        assertThat(report.includedCount()).isEqualTo(1);
    }

    @Test
    void staleDuplicateAndWrongMemberRepliesAreCountedAndIgnored() {
        BerkeleyCoordinator coordinator = coordinator(2);
        coordinator.addMember(2);
        coordinator.addMember(3);
        List<Action> start = coordinator.tick(T0);
        Message.BerkeleyPoll toTwo = poll(start, 2);
        Message.BerkeleyPoll toThree = poll(start, 3);

        assertThat(coordinator.onReply(3, reply(toTwo, T0, 0), T0 + 1)).as("wrong member").isEmpty();
        assertThat(coordinator.onReply(2, new Message.BerkeleyReply(toTwo.requestId(), 99, T0), T0 + 1)).as("wrong round").isEmpty();
        assertThat(coordinator.onReply(2, new Message.BerkeleyReply(12_345, 1, T0), T0 + 1)).as("unknown request").isEmpty();
        assertThat(coordinator.onReply(4, reply(toTwo, T0, 0), T0 + 1)).as("not a member").isEmpty();
        assertThat(coordinator.staleReplies()).isEqualTo(4);

        Message.BerkeleyPoll secondToTwo = poll(coordinator.onReply(2, reply(toTwo, T0 + 50 * US, 0), T0 + 100 * US), 2);
        assertThat(coordinator.onReply(2, reply(toTwo, T0 + 50 * US, 0), T0 + 150 * US)).as("duplicate").isEmpty();
        assertThat(coordinator.staleReplies()).isEqualTo(5);

        Message.BerkeleyPoll secondToThree = poll(coordinator.onReply(3, reply(toThree, T0 + 50 * US, 0), T0 + 100 * US), 3);
        coordinator.onReply(2, reply(secondToTwo, T0 + 150 * US, 0), T0 + 200 * US);
        RoundReport report = report(coordinator.onReply(3, reply(secondToThree, T0 + 150 * US, 0), T0 + 200 * US));
        assertThat(report.members()).allSatisfy(m -> assertThat(m.status()).isEqualTo(MemberResult.Status.INCLUDED));
        assertThat(report.member(2).orElseThrow().samples()).isEqualTo(2);

        assertThat(coordinator.onReply(3, reply(secondToThree, T0, 0), T0 + 300 * US)).as("finished round").isEmpty();
        assertThat(coordinator.staleReplies()).isEqualTo(6);
        assertThat(coordinator.roundsCompleted()).isEqualTo(1);
    }

    @Test
    void anExcludedMemberIsStillCorrectedButDoesNotCountInTheAverage() {
        BerkeleyCoordinator coordinator = coordinator(1);
        for (int id = 2; id <= 4; id++) {
            coordinator.addMember(id);
        }
        List<Action> start = coordinator.tick(T0);
        coordinator.onReply(2, reply(poll(start, 2), T0 + 50 * US, 0), T0 + 100 * US);
        coordinator.onReply(3, reply(poll(start, 3), T0 + 50 * US, MS), T0 + 100 * US);
        List<Action> finish = coordinator.onReply(4, reply(poll(start, 4), T0 + 50 * US, 3_600 * S), T0 + 100 * US);

        RoundReport report = report(finish);
        // readings 0, 0, 1 ms, 1 h: median 0.5 ms; the hour is excluded; average of 0, 0, 1 ms
        assertThat(report.medianNanos()).isEqualTo(500 * US);
        assertThat(report.averageNanos()).isEqualTo(333_333);
        MemberResult liar = report.member(4).orElseThrow();
        assertThat(liar.status()).isEqualTo(MemberResult.Status.EXCLUDED);
        assertThat(liar.reason()).isEqualTo("offset +3600.000000 s is 3600.000 s from the median, over the 50 ms limit");
        assertThat(liar.correctionNanos()).isEqualTo(333_333 - 3_600 * S);
        assertThat(adjust(finish, 4).correctionNanos()).isEqualTo(333_333 - 3_600 * S);
        assertThat(report.excluded()).containsExactly(liar);
        assertThat(report.leftOut()).isEmpty();
        assertThat(finish).contains(new AdjustClock(333_333, "berkeley round 1", false));
    }

    @Test
    void anExcludedMasterStillMovesToTheAverage() {
        BerkeleyCoordinator coordinator = coordinator(1);
        for (int id = 2; id <= 4; id++) {
            coordinator.addMember(id);
        }
        List<Action> start = coordinator.tick(T0);
        List<Action> finish = List.of();
        for (int id = 2; id <= 4; id++) {
            finish = coordinator.onReply(id, reply(poll(start, id), T0 + 50 * US, S), T0 + 100 * US);
        }
        RoundReport report = report(finish);
        assertThat(report.member(MASTER).orElseThrow().status()).isEqualTo(MemberResult.Status.EXCLUDED);
        assertThat(report.averageNanos()).isEqualTo(S);
        assertThat(finish).contains(new AdjustClock(S, "berkeley round 1", false));
        assertThat(adjust(finish, 3).correctionNanos()).isZero();
    }

    @Test
    void roundsFollowThePlannedScheduleAndLateTicksSkipMissedRounds() {
        BerkeleyCoordinator coordinator = coordinator(1);
        assertThat(coordinator.tick(T0)).as("no members, no round").isEmpty();
        assertThat(coordinator.tick(T0 + 10 * MS)).isEmpty();
        coordinator.addMember(2);
        long first = T0 + 20 * MS;
        Message.BerkeleyPoll round1 = poll(coordinator.tick(first), 2);
        assertThat(round1.roundId()).isEqualTo(1);
        report(coordinator.onReply(2, reply(round1, first + 300 * US, 0), first + 600 * US));

        assertThat(coordinator.tick(first + S - 1)).isEmpty();
        // a tick 5 ms late still starts round 2; round 3 is planned from round 2's planned start, not from this tick
        Message.BerkeleyPoll round2 = poll(coordinator.tick(first + S + 5 * MS), 2);
        assertThat(round2.roundId()).isEqualTo(2);
        report(coordinator.onReply(2, reply(round2, first + S + 6 * MS, 0), first + S + 7 * MS));
        assertThat(coordinator.tick(first + 2 * S - 1)).isEmpty();

        // the ticks stall for 2.5 s: the rounds planned at +2 s and +3 s are skipped, one round runs now
        Message.BerkeleyPoll round3 = poll(coordinator.tick(first + 4 * S + 500 * MS), 2);
        assertThat(round3.roundId()).isEqualTo(3);
        assertThat(coordinator.skippedRounds()).isEqualTo(2);
        // it times out (the member is silent) and the next one starts at the planned +5 s
        RoundReport timedOut = report(coordinator.tick(first + 4 * S + 800 * MS));
        assertThat(timedOut.leftOut()).hasSize(1);
        assertThat(coordinator.tick(first + 5 * S - 1)).isEmpty();
        assertThat(poll(coordinator.tick(first + 5 * S), 2).roundId()).isEqualTo(4);
        assertThat(coordinator.skippedRounds()).isEqualTo(2);
    }

    @Test
    void aTickDuringARoundDoesNotStartAnother() {
        BerkeleyCoordinator coordinator = coordinator(1);
        coordinator.addMember(2);
        coordinator.tick(T0);
        assertThat(coordinator.tick(T0 + 100 * MS)).isEmpty();
        assertThat(coordinator.roundInProgress()).isTrue();
    }

    @Test
    void anUnusableReadingLeavesTheMemberOutWithTheReason() {
        BerkeleyCoordinator coordinator = coordinator(1);
        coordinator.addMember(2);
        Message.BerkeleyPoll poll = poll(coordinator.tick(T0), 2);
        RoundReport report = report(coordinator.onReply(2, new Message.BerkeleyReply(poll.requestId(), 1, Long.MIN_VALUE), T0 + MS));
        assertThat(coordinator.invalidReplies()).isEqualTo(1);
        assertThat(report.leftOut()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(MemberResult.Status.NO_REPLY);
            assertThat(m.reason()).startsWith("no usable reply within 300 ms: ").contains("more than ten years");
        });
    }

    @Test
    void anOffsetOfExactlyLongMinValueIsUnusableToo() {
        BerkeleyCoordinator coordinator = coordinator(1);
        coordinator.addMember(2);
        Message.BerkeleyPoll poll = poll(coordinator.tick(T0), 2);
        // midpoint T0 + 500 us; this reading makes offset = Long.MIN_VALUE without overflowing, and |MIN_VALUE| < 0
        long clockNanos = Long.MIN_VALUE + T0 + 500 * US;
        RoundReport report = report(coordinator.onReply(2, new Message.BerkeleyReply(poll.requestId(), 1, clockNanos), T0 + MS));
        assertThat(report.leftOut()).hasSize(1);
        assertThat(coordinator.invalidReplies()).isEqualTo(1);
    }

    @Test
    void membershipIsBoundedAndValidated() {
        BerkeleyCoordinator coordinator = coordinator(1);
        for (int id = 2; id < 2 + BerkeleyCoordinator.MAX_MEMBERS; id++) {
            coordinator.addMember(id);
        }
        coordinator.addMember(2); // again: no-op
        assertThatThrownBy(() -> coordinator.addMember(10_000))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("4096 members");
        assertThatThrownBy(() -> coordinator.addMember(MASTER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> coordinator.addMember(0)).isInstanceOf(IllegalArgumentException.class);
        List<Action> start = coordinator.tick(T0);
        assertThat(start).hasSize(BerkeleyCoordinator.MAX_MEMBERS);
        RoundReport report = report(coordinator.tick(T0 + 300 * MS));
        assertThat(report.members()).hasSize(BerkeleyCoordinator.MAX_MEMBERS + 1);
        assertThat(report.includedCount()).isEqualTo(1);
    }

    @Test
    void configIsValidatedWithClearMessages() {
        assertThat(BerkeleyConfig.defaults()).isEqualTo(new BerkeleyConfig(S, 4, 300 * MS, 50 * MS, 3));
        assertThatThrownBy(() -> new BerkeleyConfig(S, 4, 300 * MS, 50 * MS, 17)).hasMessageContaining("probation");
        assertThatThrownBy(() -> new BerkeleyConfig(S, 17, 300 * MS, 50 * MS)).hasMessageContaining("burst size must be 1..16");
        assertThatThrownBy(() -> new BerkeleyConfig(S, 0, 300 * MS, 50 * MS)).hasMessageContaining("burst size");
        assertThatThrownBy(() -> new BerkeleyConfig(S, 4, S, 50 * MS)).hasMessageContaining("shorter than the interval");
        assertThatThrownBy(() -> new BerkeleyConfig(S, 4, 0, 50 * MS)).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> new BerkeleyConfig(0, 4, 300 * MS, 50 * MS)).hasMessageContaining("interval");
        assertThatThrownBy(() -> new BerkeleyConfig(S, 4, 300 * MS, 0)).hasMessageContaining("max deviation");
    }
}
