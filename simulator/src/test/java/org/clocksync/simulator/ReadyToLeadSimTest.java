package org.clocksync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.clocksync.core.cluster.ClusterConfig;
import org.clocksync.core.cluster.ClusterRole;
import org.clocksync.protocol.MessageType;
import org.junit.jupiter.api.Test;

/**
 * The ready-to-lead policy at work in the cluster simulator: the highest node crashes, comes back with its clock ten
 * seconds off, and Bully hands it the lead back only once the coordinator has corrected it N times.
 */
class ReadyToLeadSimTest {
    private static final long MS = 1_000_000L;
    private static final long ROUND_NANOS = 1_000 * MS;
    private static final long OFF_NANOS = 10_000 * MS;
    private static final int NODES = 5;

    private static ClusterSimulator cluster(ClusterConfig config, long seed) {
        return new ClusterSimulator(config, NODES, NODES, seed, ClusterSimulator.settleBoundNanos(config, NODES),
                Map.of());
    }

    /** Node 5 (the master) runs, crashes, node 4 takes over; 5 returns with its clock ten seconds off. */
    private static ClusterSimulator highestNodeReturnsOff(ClusterConfig config, long seed, boolean corrections) {
        ClusterSimulator sim = cluster(config, seed);
        if (corrections) {
            sim.enableCorrections(ROUND_NANOS);
        }
        sim.runFor(5_000 * MS);
        sim.crash(NODES);
        assertThat(sim.runUntilAgreedFor(500 * MS, sim.settleBoundNanos())).as(sim.describe()).isTrue();
        assertThat(sim.currentCoordinator()).isEqualTo(NODES - 1);
        sim.restart(NODES, OFF_NANOS);
        return sim;
    }

    private static List<ClusterSimulator.Takeover> takeoversBy(ClusterSimulator sim, int id, long afterNanos) {
        return sim.takeovers().stream().filter(t -> t.nodeId() == id && t.atNanos() >= afterNanos).toList();
    }

    @Test
    void aReturningHighestNodeTakesTheLeadBackOnlyAfterNCorrections() {
        for (int n : new int[] {1, 3, 5}) {
            for (long seed = 1; seed <= 5; seed++) {
                ClusterConfig config = ClusterChaos.baseConfig().withCorrectionsBeforeLeading(n);
                ClusterSimulator sim = highestNodeReturnsOff(config, seed, true);
                long restartedAt = sim.nowNanos() - ClusterSimulator.START_NANOS;
                long correctedBefore = sim.correctionsApplied();

                sim.runFor((n + 3) * ROUND_NANOS);

                String where = "n=" + n + " seed " + seed + "\n" + sim.describe();
                assertThat(sim.violations()).as(where).isEmpty();
                List<ClusterSimulator.Takeover> back = takeoversBy(sim, NODES, restartedAt);
                assertThat(back).as(where).hasSize(1);
                ClusterSimulator.Takeover takeover = back.get(0);
                assertThat(takeover.correctionsThisLife()).as("corrections before it led again, " + where)
                        .isEqualTo(n);
                assertThat(takeover.clockOffsetNanos()).as("its clock when it led again").isZero();
                assertThat(takeover.atNanos() - restartedAt).as("not before its n-th round as a follower")
                        .isGreaterThanOrEqualTo((n - 1) * ROUND_NANOS);
                assertThat(sim.currentCoordinator()).isEqualTo(NODES);
                assertThat(sim.node(NODES).role()).isEqualTo(ClusterRole.COORDINATOR);
                assertThat(sim.correctionsApplied()).isGreaterThan(correctedBefore);
                assertThat(sim.sent(MessageType.BERKELEY_ADJUST)).isPositive();
            }
        }
    }

    @Test
    void withoutThePolicyTheReturningNodeLeadsAtOnceWithItsClockOff() {
        ClusterSimulator sim = highestNodeReturnsOff(ClusterChaos.baseConfig(), 1, false);
        long restartedAt = sim.nowNanos() - ClusterSimulator.START_NANOS;

        sim.runFor(ROUND_NANOS);

        List<ClusterSimulator.Takeover> back = takeoversBy(sim, NODES, restartedAt);
        assertThat(back).hasSize(1);
        assertThat(back.get(0).correctionsThisLife()).isZero();
        assertThat(back.get(0).clockOffsetNanos()).isEqualTo(OFF_NANOS);
        assertThat(sim.sent(MessageType.BERKELEY_ADJUST)).isZero();
    }

    @Test
    void theSameSeedGivesTheSameTakeovers() {
        ClusterSimulator a = highestNodeReturnsOff(ClusterChaos.baseConfig(), 7, true);
        ClusterSimulator b = highestNodeReturnsOff(ClusterChaos.baseConfig(), 7, true);
        a.runFor(5 * ROUND_NANOS);
        b.runFor(5 * ROUND_NANOS);
        assertThat(a.takeovers()).isNotEmpty().isEqualTo(b.takeovers());
        assertThat(a.eventsProcessed()).isEqualTo(b.eventsProcessed());
    }
}
