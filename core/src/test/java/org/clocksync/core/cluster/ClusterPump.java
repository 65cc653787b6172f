package org.clocksync.core.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.MessageType;

/**
 * A tiny deterministic network for {@link ClusterMembership} tests: a FIFO queue of frames delivered in order with
 * no delay, time advanced by hand one tick at a time, nodes that crash, restart or pause. After every call into a
 * node it checks the one invariant elections must keep: never two nodes COORDINATOR in the same epoch.
 */
final class ClusterPump {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long MS = 1_000_000L;
    /** Deliveries allowed per drain: a message storm fails the test instead of hanging it. */
    static final int MAX_DELIVERIES_PER_DRAIN = 100_000;

    record Envelope(int from, int to, long epoch, Message message) {
    }

    final ClusterConfig config;
    final List<Integer> ids;
    private final Map<Integer, ClusterConfig> configById = new TreeMap<>();
    private final TreeMap<Integer, ClusterMembership> nodes = new TreeMap<>();
    private final TreeSet<Integer> crashed = new TreeSet<>();
    private final TreeSet<Integer> paused = new TreeSet<>();
    private final TreeMap<Integer, List<Envelope>> held = new TreeMap<>();
    private final ArrayDeque<Envelope> queue = new ArrayDeque<>();
    private final EnumMap<MessageType, Long> sentByType = new EnumMap<>(MessageType.class);
    private final TreeMap<Integer, List<RoleChanged>> roleChanges = new TreeMap<>();
    /** Every frame sent since the last {@link #resetCounts}, in order; tests are small, so this stays small. */
    private final List<Envelope> sentLog = new ArrayList<>();
    long now = T0;

    /** Every node in {@code ids} starts at T0; {@code configuredMaster} (0 for none) starts as COORDINATOR. */
    ClusterPump(ClusterConfig config, List<Integer> ids, int configuredMaster) {
        this(config, ids, configuredMaster, Map.of());
    }

    ClusterPump(ClusterConfig config, List<Integer> ids, int configuredMaster, Map<Integer, ClusterConfig> overrides) {
        this.config = config;
        this.ids = List.copyOf(new TreeSet<>(ids));
        for (int id : this.ids) {
            configById.put(id, overrides.getOrDefault(id, config));
            nodes.put(id, newNode(id, id == configuredMaster));
        }
        if (configuredMaster != 0) {
            // What the daemon does when the master's WELCOME arrives.
            for (int id : this.ids) {
                if (id != configuredMaster) {
                    execute(id, node(id).onCoordinatorKnown(configuredMaster, now));
                }
            }
            drain();
        }
    }

    private ClusterMembership newNode(int id, boolean configuredMaster) {
        List<Integer> peers = ids.stream().filter(p -> p != id).toList();
        return new ClusterMembership(id, peers, configById.get(id), configuredMaster, now);
    }

    ClusterMembership node(int id) {
        return nodes.get(id);
    }

    List<Integer> live() {
        return ids.stream().filter(id -> !crashed.contains(id)).toList();
    }

    /** Stops the node: it is not ticked, and nothing is delivered to or from it any more. */
    void crash(int id) {
        crashed.add(id);
    }

    /** A fresh instance of a crashed node, starting now. */
    void restart(int id, boolean configuredMaster) {
        crashed.remove(id);
        nodes.put(id, newNode(id, configuredMaster));
    }

    /** The node freezes: not ticked, and frames to it are held until {@link #resume}. */
    void pause(int id) {
        paused.add(id);
    }

    /** Delivers what was held for the node, in order, before it ticks again. */
    void resume(int id) {
        paused.remove(id);
        for (Envelope e : held.getOrDefault(id, List.of())) {
            queue.addLast(e);
        }
        held.remove(id);
        drain();
    }

    /** A frame from outside the protocol flow (e.g. a notice only one node gets), delivered at once. */
    void inject(int from, int to, long epoch, Message message) {
        queue.addLast(new Envelope(from, to, epoch, message));
        drain();
    }

    /** One tick: every running node ticks, ascending, and the network is drained after each. */
    void step() {
        now += config.tickNanos();
        for (int id : ids) {
            if (!crashed.contains(id) && !paused.contains(id)) {
                execute(id, node(id).tick(now));
                drain();
            }
        }
    }

