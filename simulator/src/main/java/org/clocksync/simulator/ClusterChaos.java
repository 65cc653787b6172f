package org.clocksync.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.clocksync.core.cluster.ClusterConfig;
import org.clocksync.core.cluster.DelayBounds;
import org.clocksync.core.cluster.ElectionAlgorithm;
import org.clocksync.core.cluster.HeartbeatTopology;

/**
 * Seeded random fault schedules for a {@link ClusterSimulator}, and the election cost scenarios, so that
 * {@code ClusterSimTest} and {@link ClusterSimReport} run exactly the same thing.
 *
 * <p>A schedule: a warm-up, then {@link Setup#faults} faults, each picked at random among those that apply now
 * (crash the current coordinator, crash a random node, restart a crashed node, partition at a random split, heal,
 * pause the coordinator, resume it), each followed by either a short gap (up to one detection plus one answer timeout,
 * so faults land in the middle of elections) or a run until the nodes agree (at most the settle bound) and then up to
 * two heartbeat periods more. It ends with heal, resume, and, on a coin flip, the restart of every crashed node, and a
 * final run until the nodes have agreed for five heartbeat periods (at most the settle bound plus those). The
 * simulator checks both invariants throughout (see {@link ClusterSimulator}). Fault budget: with all-to-all heartbeats at
 * most n/2 nodes down (crashed or paused) at once; with ring:K at most K nodes unreachable from the majority (down or
 * cut off), the failure detector's own limit.
 */
public final class ClusterChaos {
    /** Schedules reach their first fault after this warm-up (every node knows the configured master by then). */
    static final long WARM_UP_NANOS = 300_000_000L;
    /** The final run needs the nodes to agree this many heartbeat periods in a row. */
    static final int FINAL_HOLD_PERIODS = 5;
    public static final int MAX_FAULTS = 64;
    public static final int MAX_SEEDS = 100_000;

    private ClusterChaos() {
    }

    /**
     * The configuration docs/failover.md derives its figures with: T = 100 ms, delays 0..50 ms, 5 ms ticks, 5 s
     * discovery, all-to-all, Bully (the daemon's defaults differ only in their wider 0..100 ms delay bounds).
     */
    public static ClusterConfig baseConfig() {
        return new ClusterConfig(100_000_000L, new DelayBounds(0, 50_000_000L), Map.of(),
                new HeartbeatTopology.AllToAll(), ElectionAlgorithm.BULLY, 5_000_000L, 5_000_000_000L);
    }

    /** One configuration of the suite. */
    public record Setup(int nodes, ElectionAlgorithm algorithm, HeartbeatTopology topology, int faults) {
        public Setup {
            if (nodes < 2 || nodes > ClusterSimulator.MAX_NODES) {
                throw new IllegalArgumentException("nodes must be in 2.." + ClusterSimulator.MAX_NODES);
            }
            if (faults < 0 || faults > MAX_FAULTS) {
                throw new IllegalArgumentException("faults must be in 0.." + MAX_FAULTS);
            }
        }

        /** {@link #baseConfig} with this algorithm and topology. */
        public ClusterConfig config() {
            return baseConfig().withElection(algorithm).withTopology(topology);
        }

        public long settleBoundNanos() {
            return ClusterSimulator.settleBoundNanos(config(), nodes);
        }

        /** How many nodes may be unreachable (down or cut off) from the majority at once. */
        public int faultBudget() {
            return topology instanceof HeartbeatTopology.Ring ring ? Math.min(ring.k(), nodes / 2) : nodes / 2;
        }

        public String name() {
            return "n=" + nodes + " " + algorithm.name().toLowerCase(java.util.Locale.ROOT) + " " + topology;
        }

        @Override
        public String toString() {
            return name() + ", " + faults + " faults";
        }
    }

    /** What one seed's schedule did and found. */
    public record SeedResult(long seed, long violationCount, List<ClusterSimulator.Violation> violations,
            List<ClusterSimulator.Election> elections, long finalAgreementNanos, long maxAgreementNanos,
            boolean agreedAtEnd, long simulatedNanos, long events, long electionMessages, List<String> faults,
            String finalState, List<String> trace) {
    }

    public static SeedResult run(Setup setup, long seed) {
        return run(setup, seed, false);
    }

