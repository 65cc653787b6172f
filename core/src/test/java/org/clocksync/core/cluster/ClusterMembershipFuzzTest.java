package org.clocksync.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clocksync.core.cluster.ClusterPump.MS;
import static org.clocksync.core.cluster.ClusterPump.T0;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/** Seeded random faults and garbage: the invariant holds throughout, and the cluster settles once faults stop. */
class ClusterMembershipFuzzTest {
    private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

    @Test
    void randomCrashesRestartsAndPausesNeverMakeTwoCoordinatorsInOneEpochAndTheClusterSettlesAfterwards() {
        for (ElectionAlgorithm algorithm : ElectionAlgorithm.values()) {
            ClusterConfig config = TestConfigs.FIFTY_MS.withElection(algorithm);
            for (long seed = 1; seed <= 25; seed++) {
                Random random = new Random(seed);
                ClusterPump pump = new ClusterPump(config, FIVE, 5);
                TreeSet<Integer> down = new TreeSet<>();
                TreeSet<Integer> paused = new TreeSet<>();
                for (int round = 0; round < 40; round++) {
                    pump.runFor((20 + random.nextInt(300)) * MS);
                    int id = FIVE.get(random.nextInt(FIVE.size()));
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            if (!down.contains(id) && !paused.contains(id) && down.size() + paused.size() < 3) {
                                pump.crash(id);
                                down.add(id);
                            }
                        }
                        case 1 -> {
                            if (down.remove(id)) {
                                pump.restart(id, id == 5);
                            }
                        }
                        case 2 -> {
                            if (!down.contains(id) && !paused.contains(id) && down.size() + paused.size() < 3) {
                                pump.pause(id);
                                paused.add(id);
                            }
                        }
                        default -> {
                            if (paused.remove(id)) {
                                pump.resume(id);
                            }
                        }
                    }
                }
                for (int id : down) {
                    pump.restart(id, id == 5);
                }
                for (int id : paused) {
                    pump.resume(id);
                }
                long s = seed;
                boolean settled = pump.runUntil(() -> settledOnSomeone(pump), 10_000 * MS);
                assertThat(settled).as("%s seed %d:%n%s", algorithm, s, pump.describe()).isTrue();
                if (algorithm == ElectionAlgorithm.BULLY) {
                    assertThat(pump.settledOn(5)).as("Bully: the highest node leads, seed %d%n%s", s, pump.describe())
                            .isTrue();
                }
                for (int id : FIVE) {
                    assertThat(pump.node(id).elections().size()).isLessThanOrEqualTo(
                            ClusterMembership.MAX_ELECTION_RECORDS);
                }
            }
        }
    }

    private static boolean settledOnSomeone(ClusterPump pump) {
        for (int id : FIVE) {
            if (pump.settledOn(id)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void garbageFromAnySenderInAnyEpochNeverThrowsAndNeverMakesAnUnnamedCoordinator() {
        for (ElectionAlgorithm algorithm : ElectionAlgorithm.values()) {
            ClusterConfig config = TestConfigs.FIFTY_MS.withElection(algorithm);
            Random random = new Random(42);
            ClusterMembership node = new ClusterMembership(3, List.of(1, 2, 4, 5), config, false, T0);
            long now = T0;
            long lastEpoch = node.epoch();
            for (int i = 0; i < 20_000; i++) {
                now += random.nextInt(3) * MS;
                int sender = random.nextInt(8); // 0, strangers 6 and 7, self 3, peers
                long epoch = randomEpoch(random, node.epoch());
                Message message = randomMessage(random);
                EpochVerdict verdict = node.onFrame(sender, epoch, now);
                if (verdict.accepted()) {
                    node.onMessage(sender, epoch, message, now);
                }
                if (random.nextInt(10) == 0) {
                    node.tick(now);
                }
                assertThat(node.epoch()).isGreaterThanOrEqualTo(lastEpoch);
                lastEpoch = node.epoch();
                if (node.role() == ClusterRole.COORDINATOR) {
                    assertThat(Epochs.coordinatorOf(node.epoch())).isEqualTo(3);
                }
                if (node.role() == ClusterRole.FOLLOWER && node.epoch() != Epochs.INITIAL) {
                    assertThat(node.coordinatorId()).isEqualTo(Epochs.coordinatorOf(node.epoch()));
                }
                assertThat(List.of(0, 1, 2, 3, 4, 5)).contains(node.coordinatorId());
            }
            assertThat(node.elections().size()).isLessThanOrEqualTo(ClusterMembership.MAX_ELECTION_RECORDS);
        }
    }

    private static long randomEpoch(Random random, long current) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> Epochs.INITIAL;
            case 2 -> -random.nextInt(1_000);
            case 3 -> Long.MAX_VALUE - random.nextInt(10);
            case 4 -> Epochs.elected(1 + random.nextInt(20), 1 + random.nextInt(9));
            case 5 -> random.nextInt(200_000);
            default -> current;
        };
    }

    private static Message randomMessage(Random random) {
        long id = random.nextInt(5);
        int node = 1 + random.nextInt(9);
        return switch (random.nextInt(8)) {
            case 0 -> new Message.Heartbeat(id, random.nextInt(9));
            case 1 -> new Message.FailureNotice(node, T0 + random.nextInt(1_000) * MS);
            case 2 -> new Message.BullyElection(id);
            case 3 -> new Message.BullyAnswer(id);
            case 4 -> new Message.BullyCoordinator(id, node);
            case 5 -> new Message.RingElection(id, node, randomIds(random, node));
            case 6 -> new Message.RingCoordinator(id, node, randomIds(random, node));
            default -> new Message.CristianRequest(id);
        };
    }

    private static List<Integer> randomIds(Random random, int first) {
        List<Integer> ids = new ArrayList<>();
        ids.add(first);
        int more = random.nextInt(8);
        for (int i = 0; i < more; i++) {
            ids.add(1 + random.nextInt(9));
        }
        return ids;
    }
}
