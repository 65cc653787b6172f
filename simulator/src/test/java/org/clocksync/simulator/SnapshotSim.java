package org.clocksync.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.clock.LocalClock;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.core.snapshot.ChannelState;
import org.clocksync.core.snapshot.LocalState;
import org.clocksync.core.snapshot.SnapshotAction;
import org.clocksync.core.snapshot.SnapshotConfig;
import org.clocksync.core.snapshot.SnapshotDocument;
import org.clocksync.core.snapshot.SnapshotNode;
import org.clocksync.protocol.Message;

/**
 * A seeded random world for snapshot checks: N nodes on the core {@link Simulator} (FIFO links, random delays) send
 * each other numbered application messages over a directed channel graph, each node counting its events and keeping a
 * Lamport clock, while planned nodes initiate snapshots. A ledger records every message's send and receive event, so a
 * recorded cut and its channel states can be checked against what really happened.
 */
final class SnapshotSim {
    static final long MS = 1_000_000L;
    static final long TICK_NANOS = MS;
    static final int MAX_MESSAGES_PER_NODE = 400;

    /** One application message as it really went: its send and (once delivered) receive event at each end. */
    static final class Sent {
        final long id;
        final int fromId;
        final int toId;
        final Message message;
        final long sendEvent;
        final long sendLamport;
        long receiveEvent = -1;
        long receiveLamport = -1;

        Sent(long id, int fromId, int toId, Message message, long sendEvent, long sendLamport) {
            this.id = id;
            this.fromId = fromId;
            this.toId = toId;
            this.message = message;
            this.sendEvent = sendEvent;
            this.sendLamport = sendLamport;
        }
    }

    /** A snapshot a node started, and how it ended. */
    static final class Run {
        final int initiatorId;
        final long snapshotId;
        final long startedAtNanos;
        SnapshotAction outcome;
        long endedAtNanos = -1;

        Run(int initiatorId, long snapshotId, long startedAtNanos) {
            this.initiatorId = initiatorId;
            this.snapshotId = snapshotId;
            this.startedAtNanos = startedAtNanos;
        }
    }

    /** A node's program: random traffic, planned initiations, and its {@link SnapshotNode} fed every frame and tick. */
    final class App implements SimProcess {
        private final int selfId;
        private final LocalClock clock;
        private final SplittableRandom rng;
        private final SnapshotNode snapshots;
        private final List<Integer> outgoing;
        private final Deque<Long> initiations;
        private long lamport;
        private long events;
        private int sentCount;

        App(int selfId, LocalClock clock) {
            this.selfId = selfId;
            this.clock = clock;
            this.rng = new SplittableRandom(seed * 1_000_003L + selfId);
            this.outgoing = List.copyOf(outgoingOf(selfId));
            this.snapshots = new SnapshotNode(selfId, outgoing, incomingOf(selfId), nodeIds, config);
            this.initiations = new ArrayDeque<>(plan.getOrDefault(selfId, List.of()));
        }

        @Override
        public List<Action> onStart(long hostNanos) {
            return List.of();
        }

        @Override
        public List<Action> onMessage(int fromId, Message message, long hostNanos) {
            List<Action> actions = new ArrayList<>(execute(snapshots.onFrame(fromId, message, () -> state(hostNanos), hostNanos), hostNanos));
            if (message instanceof Message.LogicalReport report) {
                lamport = Math.max(lamport, report.counter()) + 1;
                events++;
                Sent sent = ledger.get(report.requestId());
                if (sent == null || sent.toId != selfId || sent.fromId != fromId || sent.receiveEvent != -1) {
                    throw new AssertionError("message " + report + " from " + fromId + " at " + selfId + " does not match the ledger");
                }
                sent.receiveEvent = events;
                sent.receiveLamport = lamport;
                if (rng.nextDouble() < forwardProbability) {
                    actions.add(sendRandom());
                }
            }
            actions.removeIf(action -> action == null);
            return actions;
        }