    /** One seed's schedule; with {@code trace}, the result carries every role change, suspicion and fault. */
    public static SeedResult run(Setup setup, long seed, boolean trace) {
        int n = setup.nodes();
        long settle = setup.settleBoundNanos();
        ClusterConfig config = setup.config();
        ClusterSimulator sim = new ClusterSimulator(config, n, n, seed, settle, Map.of());
        if (trace) {
            sim.enableTrace();
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        long detection = ClusterSimulator.noticeDetectionNanos(config, n);
        long answer = ElectionTimeouts.bullyAnswerNanos(config, ClusterSimulator.maxDelayNanos(config, n));
        long shortGapMax = detection + answer;
        long period = config.heartbeatPeriodNanos();

        sim.runFor(WARM_UP_NANOS + rng.nextLong(period));
        TreeSet<Integer> down = new TreeSet<>();
        int pausedId = 0;
        List<Integer> minority = List.of();
        for (int i = 0; i < setup.faults(); i++) {
            int unreachable = down.size() + (pausedId != 0 ? 1 : 0) + minority.size();
            int coordinator = sim.currentCoordinator();
            List<Runnable> options = new ArrayList<>();
            List<Integer> weights = new ArrayList<>();
            if (unreachable < setup.faultBudget() && coordinator != 0) {
                add(options, weights, 3, () -> {
                    sim.crash(coordinator);
                    down.add(coordinator);
                });
            }
            if (unreachable < setup.faultBudget()) {
                add(options, weights, 2, () -> {
                    int id = randomRunning(sim, rng);
                    sim.crash(id);
                    down.add(id);
                });
            }
            if (!down.isEmpty()) {
                add(options, weights, 2, () -> {
                    int id = pick(new ArrayList<>(down), rng);
                    down.remove(id);
                    sim.restart(id);
                });
            }
            if (minority.isEmpty() && unreachable < setup.faultBudget()) {
                int size = 1 + rng.nextInt(setup.faultBudget() - unreachable);
                add(options, weights, 2, () -> {
                    List<Integer> side = randomSubset(n, size, rng);
                    List<Integer> rest = new ArrayList<>();
                    for (int id = 1; id <= n; id++) {
                        if (!side.contains(id)) {
                            rest.add(id);
                        }
                    }
                    sim.partition(new TreeSet<>(side), new TreeSet<>(rest));
                });
            }
            if (sim.partitioned()) {
                add(options, weights, 2, sim::heal);
            }
            if (pausedId == 0 && unreachable < setup.faultBudget() && coordinator != 0) {
                add(options, weights, 1, () -> sim.pause(coordinator));
            }
            if (pausedId != 0) {
                int id = pausedId;
                add(options, weights, 2, () -> sim.resume(id));
            }
            if (options.isEmpty()) {
                break;
            }
            choose(options, weights, rng).run();
            // The generator's view of the faults, read back from the simulator.
            pausedId = 0;
            for (int id = 1; id <= n; id++) {
                if (sim.isPaused(id)) {
                    pausedId = id;
                }
            }
            minority = sim.minoritySide();
            if (rng.nextBoolean()) {
                sim.runFor(rng.nextLong(shortGapMax + 1));
            } else {
                sim.runUntilAgreedFor(rng.nextLong(2 * period + 1), settle + 2 * period);
            }
        }
        if (sim.partitioned()) {
            sim.heal();
        }
        if (pausedId != 0) {
            sim.resume(pausedId);
        }
        if (!down.isEmpty() && rng.nextBoolean()) {
            for (int id : down) {
                sim.restart(id);
            }
        }
        long hold = FINAL_HOLD_PERIODS * period;
        boolean agreedAtEnd = sim.runUntilAgreedFor(hold, settle + hold);
        long finalAgreement = sim.agreed() ? Math.max(0, sim.agreedSinceNanos() - sim.lastFaultNanos()) : -1;
        sim.finish();
        return new SeedResult(seed, sim.violationCount(), List.copyOf(sim.violations()), List.copyOf(sim.elections()),
                finalAgreement, sim.maxSettledAgreementNanos(), agreedAtEnd,
                sim.nowNanos() - ClusterSimulator.START_NANOS, sim.eventsProcessed(), sim.electionMessagesSent(),
                List.copyOf(sim.faultLog()), agreedAtEnd ? "" : sim.describe(), List.copyOf(sim.trace()));
    }

    private static void add(List<Runnable> options, List<Integer> weights, int weight, Runnable option) {
        options.add(option);
        weights.add(weight);
    }

    private static Runnable choose(List<Runnable> options, List<Integer> weights, SplittableRandom rng) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = rng.nextInt(total);
        for (int i = 0; i < options.size(); i++) {
            r -= weights.get(i);
            if (r < 0) {
                return options.get(i);
            }
        }
        throw new AssertionError("unreachable");
    }

    private static int randomRunning(ClusterSimulator sim, SplittableRandom rng) {
        List<Integer> running = new ArrayList<>();
        for (int id = 1; id <= sim.nodeCount(); id++) {
            if (!sim.isCrashed(id) && !sim.isPaused(id)) {
                running.add(id);
            }
        }
        return pick(running, rng);
    }

    private static int pick(List<Integer> ids, SplittableRandom rng) {
        return ids.get(rng.nextInt(ids.size()));
    }

