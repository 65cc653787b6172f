package org.clocksync.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clocksync.core.cluster.ClusterPump.MS;
import static org.clocksync.core.cluster.ClusterPump.T0;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.MessageType;
import org.junit.jupiter.api.Test;

/** Bully elections across several {@link ClusterMembership} instances on a {@link ClusterPump}. */
class BullyElectionTest {
    private static final ClusterConfig CONFIG = TestConfigs.FIFTY_MS;
    private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

    /** Master 5 runs a second, then crashes; returns the pump once the survivors settled. */
    private static ClusterPump masterFiveCrashed() {
        ClusterPump pump = new ClusterPump(CONFIG, FIVE, 5);
        pump.runFor(1_000 * MS);
        assertThat(pump.settledOn(5)).as(pump.describe()).isTrue();
        pump.crash(5);
        assertThat(pump.runUntil(() -> pump.settledOn(4), 2_000 * MS)).as(pump.describe()).isTrue();
        return pump;
    }

    @Test
    void whenMasterFiveCrashesNodeFourBecomesCoordinatorOfAnEpochNamingItAndTheOthersFollow() {
        ClusterPump pump = masterFiveCrashed();
        long epoch = pump.node(4).epoch();

        assertThat(epoch).isGreaterThan(Epochs.INITIAL);
        assertThat(Epochs.coordinatorOf(epoch)).isEqualTo(4);
        for (int id : List.of(1, 2, 3)) {
            assertThat(pump.node(id).role()).isEqualTo(ClusterRole.FOLLOWER);
            assertThat(pump.node(id).coordinatorId()).isEqualTo(4);
            assertThat(pump.node(id).epoch()).isEqualTo(epoch);
            ElectionRecord last = pump.node(id).elections().get(pump.node(id).elections().size() - 1);
            assertThat(last.coordinatorId()).isEqualTo(4);
            assertThat(last.epoch()).isEqualTo(epoch);
            assertThat(last.decidedNanos()).isPositive();
        }
        // Every survivor suspected 5 at about the same time: concurrent elections, one result.
        long starters = IntStream.rangeClosed(1, 4).filter(id -> pump.node(id).electionsStarted() > 0).count();
        assertThat(starters).isGreaterThanOrEqualTo(2);
        assertThat(pump.node(4).elections()).last()
                .satisfies(r -> assertThat(r.trigger()).isIn("coordinator 5 suspected", "election from node 1",
                        "election from node 2", "election from node 3"));

        // It stays that way: no further elections once settled.
        long messages = pump.bullyMessages();
        pump.runFor(3_000 * MS);
        assertThat(pump.settledOn(4)).isTrue();
        assertThat(pump.bullyMessages()).isEqualTo(messages);
    }

    @Test
    void theRestartedOldMasterStepsDownOnTheFirstHigherEpochFrameThenWinsTheNextTerm() {
        ClusterPump pump = masterFiveCrashed();
        long fourEpoch = pump.node(4).epoch();
        pump.runFor(500 * MS);
        pump.resetCounts();

        pump.restart(5, true);
        assertThat(pump.node(5).role()).isEqualTo(ClusterRole.COORDINATOR);
        assertThat(pump.node(5).epoch()).isEqualTo(Epochs.INITIAL);
        assertThat(pump.runUntil(() -> pump.settledOn(5), 1_000 * MS)).as(pump.describe()).isTrue();

        List<RoleChanged> changes = pump.roleChanges(5);
        assertThat(changes.get(0).role()).isEqualTo(ClusterRole.FOLLOWER);
        assertThat(changes.get(0).coordinatorId()).isEqualTo(4);
        assertThat(changes.get(0).reason()).startsWith("saw higher epoch " + fourEpoch + " from node");
        assertThat(changes).extracting(RoleChanged::role)
                .containsExactly(ClusterRole.FOLLOWER, ClusterRole.CANDIDATE, ClusterRole.COORDINATOR);
        long fiveEpoch = pump.node(5).epoch();
        assertThat(Epochs.term(fiveEpoch)).isEqualTo(Epochs.term(fourEpoch) + 1);
        assertThat(Epochs.coordinatorOf(fiveEpoch)).isEqualTo(5);
        assertThat(pump.roleChanges(4)).extracting(RoleChanged::role).containsExactly(ClusterRole.FOLLOWER);
    }

