package org.clocksync.simulator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.clocksync.core.cluster.ElectionAlgorithm;
import org.clocksync.core.cluster.HeartbeatTopology;

/**
 * Prints the cluster simulation's figures as Markdown: the seeded fault schedules per configuration (invariant
 * violations, elections, messages and time per election) and the election cost of one coordinator crash by cluster
 * size. Deterministic: the same arguments print the same tables.
 *
 * <pre>java -cp simulator/target/classes:core/target/classes:protocol/target/classes
 *     org.clocksync.simulator.ClusterSimReport [--seeds N] [--first-seed S]</pre>
 */
public final class ClusterSimReport {
    public static final int DEFAULT_SEEDS = 100;
    /** Faults per schedule: 50-node runs are the expensive ones (24,500 heartbeats a second all-to-all). */
    public static final int FAULTS_SMALL = 8;
    public static final int FAULTS_LARGE = 3;
    public static final int[] COST_SIZES = {5, 10, 20, 50};
    public static final int COST_SEEDS = 5;

    private ClusterSimReport() {
    }

    /** The suite: 5 and 50 nodes, Bully and Ring, all-to-all, and ring:3 heartbeats for 50 nodes. */
    public static List<ClusterChaos.Setup> suite() {
        List<ClusterChaos.Setup> setups = new ArrayList<>();
        for (ElectionAlgorithm algorithm : ElectionAlgorithm.values()) {
            setups.add(new ClusterChaos.Setup(5, algorithm, new HeartbeatTopology.AllToAll(), FAULTS_SMALL));
            setups.add(new ClusterChaos.Setup(50, algorithm, new HeartbeatTopology.AllToAll(), FAULTS_LARGE));
            setups.add(new ClusterChaos.Setup(50, algorithm, new HeartbeatTopology.Ring(3), FAULTS_LARGE));
        }
        return List.copyOf(setups);
    }

    public static void main(String[] args) {
        int seeds = DEFAULT_SEEDS;
        long firstSeed = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seeds" -> seeds = (int) number(args, ++i, "--seeds", 1, ClusterChaos.MAX_SEEDS);
                    case "--first-seed" -> firstSeed = number(args, ++i, "--first-seed", 0, Long.MAX_VALUE / 2);
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ClusterSimReport: " + e.getMessage()
                    + "; usage: ClusterSimReport [--seeds N] [--first-seed S]");
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        out.println("Cluster simulation, seeds " + firstSeed + ".." + (firstSeed + seeds - 1)
                + ": T = 100 ms, delays 0..50 ms, tick 5 ms, discovery 5 s (ClusterChaos.baseConfig)");
        out.println();
        List<ClusterChaos.Summary> summaries = new ArrayList<>();
        for (ClusterChaos.Setup setup : suite()) {
            summaries.add(ClusterChaos.runSeeds(setup, firstSeed, seeds));
        }
        out.print(scheduleTable(summaries));
        out.println();
        List<ClusterChaos.CrashCost> costs = new ArrayList<>();
        for (int n : COST_SIZES) {
            for (ElectionAlgorithm algorithm : ElectionAlgorithm.values()) {
                for (long seed = firstSeed; seed < firstSeed + COST_SEEDS; seed++) {
                    costs.add(ClusterChaos.lowestDetectsFirst(algorithm, n, seed));
                }
            }
        }
        out.print(costTable(costs));
        for (ClusterChaos.Summary s : summaries) {
            for (ClusterSimulator.Violation v : s.firstViolations()) {
                out.println("violation (" + s.setup().name() + "): " + v);
            }
        }
        out.flush();
    }

    private static long number(String[] args, int at, String option, long min, long max) {
        if (at >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        try {
            long value = Long.parseLong(args[at]);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a whole number in " + min + ".." + max + ", got '"
                + args[at] + "'");
    }

    public static String scheduleTable(List<ClusterChaos.Summary> summaries) {
        StringBuilder sb = new StringBuilder();
        sb.append("| config | seeds | faults | settle bound | violations | not agreed at end | elections (failover)"
                + " | msgs/election mean | max | failover msgs mean | max | time to agree mean | max"
                + " | worst fault-to-agreement | simulated |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                + "| ---: |\n");
        for (ClusterChaos.Summary s : summaries) {
            sb.append(String.format(Locale.ROOT,
                    "| %s | %d | %d | %s | %d | %d | %d (%d) | %.1f | %d | %.1f | %d | %s | %s | %s | %s |%n",
                    s.setup().name(), s.seeds(), s.setup().faults(), ms(s.settleBoundNanos()), s.violationCount(),
                    s.seedsNotAgreedAtEnd(), s.elections(), s.failoverElections(), s.meanMessages(),
                    s.maxMessages(), s.meanFailoverMessages(), s.maxFailoverMessages(), ms(s.meanTimeNanos()),
                    ms(s.maxTimeNanos()), ms(s.maxAgreementNanos()), seconds(s.simulatedNanos())));
        }
        return sb.toString();
    }

    public static String costTable(List<ClusterChaos.CrashCost> costs) {
        StringBuilder sb = new StringBuilder();
        sb.append("| nodes | Bully msgs mean | max | Bully time mean | Ring msgs mean | max | Ring time mean"
                + " | (n-1)^2 | 2(n-1) |\n");
        sb.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int n : COST_SIZES) {
            double[] bully = stats(costs, n, ElectionAlgorithm.BULLY);
            double[] ring = stats(costs, n, ElectionAlgorithm.RING);
            if (bully == null || ring == null) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %d | %.1f | %.0f | %s | %.1f | %.0f | %s | %d | %d |%n", n,
                    bully[0], bully[1], ms(bully[2]), ring[0], ring[1], ms(ring[2]), (n - 1) * (n - 1), 2 * (n - 1)));
        }
        return sb.toString();
    }

    /** Mean messages, max messages, mean time; null when there is no run of that kind. */
    static double[] stats(List<ClusterChaos.CrashCost> costs, int n, ElectionAlgorithm algorithm) {
        double messages = 0;
        double max = 0;
        double time = 0;
        int count = 0;
        for (ClusterChaos.CrashCost c : costs) {
            if (c.nodes() == n && c.algorithm() == algorithm) {
                messages += c.messages();
                max = Math.max(max, c.messages());
                time += c.timeNanos();
                count++;
            }
        }
        return count == 0 ? null : new double[] {messages / count, max, time / count};
    }

    static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.0f s", nanos / 1e9);
    }
}