    private static List<Integer> randomSubset(int n, int size, SplittableRandom rng) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            ids.add(id);
        }
        for (int i = 0; i < size; i++) { // partial Fisher-Yates
            int j = i + rng.nextInt(n - i);
            Integer t = ids.get(i);
            ids.set(i, ids.get(j));
            ids.set(j, t);
        }
        return List.copyOf(new TreeSet<>(ids.subList(0, size)));
    }

    // ---------------------------------------------------------------------------------------------- suite figures

    /** Figures over many seeds of one setup. */
    public record Summary(Setup setup, int seeds, long settleBoundNanos, long violationCount,
            List<ClusterSimulator.Violation> firstViolations, int seedsNotAgreedAtEnd, long elections,
            long failoverElections, double meanMessages, long maxMessages, double meanFailoverMessages,
            long maxFailoverMessages, double meanTimeNanos, long maxTimeNanos, long unfinishedElections,
            long maxFinalAgreementNanos, long maxAgreementNanos, long simulatedNanos, long events) {
    }

    public static Summary runSeeds(Setup setup, long firstSeed, int seeds) {
        if (seeds < 1 || seeds > MAX_SEEDS) {
            throw new IllegalArgumentException("seeds must be in 1.." + MAX_SEEDS);
        }
        long violationCount = 0;
        List<ClusterSimulator.Violation> first = new ArrayList<>();
        int notAgreed = 0;
        long elections = 0;
        long failover = 0;
        long messages = 0;
        long maxMessages = 0;
        long failoverMessages = 0;
        long maxFailoverMessages = 0;
        long timeNanos = 0;
        long maxTimeNanos = 0;
        long unfinished = 0;
        long maxFinal = 0;
        long maxAgreement = 0;
        long simulated = 0;
        long events = 0;
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            SeedResult r = run(setup, seed);
            violationCount += r.violationCount();
            for (ClusterSimulator.Violation v : r.violations()) {
                if (first.size() < ClusterSimulator.MAX_VIOLATIONS_KEPT) {
                    first.add(v);
                }
            }
            if (!r.agreedAtEnd()) {
                notAgreed++;
            }
            for (ClusterSimulator.Election e : r.elections()) {
                if (e.endNanos() < 0) {
                    unfinished++;
                    continue;
                }
                elections++;
                messages += e.messages();
                maxMessages = Math.max(maxMessages, e.messages());
                timeNanos += e.durationNanos();
                maxTimeNanos = Math.max(maxTimeNanos, e.durationNanos());
                if (e.byCoordinatorSuspicion()) {
                    failover++;
                    failoverMessages += e.messages();
                    maxFailoverMessages = Math.max(maxFailoverMessages, e.messages());
                }
            }
            maxFinal = Math.max(maxFinal, r.finalAgreementNanos());
            maxAgreement = Math.max(maxAgreement, r.maxAgreementNanos());
            simulated += r.simulatedNanos();
            events += r.events();
        }
        return new Summary(setup, seeds, setup.settleBoundNanos(), violationCount, List.copyOf(first), notAgreed,
                elections, failover, elections == 0 ? 0 : (double) messages / elections, maxMessages,
                failover == 0 ? 0 : (double) failoverMessages / failover, maxFailoverMessages,
                elections == 0 ? 0 : (double) timeNanos / elections, maxTimeNanos, unfinished, maxFinal,
                maxAgreement, simulated, events);
    }

    // ------------------------------------------------------------------------------------------ election cost

    /** The election messages and time of one coordinator crash, all other nodes alive. */
    public record CrashCost(int nodes, ElectionAlgorithm algorithm, long seed, long messages, long timeNanos,
            int firstSuspectorId, long violationCount) {
    }

    /**
     * The coordinator (node n) crashes with every other node alive, and the lowest node (1) is made to suspect it
     * first: its channel from node n is configured, and is, 0..5 ms instead of 0..50 ms, so its timeout is 105 ms
     * against the others' 150 ms. Counts every election message from the crash until all live nodes agree (and the
     * announcements still on their way then).
     */
    public static CrashCost lowestDetectsFirst(ElectionAlgorithm algorithm, int n, long seed) {
        ClusterConfig config = baseConfig().withElection(algorithm);
        ClusterConfig lowest = new ClusterConfig(config.heartbeatPeriodNanos(), config.defaultBounds(),
                Map.of(n, new DelayBounds(0, 5_000_000L)), config.topology(), algorithm, config.tickNanos(),
                config.discoveryTimeoutNanos());
        long settle = ClusterSimulator.settleBoundNanos(config, n);
        ClusterSimulator sim = new ClusterSimulator(config, n, n, seed, settle, Map.of(1, lowest));
        SplittableRandom rng = new SplittableRandom(seed);
        sim.runFor(WARM_UP_NANOS + rng.nextLong(config.heartbeatPeriodNanos()));
        long before = sim.electionMessagesSent();
        long crashNanos = sim.nowNanos();
        sim.crash(n);
        long hold = FINAL_HOLD_PERIODS * config.heartbeatPeriodNanos();
        sim.runUntilAgreedFor(hold, settle + hold);
        sim.finish();
        int firstSuspector = sim.elections().isEmpty() ? 0 : sim.elections().get(0).firstSuspectorId();
        long agreedAt = sim.agreed() ? sim.agreedSinceNanos() : -1;
        return new CrashCost(n, algorithm, seed, sim.electionMessagesSent() - before,
                agreedAt < 0 ? -1 : agreedAt - crashNanos, firstSuspector, sim.violationCount());
    }
}
