package org.clocksync.core.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;

/**
 * A small discrete-event run of {@link FailureDetector}s for tests: each node ticks every {@code tickNanos} from its
 * own phase, every message takes the delay {@link Delays} picks, and a crashed node neither ticks nor receives from its
 * crash time on (what it sent before still arrives). Deterministic: ties are broken by scheduling order.
 */
final class HeartbeatNetwork {
    /** Picks the one-way delay of one message; tests keep it inside the configured bounds. */
    interface Delays {
        long delayNanos(int fromId, int toId, Message message, long sentNanos);

        /**
         * Seeded delays inside the sender's bounds (the ones its receivers time it out with): a quarter exactly min, a
         * quarter exactly max, the cases that break a timeout that is too short, the rest uniform.
         */
        static Delays randomWithinBounds(ClusterConfig config, SplittableRandom random) {
            return (fromId, toId, message, sentNanos) -> {
                DelayBounds bounds = config.bounds(fromId);
                return switch (random.nextInt(4)) {
                    case 0 -> bounds.minNanos();
                    case 1 -> bounds.maxNanos();
                    default -> random.nextLong(bounds.minNanos(), bounds.maxNanos() + 1);
                };
            };
        }
    }

    /** A suspicion or recovery a node reported, and when. */
    record Observed(long atNanos, int nodeId, Action action) {
    }

    private record Event(long atNanos, long order, int nodeId, int fromId, Message message) {
        boolean isTick() {
            return message == null;
        }
    }

    private final ClusterConfig config;
    private final Delays delays;
    private final TreeMap<Integer, FailureDetector> detectors = new TreeMap<>();
    private final TreeMap<Integer, Long> crashNanos = new TreeMap<>();
    private final PriorityQueue<Event> queue =
            new PriorityQueue<>(Comparator.comparingLong(Event::atNanos).thenComparingLong(Event::order));
    private final List<Observed> observed = new ArrayList<>();
    private long order;
    private long nowNanos;

    /** Every node is constructed at {@code startNanos} and first ticks at {@code startNanos + tickPhaseNanos(id)}. */
    HeartbeatNetwork(ClusterConfig config, List<Integer> ids, long startNanos, Map<Integer, Long> tickPhaseNanos,
            Delays delays) {
        this.config = config;
        this.delays = delays;
        this.nowNanos = startNanos;
        for (int id : ids) {
            List<Integer> peerIds = ids.stream().filter(other -> other != id).toList();
            detectors.put(id, new FailureDetector(id, peerIds, config, startNanos));
            schedule(new Event(startNanos + tickPhaseNanos.getOrDefault(id, 0L), order++, id, 0, null));
        }
    }

    FailureDetector detector(int id) {
        return detectors.get(id);
    }

    void crash(int id, long atNanos) {
        crashNanos.put(id, atNanos);
    }

    List<Observed> observed() {
        return observed;
    }

    void runUntil(long endNanos) {
        while (!queue.isEmpty() && queue.peek().atNanos() <= endNanos) {
            Event event = queue.poll();
            nowNanos = event.atNanos();
            if (nowNanos >= crashNanos.getOrDefault(event.nodeId(), Long.MAX_VALUE)) {
                continue;
            }
            FailureDetector detector = detectors.get(event.nodeId());
            if (event.isTick()) {
                handle(event.nodeId(), detector.tick(nowNanos, 0));
                schedule(new Event(nowNanos + config.tickNanos(), order++, event.nodeId(), 0, null));
            } else {
                handle(event.nodeId(), detector.onHeardFrom(event.fromId(), nowNanos));
                if (event.message() instanceof Message.FailureNotice notice) {
                    handle(event.nodeId(), detector.onFailureNotice(event.fromId(), notice.suspectId(),
                            notice.lastHeardNanos(), nowNanos));
                }
            }
        }
        nowNanos = endNanos;
    }

    private void handle(int nodeId, List<Action> actions) {
        for (Action action : actions) {
            if (action instanceof Send send) {
                long delayNanos = delays.delayNanos(nodeId, send.toNodeId(), send.message(), nowNanos);
                schedule(new Event(nowNanos + delayNanos, order++, send.toNodeId(), nodeId, send.message()));
            } else {
                observed.add(new Observed(nowNanos, nodeId, action));
            }
        }
    }

    private void schedule(Event event) {
        queue.add(event);
    }
}
