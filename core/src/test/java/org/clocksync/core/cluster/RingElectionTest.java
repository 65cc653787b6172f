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

/** Ring elections across several {@link ClusterMembership} instances on a {@link ClusterPump}. */
class RingElectionTest {
    private static final ClusterConfig CONFIG = TestConfigs.FIFTY_MS.withElection(ElectionAlgorithm.RING);
    private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

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

        assertThat(epoch).isEqualTo(Epochs.elected(1, 4));
        for (int id : List.of(1, 2, 3)) {
            assertThat(pump.node(id).role()).isEqualTo(ClusterRole.FOLLOWER);
            assertThat(pump.node(id).coordinatorId()).isEqualTo(4);
            assertThat(pump.node(id).epoch()).isEqualTo(epoch);
        }
        // All four suspected 5 within a tick of each other and started: several elections, one result.
        long starters = IntStream.rangeClosed(1, 4).filter(id -> pump.node(id).electionsStarted() > 0).count();
        assertThat(starters).isGreaterThanOrEqualTo(2);
        // Chang-Roberts: the lower initiators' elections stop at the next running initiator, so far fewer than
        // 4 starters * 2n messages go out.
        System.out.printf("Ring messages, 4 concurrent starters after a crash: %d%n", pump.ringMessages());
        assertThat(pump.ringMessages()).isLessThanOrEqualTo(4 * 2 * 4);