        @Override
        public List<Action> onTick(long hostNanos) {
            List<Action> actions = new ArrayList<>(execute(snapshots.tick(hostNanos), hostNanos));
            while (!initiations.isEmpty() && initiations.peekFirst() <= hostNanos) {
                initiations.removeFirst();
                long snapshotId = snapshots.nextSnapshotId(hostNanos);
                runs.add(new Run(selfId, snapshotId, hostNanos));
                actions.addAll(execute(snapshots.initiate(snapshotId, state(hostNanos), hostNanos), hostNanos));
            }
            if (hostNanos < trafficUntilNanos && rng.nextDouble() < sendProbability) {
                int burst = 1 + rng.nextInt(3);
                for (int i = 0; i < burst; i++) {
                    actions.add(sendRandom());
                }
            }
            actions.removeIf(action -> action == null);
            return actions;
        }

        SnapshotNode snapshots() {
            return snapshots;
        }

        private LocalState state(long hostNanos) {
            return new LocalState(clock.readNanos(hostNanos), lamport, "SLAVE", 1, 0, Map.of("events", Long.toString(events)));
        }

        /** A numbered message to a random outgoing channel, or null once this node's budget is spent. */
        private Action sendRandom() {
            if (sentCount >= MAX_MESSAGES_PER_NODE || outgoing.isEmpty()) {
                return null;
            }
            sentCount++;
            lamport++;
            events++;
            int toId = outgoing.get(rng.nextInt(outgoing.size()));
            long id = nextMessageId++;
            Message message = new Message.LogicalReport(id, lamport);
            ledger.put(id, new Sent(id, selfId, toId, message, events, lamport));
            return new Send(toId, message);
        }

        private List<Action> execute(List<SnapshotAction> actions, long hostNanos) {
            List<Action> sends = new ArrayList<>();
            for (SnapshotAction action : actions) {
                if (action instanceof SnapshotAction.SendMessage send) {
                    sends.add(send.toSend());
                } else if (action instanceof SnapshotAction.Completed || action instanceof SnapshotAction.Failed) {
                    long snapshotId = action instanceof SnapshotAction.Completed c ? c.snapshotId() : ((SnapshotAction.Failed) action).snapshotId();
                    Run run = runs.stream().filter(r -> r.initiatorId == selfId && r.snapshotId == snapshotId).findFirst()
                            .orElseThrow(() -> new AssertionError("node " + selfId + " finished snapshot " + snapshotId + " it never started"));
                    if (run.outcome != null) {
                        throw new AssertionError("snapshot " + snapshotId + " of node " + selfId + " finished twice");
                    }
                    run.outcome = action;
                    run.endedAtNanos = hostNanos;
                } else {
                    throw new AssertionError("SnapshotNode leaked " + action);
                }
            }
            return sends;
        }
    }

    final long seed;
    final SortedSet<Integer> nodeIds;
    /** fromId -> the nodes it has a channel to. */
    final SortedMap<Integer, SortedSet<Integer>> graph;
    final Map<Integer, List<Long>> plan;
    final SnapshotConfig config;
    final Simulator simulator;
    final double sendProbability;
    final double forwardProbability;
    final long trafficUntilNanos;
    final TreeMap<Long, Sent> ledger = new TreeMap<>();
    final List<Run> runs = new ArrayList<>();
    private long nextMessageId = 1;

