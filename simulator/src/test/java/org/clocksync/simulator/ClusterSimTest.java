package org.clocksync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.cluster.ClusterConfig;
import org.clocksync.core.cluster.ClusterMembership;
import org.clocksync.core.cluster.ClusterRole;
import org.clocksync.core.cluster.ElectionAlgorithm;
import org.clocksync.core.cluster.Epochs;
import org.clocksync.core.cluster.HeartbeatTopology;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue "Must show 1": seeded crash, restart, partition and pause schedules for 5 and 50 nodes, Bully and Ring, checked
 * after every event for one master per epoch and for agreement within the settle bound; and the election cost of a
 * coordinator crash growing with n² for Bully and with n for Ring.
 */
class ClusterSimTest {
    private static final int SEEDS = 100;
    private static final long MS = 1_000_000L;

    static Stream<ClusterChaos.Setup> suite() {
        return ClusterSimReport.suite().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void hundredSeededFaultSchedulesKeepOneMasterPerEpochAndAgreeWithinTheSettleBound(ClusterChaos.Setup setup) {
        ClusterChaos.Summary s = ClusterChaos.runSeeds(setup, 1, SEEDS);

        assertThat(s.firstViolations()).as("invariant violations of %s (seed, step, what)", setup).isEmpty();
        assertThat(s.violationCount()).isZero();
        assertThat(s.seedsNotAgreedAtEnd()).as("schedules whose nodes never agreed after the last fault").isZero();
        assertThat(s.unfinishedElections()).isZero();
        assertThat(s.maxAgreementNanos()).as("longest fault-to-agreement").isPositive()
                .isLessThanOrEqualTo(s.settleBoundNanos());
        assertThat(s.maxFinalAgreementNanos()).isLessThanOrEqualTo(s.settleBoundNanos());
        // The schedules do what they are for: coordinators die and get replaced.
        assertThat(s.failoverElections()).isGreaterThanOrEqualTo(SEEDS / 2);
        assertThat(s.meanFailoverMessages()).isPositive();
    }

    @Test
    void bullyElectionCostGrowsWithTheSquareOfTheClusterAndRingLinearly() {
        int[] sizes = ClusterSimReport.COST_SIZES;
        double[] bully = new double[sizes.length];
        double[] ring = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            bully[i] = meanCost(ElectionAlgorithm.BULLY, sizes[i]);
            ring[i] = meanCost(ElectionAlgorithm.RING, sizes[i]);
        }
        // Slope on a log-log scale between 10 and 50 nodes: 2 is quadratic, 1 linear.
        double bullySlope = Math.log(bully[3] / bully[1]) / Math.log(50.0 / 10);
        double ringSlope = Math.log(ring[3] / ring[1]) / Math.log(50.0 / 10);
        assertThat(bullySlope).as("Bully growth exponent, means %s", List.of(bully)).isBetween(1.6, 2.6);
        assertThat(ringSlope).as("Ring growth exponent, means %s", List.of(ring)).isBetween(0.6, 1.4);
        assertThat(bully[3] / bully[0]).as("Bully, 50 nodes against 5").isGreaterThan(50);
        assertThat(ring[3] / ring[0]).as("Ring, 50 nodes against 5").isLessThan(20);
        assertThat(bully[3]).isGreaterThan(10 * ring[3]);
    }

    private static double meanCost(ElectionAlgorithm algorithm, int n) {
        double total = 0;
        for (long seed = 1; seed <= ClusterSimReport.COST_SEEDS; seed++) {
            ClusterChaos.CrashCost cost = ClusterChaos.lowestDetectsFirst(algorithm, n, seed);
            assertThat(cost.violationCount()).isZero();
            assertThat(cost.firstSuspectorId()).as("the lowest node suspects first").isEqualTo(1);
            assertThat(cost.timeNanos()).as("agreement after the crash").isPositive();
            total += cost.messages();
        }
        return total / ClusterSimReport.COST_SEEDS;
    }

