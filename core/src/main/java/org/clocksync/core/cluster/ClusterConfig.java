package org.clocksync.core.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * Failure detection and election settings, the same on every node.
 *
 * @param heartbeatPeriodNanos  T: a node sends each of its heartbeat targets one heartbeat every T
 * @param defaultBounds         one-way delay bounds of every channel without its own entry
 * @param boundsByPeer          per-channel bounds, keyed by the peer's id (applies to both directions)
 * @param tickNanos             how often the caller ticks the state machines; detection can lag by one tick
 * @param discoveryTimeoutNanos a node that has heard of no coordinator for this long starts an election
 * @param startupTimeoutNanos   the least heartbeat timeout during the first discovery timeout after a node starts
 *                              (0: none): JVMs starting together on a small machine stall each other for hundreds of
 *                              milliseconds, and an election then hands the cluster to a node nobody has corrected yet
 * @param correctionsBeforeLeading a node that was made not ready to lead (a daemon, when it starts) becomes ready
 *                              after this many clock corrections while following one coordinator: until then Bully
 *                              does not hand the lead back to it (see {@link ClusterMembership#onCorrectionApplied})
 */
public record ClusterConfig(long heartbeatPeriodNanos, DelayBounds defaultBounds, Map<Integer, DelayBounds> boundsByPeer,
        HeartbeatTopology topology, ElectionAlgorithm election, long tickNanos, long discoveryTimeoutNanos,
        long startupTimeoutNanos, int correctionsBeforeLeading) {
    public static final long MIN_PERIOD_NANOS = 1_000_000L;
    public static final long MAX_PERIOD_NANOS = 60_000_000_000L;
    public static final int DEFAULT_CORRECTIONS_BEFORE_LEADING = 3;
    /** At one Berkeley round a second, over a quarter of an hour: more is a mistake, not caution. */
    public static final int MAX_CORRECTIONS_BEFORE_LEADING = 1_000;

    public ClusterConfig {
        Objects.requireNonNull(defaultBounds, "defaultBounds");
        boundsByPeer = Map.copyOf(boundsByPeer);
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(election, "election");
        if (heartbeatPeriodNanos < MIN_PERIOD_NANOS || heartbeatPeriodNanos > MAX_PERIOD_NANOS) {
            throw new IllegalArgumentException("heartbeat period must be between 1ms and 60s, got "
                    + heartbeatPeriodNanos + " ns");
        }
        if (tickNanos <= 0 || tickNanos > heartbeatPeriodNanos) {
            throw new IllegalArgumentException("tick must be positive and at most the heartbeat period");
        }
        if (discoveryTimeoutNanos <= 0) {
            throw new IllegalArgumentException("discovery timeout must be positive");
        }
        if (startupTimeoutNanos < 0 || startupTimeoutNanos > MAX_PERIOD_NANOS) {
            throw new IllegalArgumentException("startup timeout must be between 0 and 60s");
        }
        if (correctionsBeforeLeading < 1 || correctionsBeforeLeading > MAX_CORRECTIONS_BEFORE_LEADING) {
            throw new IllegalArgumentException("corrections before leading must be between 1 and "
                    + MAX_CORRECTIONS_BEFORE_LEADING + ", got " + correctionsBeforeLeading);
        }
    }

    /** With {@value #DEFAULT_CORRECTIONS_BEFORE_LEADING} corrections before leading. */
    public ClusterConfig(long heartbeatPeriodNanos, DelayBounds defaultBounds, Map<Integer, DelayBounds> boundsByPeer,
            HeartbeatTopology topology, ElectionAlgorithm election, long tickNanos, long discoveryTimeoutNanos,
            long startupTimeoutNanos) {
        this(heartbeatPeriodNanos, defaultBounds, boundsByPeer, topology, election, tickNanos, discoveryTimeoutNanos,
                startupTimeoutNanos, DEFAULT_CORRECTIONS_BEFORE_LEADING);
    }

    /** Without a start-up allowance. */
    public ClusterConfig(long heartbeatPeriodNanos, DelayBounds defaultBounds, Map<Integer, DelayBounds> boundsByPeer,
            HeartbeatTopology topology, ElectionAlgorithm election, long tickNanos, long discoveryTimeoutNanos) {
        this(heartbeatPeriodNanos, defaultBounds, boundsByPeer, topology, election, tickNanos, discoveryTimeoutNanos, 0);
    }

    /**
     * Defaults: T = 100 ms, delays 0..100 ms, all-to-all, Bully, 5 ms ticks, 5 s discovery, 1 s start-up timeout, 3
     * corrections before leading. The delay bound is wide for loopback on purpose: it also absorbs a busy sender's
     * scheduling delays (a JVM compiling, a shared core).
     */
    public static ClusterConfig defaults() {
        return new ClusterConfig(100_000_000L, new DelayBounds(0, 100_000_000L), Map.of(),
                new HeartbeatTopology.AllToAll(), ElectionAlgorithm.BULLY, 5_000_000L, 5_000_000_000L, 1_000_000_000L);
    }

    public DelayBounds bounds(int peerId) {
        return boundsByPeer.getOrDefault(peerId, defaultBounds);
    }

    public ClusterConfig withElection(ElectionAlgorithm algorithm) {
        return new ClusterConfig(heartbeatPeriodNanos, defaultBounds, boundsByPeer, topology, algorithm, tickNanos,
                discoveryTimeoutNanos, startupTimeoutNanos, correctionsBeforeLeading);
    }

    public ClusterConfig withDefaultBounds(DelayBounds bounds) {
        return new ClusterConfig(heartbeatPeriodNanos, bounds, boundsByPeer, topology, election, tickNanos,
                discoveryTimeoutNanos, startupTimeoutNanos, correctionsBeforeLeading);
    }

    public ClusterConfig withStartupTimeout(long nanos) {
        return new ClusterConfig(heartbeatPeriodNanos, defaultBounds, boundsByPeer, topology, election, tickNanos,
                discoveryTimeoutNanos, nanos, correctionsBeforeLeading);
    }

    public ClusterConfig withTopology(HeartbeatTopology t) {
        return new ClusterConfig(heartbeatPeriodNanos, defaultBounds, boundsByPeer, t, election, tickNanos,
                discoveryTimeoutNanos, startupTimeoutNanos, correctionsBeforeLeading);
    }

    public ClusterConfig withCorrectionsBeforeLeading(int corrections) {
        return new ClusterConfig(heartbeatPeriodNanos, defaultBounds, boundsByPeer, topology, election, tickNanos,
                discoveryTimeoutNanos, startupTimeoutNanos, corrections);
    }
}