    @Test
    void aRestartedHigherNodeWaitsUntilItIsReadyToLeadBeforeTakingOver() {
        ClusterPump pump = masterFiveCrashed();
        long fourEpoch = pump.node(4).epoch();
        pump.restart(5, true);
        pump.execute(5, pump.node(5).setReadyToLead(false, pump.now));

        pump.runFor(2_000 * MS);
        assertThat(pump.node(5).role()).as("follows while its clock is not yet corrected").isEqualTo(ClusterRole.FOLLOWER);
        assertThat(pump.node(5).coordinatorId()).isEqualTo(4);
        assertThat(pump.node(4).epoch()).isEqualTo(fourEpoch);

        pump.execute(5, pump.node(5).setReadyToLead(true, pump.now));
        pump.drain();
        assertThat(pump.runUntil(() -> pump.settledOn(5), 1_000 * MS)).as(pump.describe()).isTrue();
        assertThat(pump.node(5).elections()).last()
                .satisfies(r -> assertThat(r.trigger()).startsWith("higher node caught up"));
    }

    @Test
    void aRestartedHigherNodeTakesTheLeadBackOnlyAfterItsThirdCorrectionWhileFollowing() {
        ClusterPump pump = masterFiveCrashed();
        long fourEpoch = pump.node(4).epoch();
        pump.restart(5, true);
        pump.execute(5, pump.node(5).setReadyToLead(false, pump.now));
        assertThat(pump.runUntil(() -> pump.node(5).coordinatorId() == 4, 1_000 * MS)).as(pump.describe()).isTrue();

        assertThat(pump.node(5).onCorrectionApplied(pump.now)).isEmpty();
        assertThat(pump.node(5).onCorrectionApplied(pump.now)).isEmpty();
        pump.runFor(1_000 * MS);
        assertThat(pump.node(5).readyToLead()).isFalse();
        assertThat(pump.node(5).correctionsTowardsLeading()).isEqualTo(2);
        assertThat(pump.node(5).role()).as("two corrections are not enough").isEqualTo(ClusterRole.FOLLOWER);
        assertThat(pump.node(4).epoch()).isEqualTo(fourEpoch);

        pump.execute(5, pump.node(5).onCorrectionApplied(pump.now));
        assertThat(pump.node(5).readyToLead()).isTrue();
        pump.drain();
        assertThat(pump.runUntil(() -> pump.settledOn(5), 1_000 * MS)).as(pump.describe()).isTrue();
        assertThat(pump.node(5).elections()).last()
                .satisfies(r -> assertThat(r.trigger()).startsWith("higher node caught up"));
    }

    @Test
    void correctionsCountOnlyWhileFollowingAKnownCoordinator() {
        ClusterPump pump = new ClusterPump(CONFIG, FIVE, 5);
        pump.execute(5, pump.node(5).setReadyToLead(false, pump.now));
        assertThat(pump.node(5).role()).isEqualTo(ClusterRole.COORDINATOR);
        for (int i = 0; i < 5; i++) {
            assertThat(pump.node(5).onCorrectionApplied(pump.now)).isEmpty();
        }
        assertThat(pump.node(5).readyToLead()).as("a coordinator is corrected by nobody").isFalse();
        assertThat(pump.node(5).correctionsTowardsLeading()).isZero();
    }