    @Test
    void theSameSeedReplaysTheSameRun() {
        ClusterChaos.Setup setup = new ClusterChaos.Setup(5, ElectionAlgorithm.RING, new HeartbeatTopology.AllToAll(),
                8);
        ClusterChaos.SeedResult first = ClusterChaos.run(setup, 42);
        ClusterChaos.SeedResult again = ClusterChaos.run(setup, 42);

        assertThat(again.faults()).isEqualTo(first.faults()).isNotEmpty();
        assertThat(again.elections()).isEqualTo(first.elections());
        assertThat(again.events()).isEqualTo(first.events());
        assertThat(ClusterChaos.run(setup, 43).faults()).isNotEqualTo(first.faults());
    }

    @Test
    void aCrashedCoordinatorIsReplacedAndTheElectionIsMeasuredFromTheFirstSuspicion() {
        ClusterConfig config = ClusterChaos.baseConfig();
        long settle = ClusterSimulator.settleBoundNanos(config, 5);
        ClusterSimulator sim = new ClusterSimulator(config, 5, 5, 7, settle, Map.of());
        sim.runFor(500 * MS);
        assertThat(sim.agreed()).isTrue();
        assertThat(sim.node(3).coordinatorId()).isEqualTo(5);

        sim.crash(5);
        long crashNanos = sim.nowNanos() - ClusterSimulator.START_NANOS;
        assertThat(sim.agreed()).as("a dead coordinator is no agreement").isFalse();
        assertThat(sim.runUntilAgreedFor(500 * MS, settle)).isTrue();
        sim.finish();

        assertThat(sim.node(4).role()).isEqualTo(ClusterRole.COORDINATOR);
        assertThat(Epochs.coordinatorOf(sim.node(1).epoch())).isEqualTo(4);
        assertThat(sim.violations()).isEmpty();
        assertThat(sim.elections()).singleElement().satisfies(e -> {
            assertThat(e.byCoordinatorSuspicion()).isTrue();
            // Detection takes at least the timeout T + max - min = 150 ms after the last heartbeat.
            assertThat(e.startNanos() - crashNanos).isBetween(50 * MS,
                    ClusterSimulator.noticeDetectionNanos(config, 5));
            assertThat(e.durationNanos()).isPositive().isLessThan(settle);
            assertThat(e.messages()).isEqualTo(sim.electionMessagesSent());
        });
    }

    @Test
    void missingTheSettleBoundIsRecordedWithSeedAndStepNotThrown() {
        ClusterSimulator sim = new ClusterSimulator(ClusterChaos.baseConfig(), 5, 5, 99, MS, Map.of());
        sim.runFor(300 * MS);
        sim.crash(5);
        sim.runFor(2 * MS);

        assertThat(sim.violationCount()).isEqualTo(1);
        assertThat(sim.violations()).singleElement().satisfies(v -> {
            assertThat(v.seed()).isEqualTo(99);
            assertThat(v.step()).isPositive();
            assertThat(v.description()).startsWith("no agreement 1 ms after the last fault (t=")
                    .contains("crash 5").contains("follows 5, which is down or cut off");
        });
        sim.runFor(2_000 * MS);
        assertThat(sim.agreed()).isTrue();
        assertThat(sim.violationCount()).as("one record per stable window").isEqualTo(1);
    }

    @Test
    void eachSideOfAPartitionAgreesOnItsOwnCoordinatorAndTheHealedClusterOnOne() {
        ClusterConfig config = ClusterChaos.baseConfig();
        long settle = ClusterSimulator.settleBoundNanos(config, 5);
        ClusterSimulator sim = new ClusterSimulator(config, 5, 5, 3, settle, Map.of());
        sim.runFor(400 * MS);
        sim.partition(Set.of(1, 2), Set.of(3, 4, 5));
        assertThat(sim.runUntilAgreedFor(300 * MS, settle)).isTrue();
        assertThat(sim.node(2).role()).isEqualTo(ClusterRole.COORDINATOR);
        assertThat(sim.node(1).coordinatorId()).isEqualTo(2);
        assertThat(sim.node(5).role()).isEqualTo(ClusterRole.COORDINATOR);
        assertThat(sim.node(3).coordinatorId()).isEqualTo(5);

        sim.heal();
        assertThat(sim.runUntilAgreedFor(300 * MS, settle)).isTrue();
        for (int id = 1; id <= 4; id++) {
            assertThat(sim.node(id).coordinatorId()).isEqualTo(5);
            assertThat(sim.node(id).epoch()).isEqualTo(sim.node(5).epoch());
        }
        assertThat(sim.violations()).isEmpty();
    }