    void runFor(long nanos) {
        long end = now + nanos;
        while (now < end) {
            step();
        }
    }

    /** Steps until the condition holds; false if it did not within {@code maxNanos}. */
    boolean runUntil(BooleanSupplier condition, long maxNanos) {
        long end = now + maxNanos;
        while (!condition.getAsBoolean()) {
            if (now >= end) {
                return false;
            }
            step();
        }
        return true;
    }

    void drain() {
        int deliveries = 0;
        while (!queue.isEmpty()) {
            if (++deliveries > MAX_DELIVERIES_PER_DRAIN) {
                throw new AssertionError("message storm: more than " + MAX_DELIVERIES_PER_DRAIN + " deliveries");
            }
            Envelope e = queue.pollFirst();
            if (crashed.contains(e.to()) || crashed.contains(e.from())) {
                continue;
            }
            if (paused.contains(e.to())) {
                held.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e);
                continue;
            }
            ClusterMembership to = node(e.to());
            EpochVerdict verdict = to.onFrame(e.from(), e.epoch(), now);
            execute(e.to(), verdict.actions());
            if (verdict.accepted()) {
                execute(e.to(), to.onMessage(e.from(), e.epoch(), e.message(), now));
            }
        }
    }

    /** What the daemon does with a node's actions: sends go out stamped with the node's epoch after the call. */
    void execute(int from, List<Action> actions) {
        long epoch = node(from).epoch();
        for (Action action : actions) {
            if (action instanceof Send send) {
                sentByType.merge(send.message().type(), 1L, Long::sum);
                Envelope e = new Envelope(from, send.toNodeId(), epoch, send.message());
                sentLog.add(e);
                queue.addLast(e);
            } else if (action instanceof RoleChanged change) {
                roleChanges.computeIfAbsent(from, k -> new ArrayList<>()).add(change);
            }
        }
        checkOneCoordinatorPerEpoch();
    }

    void checkOneCoordinatorPerEpoch() {
        TreeMap<Long, Integer> coordinatorByEpoch = new TreeMap<>();
        for (var entry : nodes.entrySet()) {
            ClusterMembership m = entry.getValue();
            if (m.role() == ClusterRole.COORDINATOR) {
                Integer other = coordinatorByEpoch.put(m.epoch(), entry.getKey());
                if (other != null) {
                    throw new AssertionError("nodes " + other + " and " + entry.getKey()
                            + " are both COORDINATOR in epoch " + m.epoch() + " at t=" + (now - T0) / MS + " ms");
                }
            }
        }
    }

    long sent(MessageType... types) {
        long total = 0;
        for (MessageType t : types) {
            total += sentByType.getOrDefault(t, 0L);
        }
        return total;
    }

    long bullyMessages() {
        return sent(MessageType.BULLY_ELECTION, MessageType.BULLY_ANSWER, MessageType.BULLY_COORDINATOR);
    }

    long ringMessages() {
        return sent(MessageType.RING_ELECTION, MessageType.RING_COORDINATOR);
    }

    List<Envelope> sentLog() {
        return List.copyOf(sentLog);
    }

    void resetCounts() {
        sentLog.clear();
        sentByType.clear();
        roleChanges.clear();
    }

    List<RoleChanged> roleChanges(int id) {
        return roleChanges.getOrDefault(id, List.of());
    }

    /** Every running node agrees: exactly one COORDINATOR, the rest follow it in its epoch. Paused nodes are out. */
    boolean settledOn(int coordinator) {
        ClusterMembership c = node(coordinator);
        if (crashed.contains(coordinator) || paused.contains(coordinator) || c.role() != ClusterRole.COORDINATOR) {
            return false;
        }
        for (int id : live()) {
            if (paused.contains(id)) {
                continue;
            }
            ClusterMembership m = node(id);
            if (id != coordinator && (m.role() != ClusterRole.FOLLOWER || m.coordinatorId() != coordinator
                    || m.epoch() != c.epoch())) {
                return false;
            }
        }
        return true;
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            ClusterMembership m = node(id);
            sb.append(id).append(crashed.contains(id) ? "(crashed)" : paused.contains(id) ? "(paused)" : "")
                    .append(": ").append(m.role()).append(" of ").append(m.coordinatorId()).append(" epoch ")
                    .append(m.epoch()).append('\n');
        }
        return sb.toString();
    }
}