    @Test
    void aPausedCoordinatorStepsDownWhenItWakesAndBullyGivesItBackTheLead() {
        ClusterPump pump = new ClusterPump(CONFIG, FIVE, 5);
        pump.runFor(1_000 * MS);
        pump.pause(5);
        assertThat(pump.runUntil(() -> pump.settledOn(4), 2_000 * MS)).as(pump.describe()).isTrue();
        assertThat(pump.node(5).role()).isEqualTo(ClusterRole.COORDINATOR); // asleep, still believes it leads
        long fourEpoch = pump.node(4).epoch();
        pump.runFor(1_000 * MS);
        pump.resetCounts();

        pump.resume(5);

        List<RoleChanged> changes = pump.roleChanges(5);
        assertThat(changes).isNotEmpty();
        assertThat(changes.get(0).role()).isEqualTo(ClusterRole.FOLLOWER);
        assertThat(changes.get(0).reason()).startsWith("saw higher epoch " + fourEpoch);
        assertThat(pump.runUntil(() -> pump.settledOn(5), 1_000 * MS)).as(pump.describe()).isTrue();
        assertThat(Epochs.term(pump.node(5).epoch())).isEqualTo(Epochs.term(fourEpoch) + 1);
    }

    @Test
    void aLowerConfiguredMasterIsOverthrownByTheHighestNode() {
        ClusterPump pump = new ClusterPump(CONFIG, FIVE, 2);
        assertThat(pump.runUntil(() -> pump.settledOn(5), 1_000 * MS)).as(pump.describe()).isTrue();
        assertThat(pump.node(5).epoch()).isEqualTo(Epochs.elected(1, 5));
        assertThat(pump.node(5).elections()).last()
                .satisfies(r -> assertThat(r.trigger()).startsWith("higher node joined"));
    }

    @Test
    void theStarterWinsWhenNoHigherNodeAnswersWithinTheAnswerTimeout() {
        ClusterMembership four = new ClusterMembership(4, List.of(1, 2, 3, 5), CONFIG, false, T0);
        BullyElector bully = (BullyElector) four.elector();
        assertThat(bully.answerTimeoutNanos()).isEqualTo(110 * MS);   // 2*50 + 2*5 ms
        assertThat(bully.coordinatorTimeoutNanos()).isEqualTo(430 * MS); // 3*110 + 100 ms

        long start = T0 + 10 * MS;
        ClusterMembershipTest.keepAlive(four, start);
        List<Action> started = four.onFrame(1, Epochs.elected(1, 3), start).actions(); // follows 3, challenges it
        assertThat(started).contains(new Send(5, new Message.BullyElection(T0)));
        assertThat(four.role()).isEqualTo(ClusterRole.CANDIDATE);

        ClusterMembershipTest.keepAlive(four, start + 109 * MS);
        four.tick(start + 109 * MS);
        assertThat(four.role()).isEqualTo(ClusterRole.CANDIDATE);
        ClusterMembershipTest.keepAlive(four, start + 110 * MS);
        List<Action> won = four.tick(start + 110 * MS);
        assertThat(four.role()).isEqualTo(ClusterRole.COORDINATOR);
        assertThat(four.epoch()).isEqualTo(Epochs.elected(2, 4));
        assertThat(won).contains(new Send(5, new Message.BullyCoordinator(T0, 4)));
    }

    @Test
    void anAnswerWithoutAnAnnouncementRestartsTheElectionAfterTheCoordinatorTimeout() {
        ClusterMembership three = new ClusterMembership(3, List.of(1, 2, 4, 5), CONFIG, false, T0);
        long start = T0 + 10 * MS;
        ClusterMembershipTest.keepAlive(three, start);
        three.onFrame(1, Epochs.elected(1, 2), start); // follows 2, challenges it: asks 4 and 5
        long epoch = three.epoch();
        three.onFrame(5, epoch, start + MS);
        three.onMessage(5, epoch, new Message.BullyAnswer(T0), start + MS);

        for (long t = start + 5 * MS; t < start + MS + 430 * MS; t += 5 * MS) {
            ClusterMembershipTest.keepAlive(three, t);
            assertThat(three.tick(t)).noneMatch(a -> a instanceof Send s
                    && s.message().type() == MessageType.BULLY_ELECTION);
        }
        ClusterMembershipTest.keepAlive(three, start + 431 * MS);
        List<Action> again = three.tick(start + 431 * MS);
        assertThat(again).contains(new Send(4, new Message.BullyElection(T0 + 1)),
                new Send(5, new Message.BullyElection(T0 + 1)));
        assertThat(three.electionRestarts()).isEqualTo(1);
        assertThat(three.electionsStarted()).isEqualTo(2);
        assertThat(three.role()).isEqualTo(ClusterRole.CANDIDATE);
        // The restart is part of the same election record.
        assertThat(three.elections()).singleElement().satisfies(r -> assertThat(r.messagesSent()).isEqualTo(4));
    }