    @Test
    void aPausedCoordinatorIsReplacedAndStepsDownWhenItResumes() {
        ClusterConfig config = ClusterChaos.baseConfig().withElection(ElectionAlgorithm.RING);
        long settle = ClusterSimulator.settleBoundNanos(config, 5);
        ClusterSimulator sim = new ClusterSimulator(config, 5, 5, 11, settle, Map.of());
        sim.runFor(400 * MS);
        sim.pause(5);
        assertThat(sim.runUntilAgreedFor(300 * MS, settle)).isTrue();
        assertThat(sim.node(4).role()).isEqualTo(ClusterRole.COORDINATOR);
        assertThat(sim.node(5).role()).as("frozen, it still believes it leads").isEqualTo(ClusterRole.COORDINATOR);

        sim.resume(5);
        assertThat(sim.node(5).role()).as("the held frames carry the new epoch").isEqualTo(ClusterRole.FOLLOWER);
        assertThat(sim.runUntilAgreedFor(300 * MS, settle)).isTrue();
        assertThat(sim.node(5).coordinatorId()).isEqualTo(4);
        assertThat(sim.violations()).isEmpty();
    }

    /** {@link ElectionTimeouts} restates package-private formulas: the nodes' own behaviour must match them. */
    @Test
    void theRestatedElectionTimeoutsMatchWhatTheNodesDo() {
        ClusterConfig bully = ClusterChaos.baseConfig();
        long maxDelay = bully.defaultBounds().maxNanos();
        long answer = ElectionTimeouts.bullyAnswerNanos(bully, maxDelay);
        ClusterMembership node = new ClusterMembership(1, List.of(2), bully, false, ClusterSimulator.START_NANOS);
        List<Long> electionsAt = new ArrayList<>();
        long wonAt = 0;
        for (long t = ClusterSimulator.START_NANOS; t < ClusterSimulator.START_NANOS + 10_000 * MS && wonAt == 0;
                t += bully.tickNanos()) {
            if ((t - ClusterSimulator.START_NANOS) % bully.heartbeatPeriodNanos() == 0) {
                node.onFrame(2, Epochs.INITIAL, t); // node 2 is alive but never wins: it only answers
            }
            for (Action a : node.tick(t)) {
                if (a instanceof Send s && s.message() instanceof Message.BullyElection e) {
                    electionsAt.add(t);
                    if (electionsAt.size() == 1) { // the first time, node 2 answers at once
                        node.onFrame(2, Epochs.INITIAL, t);
                        node.onMessage(2, Epochs.INITIAL, new Message.BullyAnswer(e.electionId()), t);
                    }
                }
            }
            if (node.role() == ClusterRole.COORDINATOR) {
                wonAt = t;
            }
        }
        assertThat(electionsAt).hasSize(2);
        assertThat(electionsAt.get(1) - electionsAt.get(0)).as("coordinator timeout")
                .isEqualTo(ElectionTimeouts.bullyCoordinatorNanos(bully, answer));
        assertThat(wonAt - electionsAt.get(1)).as("answer timeout").isEqualTo(answer);

        ClusterConfig ringConfig = bully.withElection(ElectionAlgorithm.RING);
        ClusterMembership ring = new ClusterMembership(1, List.of(2, 3), ringConfig, false,
                ClusterSimulator.START_NANOS);
        List<Long> ringAt = new ArrayList<>();
        for (long t = ClusterSimulator.START_NANOS; t < ClusterSimulator.START_NANOS + 10_000 * MS && ringAt.size() < 2;
                t += ringConfig.tickNanos()) {
            if ((t - ClusterSimulator.START_NANOS) % ringConfig.heartbeatPeriodNanos() == 0) {
                ring.onFrame(2, Epochs.INITIAL, t);
                ring.onFrame(3, Epochs.INITIAL, t);
            }
            for (Action a : ring.tick(t)) {
                if (a instanceof Send s && s.message() instanceof Message.RingElection) {
                    ringAt.add(t); // never comes back: the initiator launches it again after the ring timeout
                }
            }
        }
        assertThat(ringAt).hasSize(2);
        assertThat(ringAt.get(1) - ringAt.get(0)).isEqualTo(ElectionTimeouts.ringNanos(ringConfig, 3, maxDelay));
    }
}
