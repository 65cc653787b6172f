package org.clocksync.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.clocksync.core.cluster.ClusterPump.MS;
import static org.clocksync.core.cluster.ClusterPump.T0;

import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/** The epoch gate and the membership's own rules, one node at a time. */
class ClusterMembershipTest {
    private static final ClusterConfig BULLY = TestConfigs.FIFTY_MS;
    private static final ClusterConfig RING = TestConfigs.FIFTY_MS.withElection(ElectionAlgorithm.RING);
    private static final long PERIOD = BULLY.heartbeatPeriodNanos();

    private static ClusterMembership node(int self, ClusterConfig config, boolean master) {
        List<Integer> peers = List.of(1, 2, 3, 4, 5).stream().filter(id -> id != self).toList();
        return new ClusterMembership(self, peers, config, master, T0);
    }

    private static List<RoleChanged> roleChanges(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof RoleChanged).map(a -> (RoleChanged) a).toList();
    }

    private static List<Send> sends(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof Send).map(a -> (Send) a).toList();
    }

    @Test
    void theConfiguredMasterStartsAsCoordinatorOfTheInitialEpochAndTheOthersKnowNoCoordinator() {
        ClusterMembership master = node(5, BULLY, true);
        ClusterMembership follower = node(2, BULLY, false);

        assertThat(master.role()).isEqualTo(ClusterRole.COORDINATOR);
        assertThat(master.coordinatorId()).isEqualTo(5);
        assertThat(master.epoch()).isEqualTo(Epochs.INITIAL);
        assertThat(follower.role()).isEqualTo(ClusterRole.FOLLOWER);
        assertThat(follower.coordinatorId()).isZero();
        assertThat(follower.epoch()).isEqualTo(Epochs.INITIAL);
        assertThat(follower.elections()).isEmpty();
    }

    @Test
    void aFollowerLearnsItsConfiguredMasterAndBullyMakesAHigherNodeChallengeIt() {
        ClusterMembership low = node(2, BULLY, false);
        List<Action> learned = low.onCoordinatorKnown(5, T0);
        assertThat(roleChanges(learned)).containsExactly(
                new RoleChanged(ClusterRole.FOLLOWER, 5, Epochs.INITIAL, "configured master is node 5"));
        assertThat(low.onCoordinatorKnown(5, T0)).isEmpty();

        ClusterMembership high = node(4, BULLY, false);
        List<Action> challenged = high.onCoordinatorKnown(3, T0);
        assertThat(roleChanges(challenged)).extracting(RoleChanged::role)
                .containsExactly(ClusterRole.FOLLOWER, ClusterRole.CANDIDATE);
        assertThat(sends(challenged)).containsExactly(new Send(5, new Message.BullyElection(T0)));
        assertThat(high.elections()).singleElement().satisfies(r -> assertThat(r.trigger()).contains("higher node"));

        ClusterMembership ringHigh = node(4, RING, false);
        assertThat(roleChanges(ringHigh.onCoordinatorKnown(3, T0))).extracting(RoleChanged::role)
                .containsExactly(ClusterRole.FOLLOWER);
    }

    @Test
    void aFollowerLearnsTheCoordinatorFromAHeartbeatInTheSameEpoch() {
        ClusterMembership follower = node(2, RING, false);
        assertThat(follower.onFrame(5, Epochs.INITIAL, T0).accepted()).isTrue();
        List<Action> actions = follower.onMessage(5, Epochs.INITIAL, new Message.Heartbeat(1, 5), T0);

        assertThat(roleChanges(actions)).singleElement().satisfies(c -> {
            assertThat(c.role()).isEqualTo(ClusterRole.FOLLOWER);
            assertThat(c.coordinatorId()).isEqualTo(5);
        });
        assertThat(follower.coordinatorId()).isEqualTo(5);
    }

    @Test
    void aHigherEpochFromAPeerIsAdoptedAndTheCoordinatorStepsDown() {
        ClusterMembership master = node(5, RING, true);
        EpochVerdict verdict = master.onFrame(2, Epochs.elected(1, 4), T0 + MS);

        assertThat(verdict.accepted()).isTrue();
        assertThat(roleChanges(verdict.actions())).containsExactly(new RoleChanged(ClusterRole.FOLLOWER, 4, 100_004,
                "saw higher epoch 100004 from node 2"));
        assertThat(master.epoch()).isEqualTo(100_004);
        assertThat(master.role()).isEqualTo(ClusterRole.FOLLOWER);
        assertThat(master.coordinatorId()).isEqualTo(4);
    }

    @Test
    void withBullyTheSteppedDownHigherNodeWinsAtOnceInTheNextTerm() {
        ClusterMembership master = node(5, BULLY, true);
        EpochVerdict verdict = master.onFrame(2, Epochs.elected(1, 4), T0 + MS);

        assertThat(roleChanges(verdict.actions())).extracting(RoleChanged::role)
                .containsExactly(ClusterRole.FOLLOWER, ClusterRole.CANDIDATE, ClusterRole.COORDINATOR);
        assertThat(roleChanges(verdict.actions()).get(0).reason()).isEqualTo("saw higher epoch 100004 from node 2");
        assertThat(master.epoch()).isEqualTo(Epochs.elected(2, 5));
        assertThat(master.role()).isEqualTo(ClusterRole.COORDINATOR);
        // RoleChanged comes before the announcement that depends on it.
        int lastRole = verdict.actions().lastIndexOf(roleChanges(verdict.actions()).get(2));
        assertThat(verdict.actions().subList(lastRole + 1, verdict.actions().size()))
                .containsExactly(new Send(1, new Message.BullyCoordinator(T0, 5)),
                        new Send(2, new Message.BullyCoordinator(T0, 5)),
                        new Send(3, new Message.BullyCoordinator(T0, 5)),
                        new Send(4, new Message.BullyCoordinator(T0, 5)));
        assertThat(master.electionMessagesSent()).isEqualTo(4);
        assertThat(master.electionsStarted()).isEqualTo(1);
    }

    @Test
    void anEpochNamingThisNodeThatItDidNotWinInThisLifeStartsAnElection() {
        ClusterMembership restarted = node(3, BULLY, false);
        EpochVerdict verdict = restarted.onFrame(1, Epochs.elected(4, 3), T0 + MS);

        assertThat(verdict.accepted()).isTrue();
        assertThat(restarted.epoch()).isEqualTo(400_003);
        assertThat(restarted.role()).isEqualTo(ClusterRole.CANDIDATE);
        assertThat(sends(verdict.actions())).containsExactly(new Send(4, new Message.BullyElection(T0)),
                new Send(5, new Message.BullyElection(T0)));

        ClusterMembership ring = node(3, RING, false);
        ring.onFrame(1, Epochs.elected(4, 3), T0 + MS);
        assertThat(ring.role()).isEqualTo(ClusterRole.CANDIDATE);
    }

    @Test
    void aStaleFrameIsRejectedAndAnsweredByOneHeartbeatPerPeriodPerSender() {
        ClusterMembership node = node(3, RING, false);
        node.onFrame(4, Epochs.elected(1, 4), T0);

        EpochVerdict first = node.onFrame(2, Epochs.INITIAL, T0 + MS);
        assertThat(first.accepted()).isFalse();
        assertThat(first.rejectReason()).isEqualTo("stale_epoch");
        assertThat(sends(first.actions())).containsExactly(new Send(2, new Message.Heartbeat(0, 4)));

        EpochVerdict again = node.onFrame(2, Epochs.INITIAL, T0 + 2 * MS);
        assertThat(again.rejectReason()).isEqualTo("stale_epoch");
        assertThat(sends(again.actions())).isEmpty();

        EpochVerdict otherSender = node.onFrame(1, Epochs.INITIAL, T0 + 2 * MS);
        assertThat(sends(otherSender.actions())).containsExactly(new Send(1, new Message.Heartbeat(0, 4)));

        EpochVerdict nextPeriod = node.onFrame(2, Epochs.INITIAL, T0 + MS + PERIOD);
        assertThat(sends(nextPeriod.actions())).containsExactly(new Send(2, new Message.Heartbeat(0, 4)));

        assertThat(node.staleFrames()).isEqualTo(4);
        assertThat(node.epoch()).isEqualTo(100_004);
    }

    @Test
    void anAbsurdEpochDoesNotMoveTheNode() {
        ClusterMembership node = node(3, BULLY, false);
        node.onCoordinatorKnown(5, T0);
        long[] absurd = {Epochs.elected(7, 9), 50, 300_000, -1, Long.MAX_VALUE, Epochs.elected(2, 65_535)};
        for (long epoch : absurd) {
            EpochVerdict verdict = node.onFrame(2, epoch, T0 + MS);
            assertThat(verdict.accepted()).as("epoch %d", epoch).isFalse();
            assertThat(verdict.rejectReason()).isIn("epoch_names_unknown_node", "absurd_epoch");
        }
        assertThat(node.epoch()).isEqualTo(Epochs.INITIAL);
        assertThat(node.role()).isEqualTo(ClusterRole.FOLLOWER);
        assertThat(node.coordinatorId()).isEqualTo(5);
        assertThat(node.staleFrames()).isEqualTo(absurd.length);
    }

    @Test
    void aStrangerCannotMoveTheEpochAndItsMessagesAreIgnored() {
        ClusterMembership node = node(3, BULLY, false);
        node.onCoordinatorKnown(5, T0);

        EpochVerdict higher = node.onFrame(9, Epochs.elected(3, 9), T0 + MS);
        assertThat(higher.accepted()).isFalse();
        assertThat(higher.rejectReason()).isEqualTo("epoch_from_stranger");
        assertThat(higher.actions()).isEmpty();

        EpochVerdict namingAPeer = node.onFrame(9, Epochs.elected(3, 4), T0 + MS);
        assertThat(namingAPeer.rejectReason()).isEqualTo("epoch_from_stranger");

        EpochVerdict same = node.onFrame(9, Epochs.INITIAL, T0 + MS);
        assertThat(same.accepted()).isTrue();
        assertThat(same.actions()).isEmpty();

        assertThat(node.onMessage(9, Epochs.INITIAL, new Message.BullyCoordinator(1, 9), T0 + MS)).isEmpty();
        assertThat(node.onMessage(9, Epochs.INITIAL, new Message.BullyElection(1), T0 + MS)).isEmpty();
        assertThat(node.epoch()).isEqualTo(Epochs.INITIAL);
        assertThat(node.coordinatorId()).isEqualTo(5);
        assertThat(node.ignoredMessages()).isEqualTo(2);
    }

    @Test
    void malformedAndMisdirectedMessagesAreCountedAndNeverChangeState() {
        ClusterMembership ring = node(3, RING, false);
        ring.onCoordinatorKnown(5, T0);
        long e = Epochs.INITIAL;
        List<Message> bad = List.of(
                new Message.RingElection(1, 2, List.of(2, 2)),            // duplicate id
                new Message.RingElection(1, 2, List.of(2, 9)),            // unknown id
                new Message.RingElection(1, 9, List.of(9)),               // unknown initiator
                new Message.RingElection(1, 2, List.of(1, 2)),            // list does not start at the initiator
                new Message.RingElection(1, 2, List.of()),                // empty
                new Message.RingElection(1, 2, List.of(2, 1, 4, 5, 3, 6)), // longer than the cluster
                new Message.RingCoordinator(1, 9, List.of(2, 9)),         // unknown coordinator
                new Message.RingCoordinator(1, 4, List.of(2, 4)),         // epoch 1 names nobody
                new Message.BullyElection(1),                             // Bully message in a Ring cluster
                new Message.FailureNotice(9, T0),                         // about an unknown node
                new Message.Hello(1, "not a cluster message"));
        for (Message m : bad) {
            assertThat(ring.onMessage(2, e, m, T0 + MS)).as("%s", m).isEmpty();
        }
        assertThat(ring.onMessage(2, e, null, T0 + MS)).isEmpty();
        assertThat(ring.onMessage(2, 0, new Message.Heartbeat(1, 2), T0 + MS)).isEmpty(); // bypassed the gate
        assertThat(ring.ignoredMessages()).isEqualTo(bad.size() + 2);
        assertThat(ring.epoch()).isEqualTo(e);
        assertThat(ring.role()).isEqualTo(ClusterRole.FOLLOWER);
        assertThat(ring.coordinatorId()).isEqualTo(5);
        assertThat(ring.electionMessagesSent()).isZero();

        ClusterMembership bully = node(3, BULLY, false);
        bully.onCoordinatorKnown(5, T0);
        List<Message> badBully = List.of(
                new Message.BullyCoordinator(1, 4),   // announced by someone other than the winner
                new Message.BullyCoordinator(1, 3),   // names this node
                new Message.BullyAnswer(77),          // to an election never run
                new Message.RingCoordinator(1, 2, List.of(2)));
        for (Message m : badBully) {
            assertThat(bully.onMessage(2, e, m, T0 + MS)).as("%s", m).isEmpty();
        }
        assertThat(bully.onMessage(4, e, new Message.BullyElection(1), T0 + MS)).isEmpty(); // from a higher node
        assertThat(bully.ignoredMessages()).isEqualTo(badBully.size() + 1);
        assertThat(bully.coordinatorId()).isEqualTo(5);
        assertThat(bully.role()).isEqualTo(ClusterRole.FOLLOWER);
    }

    @Test
    void aFollowerThatKnowsNoCoordinatorStartsAnElectionAfterTheDiscoveryTimeout() {
        ClusterMembership node = node(5, BULLY, false);
        long discovery = BULLY.discoveryTimeoutNanos();
        for (long t = T0 + BULLY.tickNanos(); t < T0 + discovery; t += BULLY.tickNanos()) {
            keepAlive(node, t);
            assertThat(roleChanges(node.tick(t))).isEmpty();
        }
        keepAlive(node, T0 + discovery);
        List<Action> actions = node.tick(T0 + discovery);
        // 5 has no higher peer: it wins at once.
        assertThat(roleChanges(actions)).extracting(RoleChanged::role)
                .containsExactly(ClusterRole.CANDIDATE, ClusterRole.COORDINATOR);
        assertThat(node.elections()).singleElement().satisfies(r -> {
            assertThat(r.trigger()).startsWith("discovery");
            assertThat(r.epoch()).isEqualTo(Epochs.elected(1, 5));
            assertThat(r.coordinatorId()).isEqualTo(5);
            assertThat(r.decidedNanos()).isEqualTo(T0 + discovery);
            assertThat(r.messagesSent()).isEqualTo(4);
        });
    }

    /** Heartbeats from every peer in the node's epoch, so that its detector suspects nobody. */
    static void keepAlive(ClusterMembership node, long nowNanos) {
        for (PeerView p : node.detector().peers()) {
            node.onFrame(p.id(), node.epoch(), nowNanos);
        }
    }

    @Test
    void electionRecordsAreBoundedNewestLast() {
        ClusterMembership node = new ClusterMembership(2, List.of(1), BULLY, false, T0);
        long t = T0;
        for (int i = 0; i < ClusterMembership.MAX_ELECTION_RECORDS + 8; i++) {
            t += MS;
            // Node 1 claims the next term; Bully makes 2 challenge it and win the term after.
            long claim = Epochs.elected(Epochs.term(node.epoch()) + 1, 1);
            node.onFrame(1, claim, t);
            assertThat(node.role()).isEqualTo(ClusterRole.COORDINATOR);
            assertThat(node.epoch()).isEqualTo(Epochs.elected(Epochs.term(claim) + 1, 2));
        }
        List<ElectionRecord> records = node.elections();
        assertThat(records).hasSize(ClusterMembership.MAX_ELECTION_RECORDS);
        assertThat(records.get(records.size() - 1).epoch()).isEqualTo(node.epoch());
        assertThat(records.get(records.size() - 1).decidedNanos()).isEqualTo(t);
        assertThat(node.electionsStarted()).isEqualTo(ClusterMembership.MAX_ELECTION_RECORDS + 8);
    }

    @Test
    void invalidConstructionFailsWithAClearMessage() {
        assertThatThrownBy(() -> new ClusterMembership(3, List.of(1, 3), BULLY, false, T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3");
        assertThatThrownBy(() -> new ClusterMembership(3, List.of(1, 1), BULLY, false, T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> new ClusterMembership(0, List.of(1), BULLY, false, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