        long messages = pump.ringMessages();
        pump.runFor(3_000 * MS);
        assertThat(pump.settledOn(4)).isTrue();
        assertThat(pump.ringMessages()).isEqualTo(messages);
    }

    @Test
    void theRestartedOldMasterStepsDownAndStaysAFollowerOfFour() {
        ClusterPump pump = masterFiveCrashed();
        long fourEpoch = pump.node(4).epoch();
        pump.runFor(500 * MS);
        pump.resetCounts();

        pump.restart(5, true);
        assertThat(pump.runUntil(() -> pump.settledOn(4) && pump.node(5).coordinatorId() == 4, 1_000 * MS))
                .as(pump.describe()).isTrue();
        assertThat(pump.roleChanges(5)).singleElement().satisfies(c -> {
            assertThat(c.role()).isEqualTo(ClusterRole.FOLLOWER);
            assertThat(c.coordinatorId()).isEqualTo(4);
            assertThat(c.epoch()).isEqualTo(fourEpoch);
            assertThat(c.reason()).startsWith("saw higher epoch " + fourEpoch + " from node");
        });
        pump.runFor(2_000 * MS);
        assertThat(pump.settledOn(4)).isTrue();
        assertThat(pump.node(4).epoch()).isEqualTo(fourEpoch);
        assertThat(pump.ringMessages()).isZero();
    }

    @Test
    void aPausedCoordinatorStepsDownWhenItWakesAndFollowsFour() {
        ClusterPump pump = new ClusterPump(CONFIG, FIVE, 5);
        pump.runFor(1_000 * MS);
        pump.pause(5);
        assertThat(pump.runUntil(() -> pump.settledOn(4), 2_000 * MS)).as(pump.describe()).isTrue();
        long fourEpoch = pump.node(4).epoch();
        pump.runFor(1_000 * MS);
        pump.resetCounts();

        pump.resume(5);

        assertThat(pump.node(5).role()).isEqualTo(ClusterRole.FOLLOWER);
        assertThat(pump.roleChanges(5)).singleElement()
                .satisfies(c -> assertThat(c.reason()).startsWith("saw higher epoch " + fourEpoch));
        pump.runFor(2_000 * MS);
        assertThat(pump.settledOn(4)).as(pump.describe()).isTrue();
        assertThat(pump.node(5).coordinatorId()).isEqualTo(4);
    }

    @Test
    void theRingSkipsADeadNode() {
        ClusterPump pump = new ClusterPump(CONFIG, FIVE, 5);
        pump.runFor(1_000 * MS);
        pump.crash(2);
        pump.runFor(1_000 * MS);
        assertThat(pump.node(1).detector().suspected(2)).isTrue();
        pump.resetCounts();
        pump.crash(5);

        assertThat(pump.runUntil(() -> pump.settledOn(4), 2_000 * MS)).as(pump.describe()).isTrue();
        assertThat(pump.sentLog()).filteredOn(e -> e.message().type() == MessageType.RING_ELECTION
                || e.message().type() == MessageType.RING_COORDINATOR).isNotEmpty()
                .noneMatch(e -> e.to() == 2 || e.to() == 5);
        assertThat(pump.sentLog()).filteredOn(e -> e.message() instanceof Message.RingCoordinator)
                .allSatisfy(e -> assertThat(((Message.RingCoordinator) e.message()).memberIds())
                        .containsExactlyInAnyOrder(1, 3, 4));
    }

    /**
     * One initiator, no master yet (node 1's discovery timeout is the shortest): the election goes round once
     * collecting n ids, and the announcement goes round once: 2n messages.
     */
    static ClusterPump ringElectionStartedByNodeOne(int n) {
        List<Integer> ids = IntStream.rangeClosed(1, n).boxed().toList();
        ClusterConfig early = new ClusterConfig(CONFIG.heartbeatPeriodNanos(), CONFIG.defaultBounds(), Map.of(),
                CONFIG.topology(), ElectionAlgorithm.RING, CONFIG.tickNanos(), 1_000 * MS);
        ClusterPump pump = new ClusterPump(CONFIG, ids, 0, Map.of(1, early));
        assertThat(pump.runUntil(() -> pump.settledOn(n), 2_000 * MS)).as(pump.describe()).isTrue();
        pump.runFor(1_000 * MS);
        assertThat(pump.settledOn(n)).isTrue();
        return pump;
    }

    @Test
    void theElectionAndTheAnnouncementEachGoRoundOnce() {
        ClusterPump pump = ringElectionStartedByNodeOne(5);

        assertThat(pump.sent(MessageType.RING_ELECTION)).isEqualTo(5);
        assertThat(pump.sent(MessageType.RING_COORDINATOR)).isEqualTo(5);
        List<ClusterPump.Envelope> ring = pump.sentLog().stream()
                .filter(e -> e.message().type() != MessageType.HEARTBEAT).toList();
        assertThat(ring).extracting(ClusterPump.Envelope::from).containsExactly(1, 2, 3, 4, 5, 1, 2, 3, 4, 5);
        assertThat(ring).extracting(ClusterPump.Envelope::to).containsExactly(2, 3, 4, 5, 1, 2, 3, 4, 5, 1);
        assertThat(((Message.RingElection) ring.get(4).message()).candidateIds()).containsExactly(1, 2, 3, 4, 5);
        assertThat(ring.get(5).message()).isEqualTo(
                new Message.RingCoordinator(T0, 5, List.of(1, 2, 3, 4, 5)));
        assertThat(pump.node(5).epoch()).isEqualTo(Epochs.elected(1, 5));
        assertThat(pump.node(1).elections()).singleElement().satisfies(r -> {
            assertThat(r.trigger()).startsWith("discovery");
            assertThat(r.coordinatorId()).isEqualTo(5);
            assertThat(r.messagesSent()).isEqualTo(2);
        });
        assertThat(pump.node(3).elections()).singleElement()
                .satisfies(r -> assertThat(r.trigger()).isEqualTo("joined Ring election of node 1"));
        assertThat(IntStream.rangeClosed(1, 5).mapToLong(id -> pump.node(id).electionsStarted()).sum()).isOne();
    }

    @Test
    void ringNeedsTwoNMessagesPerElectionWhereBullyNeedsAboutNSquared() {
        long ringFive = ringElectionStartedByNodeOne(5).ringMessages();
        long ringTen = ringElectionStartedByNodeOne(10).ringMessages();
        long bullyFive = BullyElectionTest.bullyMessagesWhenTheLowestNodeStarts(5);
        long bullyTen = BullyElectionTest.bullyMessagesWhenTheLowestNodeStarts(10);
        System.out.printf("Messages per election, lowest node starts: n=5 ring %d bully %d; n=10 ring %d bully %d%n",
                ringFive, bullyFive, ringTen, bullyTen);

        assertThat(ringFive).isEqualTo(10);
        assertThat(ringTen).isEqualTo(20);
        assertThat(bullyTen).isGreaterThan(4 * ringTen);
    }

    @Test
    void anElectionLostOnTheWayIsRestartedAfterTheRingTimeout() {
        ClusterMembership one = new ClusterMembership(1, List.of(2, 3, 4, 5), CONFIG, false, T0);
        RingElector ring = (RingElector) one.elector();
        assertThat(ring.timeoutNanos()).isEqualTo(660 * MS); // (5+1) * (50+5) * 2 ms

        one.onCoordinatorKnown(5, T0);
        long start = T0 + 10 * MS;
        keepAliveExceptFive(one, start);
        List<Action> started = one.onMessage(2, Epochs.INITIAL, new Message.FailureNotice(5, start), start);
        assertThat(started).contains(new Send(2, new Message.RingElection(T0, 1, List.of(1))));
        assertThat(started.stream().filter(a -> a instanceof RoleChanged).map(a -> ((RoleChanged) a).reason()))
                .containsExactly("coordinator 5 suspected");

        for (long t = start + 5 * MS; t < start + 660 * MS; t += 5 * MS) {
            keepAliveExceptFive(one, t);
            assertThat(one.tick(t)).noneMatch(a -> a instanceof Send s && s.message() instanceof Message.RingElection);
        }
        keepAliveExceptFive(one, start + 660 * MS);
        assertThat(one.tick(start + 660 * MS)).contains(new Send(2, new Message.RingElection(T0 + 1, 1, List.of(1))));
        assertThat(one.electionRestarts()).isOne();

        // The first attempt coming back late is ignored; the second decides: 4 is the highest live id.
        long t = start + 700 * MS;
        one.onFrame(4, Epochs.INITIAL, t);
        assertThat(one.onMessage(4, Epochs.INITIAL, new Message.RingElection(T0, 1, List.of(1, 2, 3, 4)), t)).isEmpty();
        List<Action> decided = one.onMessage(4, Epochs.INITIAL,
                new Message.RingElection(T0 + 1, 1, List.of(1, 2, 3, 4)), t);
        assertThat(decided).containsExactly(
                new RoleChanged(ClusterRole.FOLLOWER, 4, Epochs.elected(1, 4),
                        "Ring election " + (T0 + 1) + " went round [1, 2, 3, 4]: node 4 has the highest id"),
                new Send(2, new Message.RingCoordinator(T0 + 1, 4, List.of(1, 2, 3, 4))));
        assertThat(one.epoch()).isEqualTo(Epochs.elected(1, 4));
    }

    @Test
    void theWinnerTakesUpTheEpochOnlyIfItTookPartInTheElection() {
        ClusterMembership four = new ClusterMembership(4, List.of(1, 2, 3, 5), CONFIG, false, T0);
        four.onCoordinatorKnown(5, T0);
        four.onFrame(3, Epochs.INITIAL, T0 + MS);
        four.onMessage(3, Epochs.INITIAL, new Message.RingElection(T0, 1, List.of(1, 2, 3)), T0 + MS);
        EpochVerdict won = four.onFrame(5, Epochs.elected(1, 4), T0 + 2 * MS);
        assertThat(won.actions()).filteredOn(a -> a instanceof RoleChanged).singleElement()
                .satisfies(a -> assertThat(((RoleChanged) a).role()).isEqualTo(ClusterRole.COORDINATOR));
        // The announcement then goes on round the ring.
        assertThat(four.onMessage(5, Epochs.elected(1, 4),
                new Message.RingCoordinator(T0, 4, List.of(1, 2, 3, 4, 5)), T0 + 2 * MS))
                .containsExactly(new Send(5, new Message.RingCoordinator(T0, 4, List.of(1, 2, 3, 4, 5))));

        ClusterMembership fresh = new ClusterMembership(4, List.of(1, 2, 3, 5), CONFIG, false, T0);
        fresh.onFrame(5, Epochs.elected(1, 4), T0 + 2 * MS);
        assertThat(fresh.role()).isEqualTo(ClusterRole.CANDIDATE);
    }

    @Test
    void aCoordinatorAlreadySuspectedWhenAdoptedGetsOneDetectorTimeoutToProveItselfAlive() {
        long timeout = 150 * MS; // T + max - min
        for (boolean fourSpeaks : new boolean[] {false, true}) {
            ClusterMembership one = new ClusterMembership(1, List.of(2, 3, 4, 5), CONFIG, false, T0);
            one.onCoordinatorKnown(5, T0);
            long t = T0 + 10 * MS;
            keepAliveExcept(one, t, 4);
            one.onMessage(2, Epochs.INITIAL, new Message.FailureNotice(4, t), t); // 1 cannot hear 4; others can
            assertThat(one.detector().suspected(4)).isTrue();
            one.onFrame(3, Epochs.elected(1, 4), t); // ... and the others elected 4
            assertThat(one.coordinatorId()).isEqualTo(4);
            long followed = t;
            for (t += 5 * MS; t <= followed + timeout; t += 5 * MS) {
                keepAliveExcept(one, t, 4);
                if (fourSpeaks && t == followed + 100 * MS) {
                    one.onFrame(4, one.epoch(), t);
                }
                assertThat(one.tick(t)).as("t=%d ms", (t - followed) / MS)
                        .noneMatch(a -> a instanceof RoleChanged);
            }
            keepAliveExcept(one, t, 4);
            List<Action> after = one.tick(t);
            if (fourSpeaks) {
                assertThat(after).noneMatch(a -> a instanceof RoleChanged);
                assertThat(one.coordinatorId()).isEqualTo(4);
            } else {
                assertThat(after).filteredOn(a -> a instanceof RoleChanged).singleElement()
                        .satisfies(a -> assertThat(((RoleChanged) a).reason()).isEqualTo("coordinator 4 suspected"));
            }
        }
    }

    private static void keepAliveExcept(ClusterMembership node, long nowNanos, int silentId) {
        for (PeerView p : node.detector().peers()) {
            if (p.id() != silentId) {
                node.onFrame(p.id(), node.epoch(), nowNanos);
            }
        }
    }

    private static void keepAliveExceptFive(ClusterMembership node, long nowNanos) {
        for (PeerView p : node.detector().peers()) {
            if (p.id() != 5) {
                node.onFrame(p.id(), node.epoch(), nowNanos);
            }
        }
    }
}