    /**
     * @param graph every node id to its outgoing channels (strongly connected)
     * @param plan  node id to the host times at which it initiates a snapshot
     */
    SnapshotSim(long seed, SortedMap<Integer, SortedSet<Integer>> graph, Map<Integer, List<Long>> plan, SnapshotConfig config,
                double sendProbability, double forwardProbability, long trafficForNanos, SplittableRandom setup) {
        this.seed = seed;
        this.graph = graph;
        this.nodeIds = Collections.unmodifiableSortedSet(new TreeSet<>(graph.keySet()));
        this.plan = plan;
        this.config = config;
        this.simulator = new Simulator(seed);
        this.sendProbability = sendProbability;
        this.forwardProbability = forwardProbability;
        this.trafficUntilNanos = simulator.startHostNanos() + trafficForNanos;
        for (int from : nodeIds) {
            for (int to : nodeIds) {
                if (from != to) {
                    simulator.setLinkDelay(from, to, randomDelay(setup));
                }
            }
        }
        for (int id : nodeIds) {
            simulator.addNode(id, new SimulatedHardwareClock(setup.nextLong(-50 * MS, 50 * MS), setup.nextDouble(-100, 100),
                            simulator.startHostNanos()), ServiceClockConfig.defaults(), TICK_NANOS, App::new,
                    simulator.startHostNanos());
        }
    }

    /** A random one-way delay model: uniform or a floor plus an exponential tail, up to about 10 ms. */
    static DelayModel randomDelay(SplittableRandom rng) {
        long minNanos = rng.nextLong(0, 2 * MS);
        return rng.nextBoolean()
                ? DelayModel.uniform(minNanos, minNanos + rng.nextLong(0, 8 * MS))
                : DelayModel.shiftedExponential(minNanos, rng.nextLong(1, 3 * MS));
    }

    /** All-to-all, or a random directed cycle plus random extra channels: strongly connected either way. */
    static SortedMap<Integer, SortedSet<Integer>> randomGraph(SplittableRandom rng, List<Integer> ids, boolean allToAll) {
        TreeMap<Integer, SortedSet<Integer>> graph = new TreeMap<>();
        for (int id : ids) {
            graph.put(id, new TreeSet<>());
        }
        if (allToAll) {
            for (int from : ids) {
                for (int to : ids) {
                    if (from != to) {
                        graph.get(from).add(to);
                    }
                }
            }
            return graph;
        }
        List<Integer> cycle = new ArrayList<>(ids);
        for (int i = cycle.size() - 1; i > 0; i--) {
            Collections.swap(cycle, i, rng.nextInt(i + 1));
        }
        for (int i = 0; i < cycle.size(); i++) {
            graph.get(cycle.get(i)).add(cycle.get((i + 1) % cycle.size()));
        }
        double extra = rng.nextDouble() * 0.5;
        for (int from : ids) {
            for (int to : ids) {
                if (from != to && rng.nextDouble() < extra) {
                    graph.get(from).add(to);
                }
            }
        }
        return graph;
    }

    /** n distinct node ids in 1..60, sorted. */
    static List<Integer> randomIds(SplittableRandom rng, int n) {
        TreeSet<Integer> ids = new TreeSet<>();
        while (ids.size() < n) {
            ids.add(1 + rng.nextInt(60));
        }
        return new ArrayList<>(ids);
    }

    SortedSet<Integer> outgoingOf(int id) {
        return graph.get(id);
    }

    SortedSet<Integer> incomingOf(int id) {
        TreeSet<Integer> incoming = new TreeSet<>();
        for (Map.Entry<Integer, SortedSet<Integer>> entry : graph.entrySet()) {
            if (entry.getValue().contains(id)) {
                incoming.add(entry.getKey());
            }
        }
        return incoming;
    }

    int plannedCount() {
        return plan.values().stream().mapToInt(List::size).sum();
    }

    /** Runs until every planned snapshot has ended (true), or until the deadline (false). */
    boolean runUntilAllEnded(long forNanos) {
        int planned = plannedCount();
        return simulator.runUntil(() -> runs.size() == planned && runs.stream().allMatch(r -> r.outcome != null),
                simulator.nowNanos() + forNanos);
    }

    App app(int id) {
        return (App) simulator.process(id);
    }

