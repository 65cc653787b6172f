package org.clocksync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clocksync.simulator.SnapshotSim.MS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.clocksync.core.snapshot.ChannelState;
import org.clocksync.core.snapshot.SnapshotAction;
import org.clocksync.core.snapshot.SnapshotConfig;
import org.clocksync.core.snapshot.SnapshotDocument;
import org.junit.jupiter.api.Test;

/**
 * Chandy-Lamport on the core simulator over many seeded random schedules: random node counts, channel graphs, FIFO
 * link delays and traffic, with snapshots started at random nodes and times, often several at once. Every recorded cut
 * must be consistent and every channel state exactly the messages in flight across it; a crashed node must make the
 * snapshot time out naming it.
 */
class SnapshotSimulationTest {
    private static final int SEEDS = 120;
    private static final SnapshotConfig CONFIG = new SnapshotConfig(2_000 * MS);
    /** Delays stay under about 50 ms, so 300 ms is ample and keeps the crash schedules short. */
    private static final SnapshotConfig CRASH_CONFIG = new SnapshotConfig(300 * MS);

    @Test
    void everyCutIsConsistentAndEveryChannelStateIsExactlyTheMessagesInFlightAcrossIt() {
        int snapshots = 0;
        int overlapping = 0;
        int channelMessages = 0;
        int sparseGraphs = 0;
        List<String> problems = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            SplittableRandom setup = new SplittableRandom(seed);
            List<Integer> ids = SnapshotSim.randomIds(setup, 3 + setup.nextInt(6));
            boolean allToAll = setup.nextBoolean();
            sparseGraphs += allToAll ? 0 : 1;
            SortedMap<Integer, SortedSet<Integer>> graph = SnapshotSim.randomGraph(setup, ids, allToAll);
            Map<Integer, List<Long>> plan = randomPlan(setup, ids, 1 + setup.nextInt(4));
            SnapshotSim sim = new SnapshotSim(seed, graph, plan, CONFIG, 0.05 + 0.5 * setup.nextDouble(),
                    0.5 * setup.nextDouble(), 400 * MS, setup);

            assertThat(sim.runUntilAllEnded(10_000 * MS)).as("seed %d: every snapshot ends", seed).isTrue();
            for (SnapshotSim.Run run : sim.runs) {
                assertThat(run.outcome).as("seed %d snapshot %d", seed, run.snapshotId).isInstanceOf(SnapshotAction.Completed.class);
                SnapshotDocument document = ((SnapshotAction.Completed) run.outcome).document();
                problems.addAll(sim.check(document));
                assertThat(document.initiatorId()).isEqualTo(run.initiatorId);
                for (ChannelState channel : document.channels()) {
                    channelMessages += channel.messages().size();
                }
                snapshots++;
            }
            overlapping += sim.overlappingPairs();
            for (int id : ids) {
                assertThat(sim.app(id).snapshots().participant().runningCount()).as("seed %d node %d keeps nothing running", seed, id).isZero();
                assertThat(sim.app(id).snapshots().initiatedRunning()).isZero();
            }
        }
        assertThat(problems).isEmpty();
        assertThat(snapshots).as("snapshots checked").isGreaterThanOrEqualTo(SEEDS);
        assertThat(overlapping).as("pairs of snapshots that ran at the same time").isGreaterThan(SEEDS / 4);
        assertThat(channelMessages).as("messages found in flight across cuts").isGreaterThan(SEEDS);
        assertThat(sparseGraphs).as("schedules on sparse channel graphs").isGreaterThan(SEEDS / 4);
    }

    @Test
    void aCrashedNodeMakesTheSnapshotTimeOutNamingIt() {
        int failed = 0;
        int completed = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SplittableRandom setup = new SplittableRandom(seed * 7919);
            List<Integer> ids = SnapshotSim.randomIds(setup, 3 + setup.nextInt(6));
            SortedMap<Integer, SortedSet<Integer>> graph = SnapshotSim.randomGraph(setup, ids, true);
            int initiator = ids.get(setup.nextInt(ids.size()));
            int victim;
            do {
                victim = ids.get(setup.nextInt(ids.size()));
            } while (victim == initiator);
            long initiateAtNanos = (20 + setup.nextInt(100)) * MS;
            boolean crashFirst = setup.nextBoolean();
            long crashAtNanos = crashFirst ? initiateAtNanos - (1 + setup.nextInt(15)) * MS : initiateAtNanos + setup.nextInt(15) * MS;
            SnapshotSim sim = new SnapshotSim(seed, graph, Map.of(initiator, List.of(sim0(initiateAtNanos))), CRASH_CONFIG,
                    0.3, 0.2, 300 * MS, setup);
            sim.simulator.crash(victim, sim.simulator.startHostNanos() + crashAtNanos);

            assertThat(sim.runUntilAllEnded(10_000 * MS)).as("seed %d: the snapshot ends", seed).isTrue();
            SnapshotSim.Run run = sim.runs.get(0);
            if (run.outcome instanceof SnapshotAction.Failed failure) {
                failed++;
                assertThat(failure.missingNodeIds()).as("seed %d", seed).containsExactly(victim);
                assertThat(failure.reason()).as("seed %d", seed)
                        .startsWith("snapshot " + run.snapshotId + " timed out after 300 ms: no state from node " + victim + " ");
                assertThat(run.endedAtNanos - run.startedAtNanos).isBetween(CRASH_CONFIG.timeoutNanos(), CRASH_CONFIG.timeoutNanos() + SnapshotSim.TICK_NANOS);
                assertThat(failure.document().complete()).as("seed %d", seed).isFalse();
                assertThat(failure.document().missingNodeIds()).as("seed %d", seed).containsExactly(victim);
            } else {
                assertThat(crashFirst).as("seed %d: a node down before the start cannot report", seed).isFalse();
                completed++;
                assertThat(sim.check(((SnapshotAction.Completed) run.outcome).document())).isEmpty();
            }
            for (int id : ids) {
                if (id != victim) {
                    assertThat(sim.app(id).snapshots().participant().runningCount()).as("seed %d node %d gave up", seed, id).isZero();
                }
            }
        }
        assertThat(failed).isGreaterThan(SEEDS / 2 - SEEDS / 8);
        assertThat(failed + completed).isEqualTo(SEEDS);
    }

    /** Times are relative to the simulation's start; the sim adds its start. */
    private static long sim0(long relativeNanos) {
        return org.clocksync.simulator.Simulator.DEFAULT_START_HOST_NANOS + relativeNanos;
    }

    /**
     * {@code count} snapshots at random nodes: the first 10..100 ms in, each next one either within 5 ms of the one
     * before (so they run at once) or 10..100 ms after it.
     */
    private static Map<Integer, List<Long>> randomPlan(SplittableRandom rng, List<Integer> ids, int count) {
        Map<Integer, List<Long>> plan = new TreeMap<>();
        long atNanos = (10 + rng.nextInt(90)) * MS;
        for (int i = 0; i < count; i++) {
            int initiator = ids.get(rng.nextInt(ids.size()));
            plan.computeIfAbsent(initiator, id -> new ArrayList<>()).add(sim0(atNanos));
            atNanos += rng.nextDouble() < 0.5 ? rng.nextInt(5) * MS : (10 + rng.nextInt(90)) * MS;
        }
        return plan;
    }
}
