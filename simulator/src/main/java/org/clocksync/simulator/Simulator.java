package org.clocksync.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.RoundCompleted;
import org.clocksync.core.clock.ClockAdjustment;
import org.clocksync.core.clock.ServiceClock;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.core.logical.LogicalRoundCompleted;

/**
 * A seeded discrete-event simulator that drives {@link SimProcess}es over virtual host time, so a cluster, its delays,
 * drifts and crashes replay exactly from one seed.
 *
 * <p>Virtual time is the host's UTC clock in nanoseconds; every node's hardware clock sits on it, so each node's true
 * error is observable. Events are ordered by (time, insertion sequence) in an {@link EventQueue}, all randomness comes
 * from one {@link SplittableRandom} used in event order, and nodes are kept in id order: nothing depends on hash order.
 * Links are FIFO like TCP: a message never overtakes an earlier one from the same sender to the same receiver.
 */
public final class Simulator {
    public static final long DEFAULT_START_HOST_NANOS = 1_700_000_000_000_000_000L;
    public static final int MAX_QUEUED_EVENTS = 10_000_000;
    public static final int MAX_NODES = 10_000;
    public static final int MAX_TRACE_LINES = 1_000_000;
    /** One run call processes at most this many events; more means a process is looping without bound. */
    public static final long MAX_EVENTS_PER_RUN = 200_000_000L;
    public static final long MIN_TICK_PERIOD_NANOS = 1_000L;
    public static final long MAX_TICK_PERIOD_NANOS = 3_600_000_000_000L;
    /** Runs are bounded in virtual time too: a day from the current time. */
    public static final long MAX_RUN_NANOS = 86_400_000_000_000L;

    private final SplittableRandom rng;
    private final long startHostNanos;
    private final EventQueue<SimEvent> queue = new EventQueue<>(MAX_QUEUED_EVENTS);
    private final TreeMap<Integer, SimNode> nodes = new TreeMap<>();
    /** Keyed by {@link #linkKey}; looked up, never iterated. */
    private final Map<Long, DelayModel> linkDelays = new HashMap<>();
    private final Map<Long, Long> linkLastDeliveryNanos = new HashMap<>();
    private final List<SimListener> listeners = new ArrayList<>();
    private final List<String> trace = new ArrayList<>();
    private DelayModel defaultDelay = DelayModel.constant(100_000L);

    private long nowNanos;
    private boolean traceTruncated;
    private long eventsProcessed;
    private long messagesDelivered;
    private long messagesLost;

    public Simulator(long seed) {
        this(seed, DEFAULT_START_HOST_NANOS);
    }

    public Simulator(long seed, long startHostNanos) {
        this.rng = new SplittableRandom(seed);
        this.startHostNanos = startHostNanos;
        this.nowNanos = startHostNanos;
    }

    /** The delay of every link without its own model; 100 us constant unless set. */
    public void setDefaultDelay(DelayModel delay) {
        defaultDelay = Objects.requireNonNull(delay, "delay");
    }

    /** The delay of messages from {@code fromId} to {@code toId} (one direction). */
    public void setLinkDelay(int fromId, int toId, DelayModel delay) {
        linkDelays.put(linkKey(fromId, toId), Objects.requireNonNull(delay, "delay"));
    }

