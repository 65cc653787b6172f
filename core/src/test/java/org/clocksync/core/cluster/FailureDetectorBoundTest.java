package org.clocksync.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clocksync.core.PeerSuspected;
import org.clocksync.core.cluster.HeartbeatNetwork.Observed;
import org.junit.jupiter.api.Test;

/**
 * The worst-case detection bound T + 2*max - min + tick is safe (no crash is detected later) and tight: over many
 * seeded crash times, delays and tick phases, the worst latency seen comes within 2 ticks + (max - min) of it.
 */
class FailureDetectorBoundTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final int TRIALS = 1_500;

    @Test
    void defaultsDetectEveryCrashWithinTheBoundAndTheWorstCaseComesClose() {
        checkBound(TestConfigs.FIFTY_MS, 1);
    }

    @Test
    void aFasterPeriodWithANonZeroMinimumDelayDoesTheSame() {
        checkBound(new ClusterConfig(40 * MS, new DelayBounds(2 * MS, 30 * MS), Map.of(),
                new HeartbeatTopology.AllToAll(), ElectionAlgorithm.BULLY, 4 * MS, 5_000 * MS), 2);
    }

    private static void checkBound(ClusterConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        DelayBounds bounds = config.defaultBounds();
        long periodNanos = config.heartbeatPeriodNanos();
        long tickNanos = config.tickNanos();
        long worstNanos = new FailureDetector(1, List.of(2), config, T0).worstCaseDetectionNanos(2);
        long worstObservedNanos = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Map<Integer, Long> phases = Map.of(1, random.nextLong(tickNanos), 2, random.nextLong(tickNanos));
            HeartbeatNetwork network = new HeartbeatNetwork(config, List.of(1, 2), T0, phases,
                    HeartbeatNetwork.Delays.randomWithinBounds(config, random));
            long crashNanos = T0 + (3 + random.nextInt(5)) * periodNanos + random.nextLong(periodNanos);
            network.crash(2, crashNanos);

            network.runUntil(crashNanos + worstNanos + 2 * tickNanos);

            List<Observed> observed = network.observed();
            assertThat(observed).as("trial %d", trial).hasSize(1);
            Observed suspicion = observed.get(0);
            assertThat(suspicion.nodeId()).isEqualTo(1);
            assertThat(suspicion.action()).isInstanceOfSatisfying(PeerSuspected.class, s -> {
                assertThat(s.peerId()).isEqualTo(2);
                assertThat(s.byNotice()).isFalse();
            });
            long latencyNanos = suspicion.atNanos() - crashNanos;
            assertThat(latencyNanos).as("trial %d", trial).isPositive().isLessThanOrEqualTo(worstNanos);
            worstObservedNanos = Math.max(worstObservedNanos, latencyNanos);
        }
        assertThat(worstObservedNanos)
                .isGreaterThanOrEqualTo(worstNanos - 2 * tickNanos - (bounds.maxNanos() - bounds.minNanos()));
    }
}