    /** Pairs of snapshots whose runs overlapped in time. */
    int overlappingPairs() {
        int pairs = 0;
        for (int i = 0; i < runs.size(); i++) {
            for (int j = i + 1; j < runs.size(); j++) {
                Run a = runs.get(i);
                Run b = runs.get(j);
                if (a.endedAtNanos >= 0 && b.endedAtNanos >= 0 && a.startedAtNanos < b.endedAtNanos && b.startedAtNanos < a.endedAtNanos) {
                    pairs++;
                }
            }
        }
        return pairs;
    }

    /**
     * Checks a completed document against the ledger; returns what is wrong, empty if nothing. The cut must hold every
     * node; it is consistent (a message received inside it was sent inside it, by event count and by Lamport
     * frontier); and each channel's state is exactly the messages sent inside the cut and received outside it, on that
     * channel, in sending order.
     */
    List<String> check(SnapshotDocument document) {
        List<String> problems = new ArrayList<>();
        String where = "seed " + seed + " snapshot " + document.snapshotId() + " of node " + document.initiatorId() + ": ";
        if (!document.states().keySet().equals(nodeIds)) {
            problems.add(where + "the cut holds nodes " + document.states().keySet() + ", expected " + nodeIds);
            return problems;
        }
        Map<Integer, Long> cutEvents = new TreeMap<>();
        Map<Integer, Long> cutLamport = new TreeMap<>();
        for (Map.Entry<Integer, LocalState> entry : document.states().entrySet()) {
            cutEvents.put(entry.getKey(), Long.parseLong(entry.getValue().extra().get("events")));
            cutLamport.put(entry.getKey(), entry.getValue().lamport());
            if (document.cut().get(entry.getKey()) != entry.getValue().lamport()) {
                problems.add(where + "the cut's frontier of node " + entry.getKey() + " is not its recorded Lamport counter");
            }
        }
        Map<String, List<String>> expected = new TreeMap<>();
        for (int from : nodeIds) {
            for (int to : graph.get(from)) {
                expected.put(from + "->" + to, new ArrayList<>());
            }
        }
        for (Sent sent : ledger.values()) {
            boolean sentInside = sent.sendEvent <= cutEvents.get(sent.fromId);
            boolean receivedInside = sent.receiveEvent >= 0 && sent.receiveEvent <= cutEvents.get(sent.toId);
            if (receivedInside && !sentInside) {
                problems.add(where + "inconsistent cut: message " + sent.id + " " + sent.fromId + "->" + sent.toId
                        + " received inside the cut (event " + sent.receiveEvent + " <= " + cutEvents.get(sent.toId)
                        + ") but sent outside it (event " + sent.sendEvent + " > " + cutEvents.get(sent.fromId) + ")");
            }
            boolean receivedInsideByLamport = sent.receiveLamport >= 0 && sent.receiveLamport <= cutLamport.get(sent.toId);
            if (receivedInsideByLamport && sent.sendLamport > cutLamport.get(sent.fromId)) {
                problems.add(where + "inconsistent by Lamport frontier: message " + sent.id);
            }
            if (receivedInsideByLamport != receivedInside) {
                problems.add(where + "Lamport frontier and event count disagree on the receive of message " + sent.id);
            }
            if (sentInside && !receivedInside) {
                expected.get(sent.fromId + "->" + sent.toId).add(SnapshotNode.describe(sent.message));
            }
        }
        int channels = 0;
        for (ChannelState channel : document.channels()) {
            channels++;
            List<String> want = expected.get(channel.name());
            if (want == null) {
                problems.add(where + "channel " + channel.name() + " is not in the graph");
            } else if (!channel.messages().equals(want) || channel.messageCount() != want.size()) {
                problems.add(where + "channel " + channel.name() + " recorded " + channel.messages() + " (count "
                        + channel.messageCount() + "), in flight across the cut were " + want);
            }
        }
        if (channels != expected.size()) {
            problems.add(where + "the document has " + channels + " channels, the graph " + expected.size());
        }
        return problems;
    }
}