    /** Adds a node whose process starts at {@code startAtHostNanos}; its timer fires every {@code tickPeriodNanos} after a random phase. */
    public void addNode(int nodeId, SimulatedHardwareClock hardware, ServiceClockConfig clockConfig, long tickPeriodNanos,
                        ProcessFactory factory, long startAtHostNanos) {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node id must be positive, got " + nodeId);
        }
        if (nodes.containsKey(nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " already exists");
        }
        if (nodes.size() >= MAX_NODES) {
            throw new IllegalStateException("cannot add node " + nodeId + ": the simulator holds " + MAX_NODES + " nodes, the limit");
        }
        if (tickPeriodNanos < MIN_TICK_PERIOD_NANOS || tickPeriodNanos > MAX_TICK_PERIOD_NANOS) {
            throw new IllegalArgumentException("tick period must be in " + MIN_TICK_PERIOD_NANOS + ".." + MAX_TICK_PERIOD_NANOS
                    + " ns, got " + tickPeriodNanos);
        }
        nodes.put(nodeId, new SimNode(nodeId, Objects.requireNonNull(hardware, "hardware"),
                Objects.requireNonNull(clockConfig, "clockConfig"), tickPeriodNanos, Objects.requireNonNull(factory, "factory")));
        schedule(startAtHostNanos, new SimEvent.Start(nodeId));
    }

    /** At {@code atHostNanos} the node stops: it receives nothing, sends nothing, and messages to it are lost. */
    public void crash(int nodeId, long atHostNanos) {
        requireNode(nodeId);
        schedule(atHostNanos, new SimEvent.Crash(nodeId));
    }

    /** At {@code atHostNanos} the node starts again: fresh process, fresh service clock, same hardware clock. */
    public void restart(int nodeId, long atHostNanos) {
        requireNode(nodeId);
        schedule(atHostNanos, new SimEvent.Restart(nodeId));
    }

    public void addListener(SimListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Processes every event up to and including {@code hostNanos}, then sets the time to it. */
    public void runUntil(long hostNanos) {
        checkRunTarget(hostNanos);
        long processed = 0;
        while (!queue.isEmpty() && queue.nextTimeNanos() <= hostNanos) {
            step(++processed);
        }
        nowNanos = Math.max(nowNanos, hostNanos);
    }

    public void runFor(long nanos) {
        if (nanos < 0 || nanos > MAX_RUN_NANOS) {
            throw new IllegalArgumentException("run length must be in 0.." + MAX_RUN_NANOS + " ns, got " + nanos);
        }
        runUntil(nowNanos + nanos);
    }

    /** Processes events until {@code done} holds (true) or the next event is after {@code deadlineHostNanos} (false). */
    public boolean runUntil(BooleanSupplier done, long deadlineHostNanos) {
        checkRunTarget(deadlineHostNanos);
        long processed = 0;
        while (!done.getAsBoolean()) {
            if (queue.isEmpty() || queue.nextTimeNanos() > deadlineHostNanos) {
                nowNanos = Math.max(nowNanos, deadlineHostNanos);
                return false;
            }
            step(++processed);
        }
        return true;
    }

    public long nowNanos() {
        return nowNanos;
    }

    public long startHostNanos() {
        return startHostNanos;
    }

    public NavigableSet<Integer> nodeIds() {
        return Collections.unmodifiableNavigableSet(new TreeSet<>(nodes.keySet()));
    }

    public boolean isAlive(int nodeId) {
        return requireNode(nodeId).alive();
    }

    /** The service clock of a node that is up. */
    public ServiceClock serviceClock(int nodeId) {
        return requireLive(nodeId).serviceClock();
    }

    public SimulatedHardwareClock hardwareClock(int nodeId) {
        return requireNode(nodeId).hardware;
    }

    /** The process of a node that is up (a new object after each restart). */
    public SimProcess process(int nodeId) {
        return requireLive(nodeId).process();
    }

    /** A live node's service clock minus the host clock, now. */
    public long offsetFromHostNanos(int nodeId) {
        return requireLive(nodeId).serviceClock().offsetFromHostNanos(nowNanos);
    }

    /** The largest minus the smallest offset from host across live nodes: the cluster's true precision now; 0 with under two. */
    public long spreadNanos() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (SimNode node : nodes.values()) {
            if (node.alive()) {
                long offsetNanos = node.serviceClock().offsetFromHostNanos(nowNanos);
                min = Math.min(min, offsetNanos);
                max = Math.max(max, offsetNanos);
            }
        }
        return max < min ? 0 : max - min;
    }

    /** Every delivery, loss, clock adjustment, crash and restart so far, one line each, in order; capped at {@link #MAX_TRACE_LINES}. */
    public List<String> trace() {
        return Collections.unmodifiableList(trace);
    }

    public boolean traceTruncated() {
        return traceTruncated;
    }

    public long eventsProcessed() {
        return eventsProcessed;
    }

    public long messagesDelivered() {
        return messagesDelivered;
    }

    public long messagesLost() {
        return messagesLost;
    }

    private void step(long processedInThisRun) {
        if (processedInThisRun > MAX_EVENTS_PER_RUN) {
            throw new IllegalStateException("over " + MAX_EVENTS_PER_RUN + " events in one run: a process is looping without bound");
        }
        long timeNanos = queue.nextTimeNanos();
        assert timeNanos >= nowNanos : "events never go back in time";
        nowNanos = timeNanos;
        eventsProcessed++;
        SimEvent event = queue.poll();
        if (event instanceof SimEvent.Start start) {
            startNode(nodes.get(start.nodeId()), "start");
        } else if (event instanceof SimEvent.Tick tick) {
            SimNode node = nodes.get(tick.nodeId());
            if (node.alive() && node.incarnation() == tick.incarnation()) {
                schedule(nowNanos + node.tickPeriodNanos, new SimEvent.Tick(node.id, node.incarnation()));
                execute(node, node.process().onTick(nowNanos));
            }
        } else if (event instanceof SimEvent.Deliver deliver) {
            deliver(deliver);
        } else if (event instanceof SimEvent.Crash crash) {
            SimNode node = nodes.get(crash.nodeId());
            if (node.alive()) {
                node.crash();
                record(node.id, "crash");
            }
        } else if (event instanceof SimEvent.Restart restart) {
            SimNode node = nodes.get(restart.nodeId());
            if (node.alive()) {
                node.crash();
                record(node.id, "crash");
            }
            startNode(node, "restart");
        } else {
            throw new AssertionError("unknown event " + event);
        }
    }

    private void startNode(SimNode node, String what) {
        node.start();
        record(node.id, what + " offset=" + node.serviceClock().offsetFromHostNanos(nowNanos));
        long phaseNanos = 1 + rng.nextLong(node.tickPeriodNanos);
        schedule(nowNanos + phaseNanos, new SimEvent.Tick(node.id, node.incarnation()));
        execute(node, node.process().onStart(nowNanos));
    }

    private void deliver(SimEvent.Deliver deliver) {
        SimNode to = nodes.get(deliver.toId());
        if (!to.alive() || to.incarnation() != deliver.toIncarnation()) {
            messagesLost++;
            record(deliver.toId(), "lost from " + deliver.fromId() + " " + deliver.message());
            return;
        }
        messagesDelivered++;
        record(deliver.toId(), "recv from " + deliver.fromId() + " " + deliver.message());
        execute(to, to.process().onMessage(deliver.fromId(), deliver.message(), nowNanos));
    }

    private void execute(SimNode node, List<Action> actions) {
        Objects.requireNonNull(actions, "a process returned null instead of a list of actions");
        for (Action action : actions) {
            if (action instanceof Send send) {
                send(node, send);
            } else if (action instanceof AdjustClock adjust) {
                ClockAdjustment result = node.discipline().apply(adjust.correctionNanos(), nowNanos, adjust.learnDrift());
                record(node.id, "adjust " + result.kind() + " " + adjust.correctionNanos() + " ns ("
                        + adjust.cause() + ")" + (result.largeButSlewed() ? " large but slewed" : ""));
            } else if (action instanceof RoundCompleted completed) {
                record(node.id, "round " + completed.report().roundId() + " median=" + completed.report().medianNanos()
                        + " average=" + completed.report().averageNanos() + " included=" + completed.report().includedCount());
            } else if (action instanceof LogicalRoundCompleted logical) {
                record(node.id, "logical round " + logical.round().roundId() + " average=" + logical.round().average()
                        + " left out " + logical.round().leftOutIds());
            } else {
                throw new AssertionError("unknown action " + action);
            }
            for (SimListener listener : listeners) {
                listener.onAction(nowNanos, node.id, action);
            }
        }
    }

    private void send(SimNode from, Send send) {
        SimNode to = nodes.get(send.toNodeId());
        if (to == null || !to.alive()) {
            messagesLost++;
            record(from.id, "lost to " + send.toNodeId() + " " + send.message());
            return;
        }
        long link = linkKey(from.id, to.id);
        long delayNanos = linkDelays.getOrDefault(link, defaultDelay).sampleNanos(rng);
        assert delayNanos >= 0 && delayNanos <= DelayModel.MAX_DELAY_NANOS;
        long arrivalNanos = Math.max(nowNanos + delayNanos, linkLastDeliveryNanos.getOrDefault(link, Long.MIN_VALUE));
        linkLastDeliveryNanos.put(link, arrivalNanos);
        schedule(arrivalNanos, new SimEvent.Deliver(from.id, to.id, to.incarnation(), send.message()));
    }

    private void schedule(long atNanos, SimEvent event) {
        if (atNanos < nowNanos) {
            throw new IllegalArgumentException("cannot schedule " + event + " at " + atNanos + ", before the current time " + nowNanos);
        }
        if (!queue.offer(atNanos, event)) {
            throw new IllegalStateException("the simulator's event queue holds " + MAX_QUEUED_EVENTS
                    + " events, the limit: a process is sending without bound");
        }
    }

    private void record(int nodeId, String what) {
        if (trace.size() >= MAX_TRACE_LINES) {
            traceTruncated = true;
            return;
        }
        trace.add((nowNanos - startHostNanos) + " node " + nodeId + " " + what);
    }

    private void checkRunTarget(long hostNanos) {
        if (hostNanos < nowNanos || hostNanos - nowNanos > MAX_RUN_NANOS) {
            throw new IllegalArgumentException("can run to a time from now (" + nowNanos + ") to a day later, got " + hostNanos);
        }
    }

    private SimNode requireNode(int nodeId) {
        SimNode node = nodes.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException("no node " + nodeId + "; nodes are " + nodes.keySet());
        }
        return node;
    }

    private SimNode requireLive(int nodeId) {
        SimNode node = requireNode(nodeId);
        if (!node.alive()) {
            throw new IllegalStateException("node " + nodeId + " is down");
        }
        return node;
    }

    private static long linkKey(int fromId, int toId) {
        return ((long) fromId << 32) | (toId & 0xFFFF_FFFFL);
    }
}