    @Test
    void aCandidateSeeingAHigherEpochOfALowerNodeAsksAgainInTheNewEpochWithoutChangingRole() {
        ClusterMembership three = new ClusterMembership(3, List.of(1, 2, 4, 5), CONFIG, false, T0);
        long start = T0 + 10 * MS;
        ClusterMembershipTest.keepAlive(three, start);
        three.onFrame(1, Epochs.elected(1, 2), start); // follows 2, challenges it
        assertThat(three.role()).isEqualTo(ClusterRole.CANDIDATE);

        EpochVerdict verdict = three.onFrame(1, Epochs.elected(2, 1), start + MS);

        assertThat(verdict.accepted()).isTrue();
        assertThat(three.epoch()).isEqualTo(Epochs.elected(2, 1));
        assertThat(three.role()).isEqualTo(ClusterRole.CANDIDATE);
        assertThat(verdict.actions()).containsExactly(new Send(4, new Message.BullyElection(T0 + 1)),
                new Send(5, new Message.BullyElection(T0 + 1)));
        // An answer to the abandoned election is ignored; one to the new election counts.
        long epoch = three.epoch();
        three.onFrame(5, epoch, start + 2 * MS);
        three.onMessage(5, epoch, new Message.BullyAnswer(T0), start + 2 * MS);
        assertThat(three.ignoredMessages()).isOne();
        three.onMessage(5, epoch, new Message.BullyAnswer(T0 + 1), start + 2 * MS);
        assertThat(three.ignoredMessages()).isOne();
        assertThat(three.elections()).singleElement().satisfies(r -> assertThat(r.decidedNanos()).isZero());
    }

    /**
     * The worst case: no master yet and the lowest node starts (its discovery timeout is the shortest). Every node asks
     * every higher one and each is answered: about n(n-1)/2 elections, as many answers, n-1 announcements.
     */
    static long bullyMessagesWhenTheLowestNodeStarts(int n) {
        List<Integer> ids = IntStream.rangeClosed(1, n).boxed().toList();
        ClusterConfig early = new ClusterConfig(CONFIG.heartbeatPeriodNanos(), CONFIG.defaultBounds(), Map.of(),
                CONFIG.topology(), ElectionAlgorithm.BULLY, CONFIG.tickNanos(), 1_000 * MS);
        ClusterPump pump = new ClusterPump(CONFIG, ids, 0, Map.of(1, early));
        assertThat(pump.runUntil(() -> pump.settledOn(n), 2_000 * MS)).as(pump.describe()).isTrue();
        assertThat(pump.node(1).elections()).singleElement()
                .satisfies(r -> assertThat(r.trigger()).startsWith("discovery"));
        pump.runFor(1_000 * MS);
        assertThat(pump.settledOn(n)).isTrue();
        return pump.bullyMessages();
    }

    @Test
    void bullyNeedsOnTheOrderOfNSquaredMessagesWhenTheLowestNodeStarts() {
        long five = bullyMessagesWhenTheLowestNodeStarts(5);
        long ten = bullyMessagesWhenTheLowestNodeStarts(10);
        System.out.printf("Bully messages, lowest node starts: n=5 -> %d, n=10 -> %d%n", five, ten);
        for (long[] c : new long[][] {{5, five}, {10, ten}}) {
            long n = c[0];
            assertThat(c[1]).as("n=%d", n).isBetween(n * (n - 1) / 2 + (n - 1), n * n + n);
        }
        assertThat((double) ten / five).as("quadratic growth").isGreaterThan(3.0);
    }
}
