package org.clocksync.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.clocksync.core.Action;
import org.clocksync.core.PeerRecovered;
import org.clocksync.core.PeerSuspected;
import org.clocksync.core.Send;
import org.clocksync.core.cluster.ClusterConfig;
import org.clocksync.core.cluster.ClusterMembership;
import org.clocksync.core.cluster.ClusterRole;
import org.clocksync.core.cluster.DelayBounds;
import org.clocksync.core.cluster.ElectionAlgorithm;
import org.clocksync.core.cluster.EpochVerdict;
import org.clocksync.core.cluster.FailureDetector;
import org.clocksync.core.cluster.HeartbeatTopology;
import org.clocksync.core.cluster.RoleChanged;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.MessageType;

/**
 * A seeded discrete-event network of {@link ClusterMembership} nodes (ids 1..n) over virtual host time, with crashes,
 * restarts, partitions and pauses, that checks the election invariants after every event instead of trusting them.
 *
 * <p>Events are ordered by (time, insertion sequence) in an {@link EventQueue}, as in {@link Simulator}. Each node
 * ticks every {@code tickNanos} with its own random phase; a message takes a one-way delay drawn uniformly inside the
 * receiver's {@link DelayBounds} for the sender, and links are FIFO like TCP (a message never overtakes an earlier one on the same link). Frames go through
 * {@link ClusterMembership#onFrame} (the epoch gate) and, if accepted, {@link ClusterMembership#onMessage}; every
 * {@code Send} returned by one call is stamped with the node's epoch as it is after that call, as the daemon does.
 *
 * <p>Invariants, checked after every event and recorded (seed, step, text) rather than thrown:
 * <ol>
 *   <li>at most one node acts as COORDINATOR per epoch over the whole run (a restarted node is the same node; a paused
 *       node acts only when it runs);</li>
 *   <li>once no fault happened for {@link #settleBoundNanos()}, every group of live, mutually connected nodes agrees
 *       on one coordinator and epoch, and that coordinator is live, in the group and COORDINATOR. With a ring:K
 *       heartbeat topology a group is checked only while at most K nodes are unreachable from it: beyond that the
 *       failure detector promises nothing (docs/failover.md).</li>
 * </ol>
 *
 * <p>It also measures elections: one starts at the first suspicion of a node's own coordinator (or the first
 * election message sent while the nodes do not agree) and ends at the first event after which every checked group
 * agrees; election messages (BULLY_*, RING_*) sent in between count for it, and those sent while all agree (an
 * announcement finishing its trip round the ring) count for the election that just ended.
 *
 * <p>Clock corrections, off unless {@link #enableCorrections}: each COORDINATOR runs a Berkeley round every round
 * period, reduced to its effect: a {@code BERKELEY_ADJUST} to each node that follows it, carrying the difference
 * between the two nodes' clock offsets, which the follower applies on arrival if it still follows the sender and feeds
 * to {@link ClusterMembership#onCorrectionApplied}. Every node is made not ready to lead when it (re)starts, as the
 * daemon does, so a returning higher node takes the lead back only after its corrections ({@link #takeovers}).
 *
 * <p>Pure and deterministic: no threads, clocks or I/O; all randomness comes from {@link SplittableRandom}s split off
 * the seed. Every queue and list is bounded. Not thread-safe.
 */
public final class ClusterSimulator {
    public static final long START_NANOS = Simulator.DEFAULT_START_HOST_NANOS;
    public static final int MAX_NODES = 256;
    public static final int MAX_QUEUED_EVENTS = 4_000_000;
    /** Frames held for one paused node; beyond this they are dropped and counted as lost. */
    public static final int MAX_HELD_PER_NODE = 200_000;
    public static final int MAX_VIOLATIONS_KEPT = 32;
    public static final int MAX_ELECTIONS_KEPT = 4_096;
    /** Invariant 1 remembers the coordinator of this many epochs; more means elections churn without end. */
    public static final int MAX_EPOCHS_TRACKED = 1_000_000;
    public static final long MAX_EVENTS_PER_RUN = 400_000_000L;
    /** Runs are bounded in virtual time: an hour from the current time. */
    public static final long MAX_RUN_NANOS = 3_600_000_000_000L;
    private static final int MAX_FAULT_LOG = 256;
    public static final int MAX_TRACE_LINES = 100_000;
    public static final int MAX_TAKEOVERS_KEPT = 4_096;
    public static final long MIN_ROUND_PERIOD_NANOS = 1_000_000L;
    public static final long MAX_ROUND_PERIOD_NANOS = 60_000_000_000L;

    /** A broken invariant: where (seed, event number, time since start) and what. */
    public record Violation(long seed, long step, long atNanos, String description) {
        @Override
        public String toString() {
            return "seed " + seed + " step " + step + " t=" + atNanos / 1_000_000 + "ms: " + description;
        }
    }

    /**
     * One election as the cluster lived it.
     *
     * @param startNanos           since the simulation start: the first suspicion of a coordinator, or first election
     *                             message
     * @param endNanos             since the start: the first moment every checked group agreed again; -1 if never
     * @param byCoordinatorSuspicion opened by a node suspecting its own coordinator (else by an election message, e.g.
     *                             a Bully challenge by a restarted higher node, or after a heal)
     * @param messages             election messages (BULLY_*, RING_*) sent for it
     */
    public record Election(long startNanos, long endNanos, boolean byCoordinatorSuspicion, long messages,
            int firstSuspectorId) {
        public long durationNanos() {
            return endNanos < 0 ? -1 : endNanos - startNanos;
        }
    }

    /**
     * A node won an election (became COORDINATOR by a {@code RoleChanged}): when, with what clock offset, and after
     * how many corrections in its current life.
     */
    public record Takeover(int nodeId, long epoch, long atNanos, long correctionsThisLife, long clockOffsetNanos) {
    }

    private record Envelope(int from, int to, long epoch, Message message, int toIncarnation) {
    }

    private static final int TICK = 0;
    private static final int DELIVER = 1;

    /** A tick of {@code nodeId}'s life {@code incarnation}, or a frame arriving (then {@code envelope} is set). */
    private record Event(int kind, int nodeId, int incarnation, Envelope envelope) {
    }

    private static final class OpenElection {
        final long startNanos;
        final boolean bySuspicion;
        final int firstSuspectorId;
        long messages;

        OpenElection(long startNanos, boolean bySuspicion, int firstSuspectorId) {
            this.startNanos = startNanos;
            this.bySuspicion = bySuspicion;
            this.firstSuspectorId = firstSuspectorId;
        }
    }

    private final long seed;
    private final int n;
    private final int masterId;
    private final ClusterConfig[] configs;
    private final long settleBoundNanos;
    /** K of a ring:K topology, or n - 1 for all-to-all (every node watches every other). */
    private final int watchersPerNode;
    private final SplittableRandom network;
    private final SplittableRandom phases;
    private final EventQueue<Event> queue = new EventQueue<>(MAX_QUEUED_EVENTS);

    private final ClusterMembership[] nodes;
    private final int[] incarnation;
    private final boolean[] crashed;
    private final boolean[] paused;
    private final List<ArrayDeque<Envelope>> held = new ArrayList<>();
    private final boolean[] blocked;
    private final long[] linkLastDeliveryNanos;
    private final int[] component;
    /** Each node's role, coordinator and epoch when last looked at: agreement is recomputed only on a change. */
    private final ClusterRole[] lastRole;
    private final int[] lastCoordinator;
    private final long[] lastEpoch;
    /** The sides of the last partition, for {@link #minoritySide}; empty once healed. */
    private List<Integer> partitionSideA = List.of();
    private List<Integer> partitionSideB = List.of();

    private long nowNanos = START_NANOS;
    private long step;

    // invariant 1
    private final TreeMap<Long, Integer> coordinatorByEpoch = new TreeMap<>();
    private final TreeSet<Long> conflictingEpochs = new TreeSet<>();
    // invariant 2
    private long lastFaultNanos = START_NANOS;
    private boolean topologyDirty = true;
    private boolean stateDirty = true;
    private boolean agreed;
    private long agreedSinceNanos = -1;
    private boolean settleViolationFlagged;
    private long maxSettledAgreementNanos = -1;
    private long lastWindowAgreementNanos = -1;
    private String disagreement = "";

    private final List<Violation> violations = new ArrayList<>();
    private long violationCount;

    // elections
    private OpenElection open;
    private final List<Election> elections = new ArrayList<>();
    private long electionCount;
    private long eventElectionMessages;
    private int eventSuspectorId;

    // counters
    private final long[] sentByType = new long[MessageType.values().length];
    private long messagesSent;
    private long messagesLost;
    private long messagesDelivered;
    private long eventsProcessed;
    private long faults;
    // corrections (off while roundPeriodNanos is 0)
    private long roundPeriodNanos;
    private final long[] clockOffsetNanos;
    private final long[] lastRoundNanos;
    private final long[] correctionsThisLife;
    private long roundsStarted;
    private long correctionsApplied;
    private long correctionsIgnored;
    private final List<Takeover> takeovers = new ArrayList<>();
    private final List<String> faultLog = new ArrayList<>();
    private boolean tracing;
    private final List<String> trace = new ArrayList<>();

    /**
     * @param config           every node's configuration, unless {@code overrides} has one for it
     * @param nodeCount        nodes 1..nodeCount
     * @param masterId         the configured master: it starts as COORDINATOR of the initial epoch, the others
     *                         learn it as a daemon does from its WELCOME, and it restarts as configured master
     * @param settleBoundNanos invariant 2 applies once no fault happened for this long
     */
    public ClusterSimulator(ClusterConfig config, int nodeCount, int masterId, long seed, long settleBoundNanos,
            Map<Integer, ClusterConfig> overrides) {
        Objects.requireNonNull(config, "config");
        if (nodeCount < 2 || nodeCount > MAX_NODES) {
            throw new IllegalArgumentException("node count must be in 2.." + MAX_NODES + ", got " + nodeCount);
        }
        if (masterId < 1 || masterId > nodeCount) {
            throw new IllegalArgumentException("master id must be in 1.." + nodeCount + ", got " + masterId);
        }
        if (settleBoundNanos <= 0 || settleBoundNanos > MAX_RUN_NANOS) {
            throw new IllegalArgumentException("settle bound must be in 1.." + MAX_RUN_NANOS + " ns");
        }
        this.seed = seed;
        this.n = nodeCount;
        this.masterId = masterId;
        this.settleBoundNanos = settleBoundNanos;
        this.watchersPerNode = config.topology() instanceof HeartbeatTopology.Ring ring
                ? Math.min(ring.k(), n - 1) : n - 1;
        SplittableRandom root = new SplittableRandom(seed);
        this.network = root.split();
        this.phases = root.split();
        this.configs = new ClusterConfig[n + 1];
        this.nodes = new ClusterMembership[n + 1];
        this.incarnation = new int[n + 1];
        this.crashed = new boolean[n + 1];
        this.paused = new boolean[n + 1];
        this.blocked = new boolean[(n + 1) * (n + 1)];
        this.linkLastDeliveryNanos = new long[(n + 1) * (n + 1)];
        this.component = new int[n + 1];
        this.lastRole = new ClusterRole[n + 1];
        this.lastCoordinator = new int[n + 1];
        this.lastEpoch = new long[n + 1];
        this.clockOffsetNanos = new long[n + 1];
        this.lastRoundNanos = new long[n + 1];
        this.correctionsThisLife = new long[n + 1];
        held.add(null);
        for (int id = 1; id <= n; id++) {
            configs[id] = overrides.getOrDefault(id, config);
            held.add(new ArrayDeque<>());
        }
        for (int id = 1; id <= n; id++) {
            nodes[id] = newNode(id);
            noteRole(id);
            scheduleFirstTick(id);
        }
        for (int id = 1; id <= n; id++) {
            if (id != masterId) {
                call(id, nodes[id].coordinatorId(), nodes[id].onCoordinatorKnown(masterId, nowNanos));
            }
        }
        afterEvent();
    }

    /**
     * The settle bound of invariant 2 for this configuration: the time until every node that must elect has a reason
     * to, plus the election's own timeouts, plus three heartbeat periods of margin (a heartbeat carrying the new epoch,
     * the last announcement's delay, a tick). A reason to elect comes by the worst-case detection with a failure
     * notice for a node whose coordinator died or was cut off, or by the discovery timeout for a node restarted where
     * no reachable peer can name a coordinator (alone in a partition, or among restarted nodes only). Bully: the
     * highest live node then wins after at most one answer timeout, or one coordinator timeout plus one answer timeout
     * if it was waiting for a higher node that died, and its announcement reaches everyone in one delay. Ring: an
     * election launched before every dead node is suspected may be lost and is launched again one timeout later; one
     * launched after that completes, announcement included, within one timeout.
     */
    public static long settleBoundNanos(ClusterConfig config, int nodeCount) {
        return Math.max(noticeDetectionNanos(config, nodeCount), config.discoveryTimeoutNanos())
                + electionBoundNanos(config, nodeCount) + 3 * config.heartbeatPeriodNanos();
    }

    /** The worst time from a crash to its suspicion at every live node, failure notice included. */
    public static long noticeDetectionNanos(ClusterConfig config, int nodeCount) {
        List<Integer> peers = new ArrayList<>();
        for (int id = 2; id <= nodeCount; id++) {
            peers.add(id);
        }
        FailureDetector probe = new FailureDetector(1, peers, config, 0);
        long detectionNanos = 0;
        for (int id : peers) {
            detectionNanos = Math.max(detectionNanos, probe.worstCaseNoticeDetectionNanos(id));
        }
        return detectionNanos;
    }

    /** Bully: answer timeout + coordinator timeout; Ring: two ring timeouts (see {@link #settleBoundNanos}). */
    public static long electionBoundNanos(ClusterConfig config, int nodeCount) {
        long maxDelayNanos = maxDelayNanos(config, nodeCount);
        if (config.election() == ElectionAlgorithm.BULLY) {
            long answer = ElectionTimeouts.bullyAnswerNanos(config, maxDelayNanos);
            return answer + ElectionTimeouts.bullyCoordinatorNanos(config, answer);
        }
        return 2 * ElectionTimeouts.ringNanos(config, nodeCount, maxDelayNanos);
    }

    static long maxDelayNanos(ClusterConfig config, int nodeCount) {
        long maxDelayNanos = config.defaultBounds().maxNanos();
        for (int id = 1; id <= nodeCount; id++) {
            maxDelayNanos = Math.max(maxDelayNanos, config.bounds(id).maxNanos());
        }
        return maxDelayNanos;
    }

    private ClusterMembership newNode(int id) {
        List<Integer> peers = new ArrayList<>(n - 1);
        for (int p = 1; p <= n; p++) {
            if (p != id) {
                peers.add(p);
            }
        }
        return new ClusterMembership(id, peers, configs[id], id == masterId, nowNanos);
    }

    private void scheduleFirstTick(int id) {
        schedule(nowNanos + phases.nextLong(configs[id].tickNanos()), TICK, id, incarnation[id], null);
    }

    private void schedule(long atNanos, int kind, int nodeId, int inc, Envelope envelope) {
        if (!queue.offer(atNanos, new Event(kind, nodeId, inc, envelope))) {
            messagesLost++;
            violation("event queue full (" + MAX_QUEUED_EVENTS + "): a message storm; event dropped");
        }
    }

    // ---------------------------------------------------------------------------------------------------- faults

    /**
     * The node stops: it does not tick or send, and nothing reaches it any more (what is in flight to it is lost);
     * what it sent before the crash is on the wire and still arrives.
     */
    public void crash(int id) {
        requireNode(id);
        if (crashed[id]) {
            throw new IllegalStateException("node " + id + " is already down");
        }
        crashed[id] = true;
        paused[id] = false;
        held.get(id).clear();
        fault("crash " + id);
    }

    /** A fresh instance of the node starts now, as its daemon would (configured master if it was the master). */
    public void restart(int id) {
        restart(id, clockOffsetNanos[id]);
    }

    /**
     * A fresh instance of the node starts now with its clock {@code clockOffsetNanos} off the true time (a host whose
     * clock ran free while it was down).
     */
    public void restart(int id, long clockOffsetNanos) {
        requireNode(id);
        this.clockOffsetNanos[id] = clockOffsetNanos;
        correctionsThisLife[id] = 0;
        lastRoundNanos[id] = nowNanos;
        crashed[id] = false;
        paused[id] = false;
        held.get(id).clear();
        incarnation[id]++;
        nodes[id] = newNode(id);
        if (roundPeriodNanos > 0) {
            call(id, nodes[id].coordinatorId(), nodes[id].setReadyToLead(false, nowNanos));
        }
        noteRole(id);
        scheduleFirstTick(id);
        fault("restart " + id + (clockOffsetNanos == 0 ? "" : " with clock off by " + clockOffsetNanos / 1_000_000
                + " ms"));
    }

    /** Messages between a node of {@code sideA} and one of {@code sideB} are dropped, in flight too, until healed. */
    public void partition(Set<Integer> sideA, Set<Integer> sideB) {
        if (sideA.isEmpty() || sideB.isEmpty()) {
            throw new IllegalArgumentException("both sides of a partition need a node");
        }
        for (int a : sideA) {
            requireNode(a);
            if (sideB.contains(a)) {
                throw new IllegalArgumentException("node " + a + " is on both sides of the partition");
            }
            for (int b : sideB) {
                requireNode(b);
                blocked[a * (n + 1) + b] = true;
                blocked[b * (n + 1) + a] = true;
            }
        }
        partitionSideA = List.copyOf(new TreeSet<>(sideA));
        partitionSideB = List.copyOf(new TreeSet<>(sideB));
        fault("partition " + partitionSideA + " | " + partitionSideB);
    }

    /** Every partition ends. */
    public void heal() {
        Arrays.fill(blocked, false);
        partitionSideA = List.of();
        partitionSideB = List.of();
        fault("heal");
    }

    /** The node freezes like a SIGSTOPped process: no ticks, and frames to it are held until {@link #resume}. */
    public void pause(int id) {
        requireNode(id);
        if (crashed[id] || paused[id]) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        paused[id] = true;
        fault("pause " + id);
    }

    /** The node runs again: what was held is delivered in order, then it ticks at the current time. */
    public void resume(int id) {
        requireNode(id);
        if (!paused[id]) {
            throw new IllegalStateException("node " + id + " is not paused");
        }
        paused[id] = false;
        ArrayDeque<Envelope> frames = held.get(id);
        while (!frames.isEmpty()) {
            deliverNow(frames.pollFirst());
        }
        call(id, nodes[id].coordinatorId(), nodes[id].tick(nowNanos));
        fault("resume " + id);
    }

    private void fault(String what) {
        faults++;
        trace(0, "FAULT " + what);
        if (faultLog.size() < MAX_FAULT_LOG) {
            faultLog.add("t=" + (nowNanos - START_NANOS) / 1_000_000 + "ms " + what);
        }
        closeWindow();
        lastFaultNanos = nowNanos;
        settleViolationFlagged = false;
        topologyDirty = true;
        stateDirty = true;
        step++;
        afterEvent();
    }

    /** A stable window ends (a fault, or the caller is done): remembers how long agreement took in it. */
    private void closeWindow() {
        if (nowNanos - lastFaultNanos >= settleBoundNanos || agreed) {
            lastWindowAgreementNanos = agreed ? Math.max(0, agreedSinceNanos - lastFaultNanos) : -1;
            if (agreed) {
                maxSettledAgreementNanos = Math.max(maxSettledAgreementNanos, lastWindowAgreementNanos);
            }
        }
    }

    private void requireNode(int id) {
        if (id < 1 || id > n) {
            throw new IllegalArgumentException("no node " + id + ": ids are 1.." + n);
        }
    }

    // ------------------------------------------------------------------------------------------------------ run

    /** Processes every event up to and including {@code hostNanos}, then sets the time to it. */
    public void runUntil(long hostNanos) {
        runUntil(hostNanos, Long.MAX_VALUE);
    }

    public void runFor(long nanos) {
        checkRunLength(nanos);
        runUntil(nowNanos + nanos);
    }

    /**
     * Runs until every checked group has agreed for {@code holdNanos} without a break, or until {@code maxNanos}
     * passed; true in the first case.
     */
    public boolean runUntilAgreedFor(long holdNanos, long maxNanos) {
        checkRunLength(maxNanos);
        long deadline = nowNanos + maxNanos;
        runUntil(deadline, holdNanos);
        return agreed && nowNanos - agreedSinceNanos >= holdNanos;
    }

    private void runUntil(long deadlineNanos, long stopAfterAgreedNanos) {
        long processed = 0;
        while (!queue.isEmpty() && queue.nextTimeNanos() <= deadlineNanos) {
            if (agreed && nowNanos - agreedSinceNanos >= stopAfterAgreedNanos) {
                return;
            }
            if (++processed > MAX_EVENTS_PER_RUN) {
                throw new IllegalStateException("over " + MAX_EVENTS_PER_RUN + " events in one run");
            }
            nowNanos = queue.nextTimeNanos();
            Event event = queue.poll();
            step++;
            eventsProcessed++;
            if (event.kind() == TICK) {
                onTickEvent(event);
            } else {
                onDeliverEvent(event.envelope());
            }
            afterEvent();
        }
        if (!(agreed && nowNanos - agreedSinceNanos >= stopAfterAgreedNanos)) {
            nowNanos = Math.max(nowNanos, deadlineNanos);
            afterEvent();
        }
    }

    private void checkRunLength(long nanos) {
        if (nanos < 0 || nanos > MAX_RUN_NANOS) {
            throw new IllegalArgumentException("run length must be in 0.." + MAX_RUN_NANOS + " ns, got " + nanos);
        }
    }

    private void onTickEvent(Event event) {
        int id = event.nodeId();
        if (crashed[id] || incarnation[id] != event.incarnation()) {
            return; // that life of the node is over: its timer chain ends
        }
        schedule(nowNanos + configs[id].tickNanos(), TICK, id, event.incarnation(), null);
        if (!paused[id]) {
            call(id, nodes[id].coordinatorId(), nodes[id].tick(nowNanos));
            correctIfRoundDue(id);
        }
    }

    private void onDeliverEvent(Envelope e) {
        // What a crashed sender sent before it stopped is on the wire and still arrives, as with TCP (the detector's
        // model counts on its last heartbeat arriving); a receiver that crashed, or restarted since (a new
        // connection), loses it, and so does a frame crossing a partition.
        if (crashed[e.to()] || incarnation[e.to()] != e.toIncarnation() || blocked[e.from() * (n + 1) + e.to()]) {
            messagesLost++;
            return;
        }
        if (paused[e.to()]) {
            ArrayDeque<Envelope> frames = held.get(e.to());
            if (frames.size() >= MAX_HELD_PER_NODE) {
                messagesLost++;
            } else {
                frames.addLast(e); // in the paused process's socket buffer
            }
            return;
        }
        deliverNow(e);
    }

    private void deliverNow(Envelope e) {
        messagesDelivered++;
        if (tracing && !(e.message() instanceof Message.Heartbeat)) {
            trace(e.to(), "gets " + e.message() + " from " + e.from() + " in epoch " + e.epoch());
        }
        ClusterMembership node = nodes[e.to()];
        EpochVerdict verdict = node.onFrame(e.from(), e.epoch(), nowNanos);
        call(e.to(), node.coordinatorId(), verdict.actions());
        if (!verdict.accepted()) {
            return;
        }
        if (e.message() instanceof Message.BerkeleyAdjust adjust) {
            applyCorrection(e.to(), e.from(), adjust.correctionNanos());
        } else {
            call(e.to(), node.coordinatorId(), node.onMessage(e.from(), e.epoch(), e.message(), nowNanos));
        }
    }

    /**
     * Executes what one call into node {@code id} returned, as the daemon does: sends stamped with the node's epoch
     * after the call. {@code coordinatorBefore} is the coordinator the node followed when the call began.
     */
    private void call(int id, int coordinatorBefore, List<Action> actions) {
        ClusterMembership node = nodes[id];
        long epoch = node.epoch();
        for (Action action : actions) {
            if (action instanceof Send send) {
                transmit(id, send.toNodeId(), epoch, send.message());
            } else if (action instanceof RoleChanged change) {
                trace(id, "role " + change.role() + " of " + change.coordinatorId() + " epoch " + change.epoch() + ": "
                        + change.reason());
                if (change.role() == ClusterRole.COORDINATOR) {
                    noteCoordinator(change.epoch(), id);
                    noteTakeover(id, change.epoch());
                }
            } else if (action instanceof PeerSuspected suspected) {
                trace(id, "suspects " + suspected.peerId() + (suspected.byNotice() ? " by notice" : " by timeout"));
                if (coordinatorBefore != 0 && suspected.peerId() == coordinatorBefore && eventSuspectorId == 0) {
                    eventSuspectorId = id;
                }
            } else if (action instanceof PeerRecovered recovered) {
                trace(id, "recovers " + recovered.peerId());
            }
        }
        noteRole(id);
    }

    private void noteRole(int id) {
        ClusterMembership node = nodes[id];
        ClusterRole role = node.role();
        if (role == ClusterRole.COORDINATOR) {
            noteCoordinator(node.epoch(), id);
        }
        if (role != lastRole[id] || node.coordinatorId() != lastCoordinator[id] || node.epoch() != lastEpoch[id]) {
            lastRole[id] = role;
            lastCoordinator[id] = node.coordinatorId();
            lastEpoch[id] = node.epoch();
            stateDirty = true;
        }
    }

    private void noteCoordinator(long epoch, int id) {
        if (coordinatorByEpoch.size() >= MAX_EPOCHS_TRACKED && !coordinatorByEpoch.containsKey(epoch)) {
            if (coordinatorByEpoch.size() == MAX_EPOCHS_TRACKED) {
                coordinatorByEpoch.put(Long.MIN_VALUE, 0); // marks the overflow, reported once
                violation("more than " + MAX_EPOCHS_TRACKED + " epochs with a coordinator: an election storm");
            }
            return;
        }
        Integer previous = coordinatorByEpoch.putIfAbsent(epoch, id);
        if (previous != null && previous != id && conflictingEpochs.add(epoch)) {
            violation("nodes " + previous + " and " + id + " both acted as COORDINATOR in epoch " + epoch);
        }
    }

    private void transmit(int from, int to, long epoch, Message message) {
        if (to < 1 || to > n || to == from) {
            violation("node " + from + " sent " + message.type() + " to node " + to + ", which is not a peer");
            return;
        }
        messagesSent++;
        sentByType[message.type().ordinal()]++;
        if (isElectionMessage(message.type())) {
            eventElectionMessages++;
        }
        if (crashed[to] || blocked[from * (n + 1) + to]) {
            messagesLost++;
            return;
        }
        DelayBounds bounds = configs[to].bounds(from);
        long spread = bounds.maxNanos() - bounds.minNanos();
        long delay = bounds.minNanos() + (spread == 0 ? 0 : network.nextLong(spread + 1));
        int link = from * (n + 1) + to;
        long at = Math.max(nowNanos + delay, linkLastDeliveryNanos[link]);
        linkLastDeliveryNanos[link] = at;
        schedule(at, DELIVER, to, 0, new Envelope(from, to, epoch, message, incarnation[to]));
    }

    // ----------------------------------------------------------------------------------------------- corrections

    /**
     * From now on every COORDINATOR corrects its followers every {@code roundPeriodNanos} (see the class comment), and
     * every node counts as just started: not ready to lead until corrected, as a daemon at start.
     */
    public void enableCorrections(long roundPeriodNanos) {
        if (roundPeriodNanos < MIN_ROUND_PERIOD_NANOS || roundPeriodNanos > MAX_ROUND_PERIOD_NANOS) {
            throw new IllegalArgumentException("round period must be in " + MIN_ROUND_PERIOD_NANOS + ".."
                    + MAX_ROUND_PERIOD_NANOS + " ns, got " + roundPeriodNanos);
        }
        this.roundPeriodNanos = roundPeriodNanos;
        for (int id = 1; id <= n; id++) {
            lastRoundNanos[id] = nowNanos;
            if (!crashed[id]) {
                call(id, nodes[id].coordinatorId(), nodes[id].setReadyToLead(false, nowNanos));
            }
        }
        afterEvent();
    }

    private void correctIfRoundDue(int id) {
        ClusterMembership node = nodes[id];
        if (roundPeriodNanos == 0 || node.role() != ClusterRole.COORDINATOR
                || nowNanos - lastRoundNanos[id] < roundPeriodNanos) {
            return;
        }
        lastRoundNanos[id] = nowNanos;
        roundsStarted++;
        for (int p = 1; p <= n; p++) {
            // The coordinator's members are the nodes that joined it, i.e. follow it; the others it does not know of.
            if (p != id && nodes[p].role() == ClusterRole.FOLLOWER && nodes[p].coordinatorId() == id) {
                long correctionNanos = clockOffsetNanos[id] - clockOffsetNanos[p];
                transmit(id, p, node.epoch(), new Message.BerkeleyAdjust(roundsStarted, roundsStarted,
                        correctionNanos));
            }
        }
    }

    private void applyCorrection(int id, int fromId, long correctionNanos) {
        ClusterMembership node = nodes[id];
        if (node.role() != ClusterRole.FOLLOWER || node.coordinatorId() != fromId) {
            correctionsIgnored++; // a round of a master this node no longer follows, as a slave drops it
            return;
        }
        clockOffsetNanos[id] += correctionNanos;
        correctionsThisLife[id]++;
        correctionsApplied++;
        trace(id, "corrected by " + correctionNanos / 1_000 + " us from " + fromId);
        call(id, node.coordinatorId(), node.onCorrectionApplied(nowNanos));
    }

    private void noteTakeover(int id, long epoch) {
        if (takeovers.size() < MAX_TAKEOVERS_KEPT) {
            takeovers.add(new Takeover(id, epoch, nowNanos - START_NANOS, correctionsThisLife[id],
                    clockOffsetNanos[id]));
        }
    }

    /** How far node {@code id}'s clock is off the true time: set at restart, changed by corrections. */
    public long clockOffsetNanos(int id) {
        requireNode(id);
        return clockOffsetNanos[id];
    }

    /** Corrections node {@code id} applied since it last (re)started. */
    public long correctionsThisLife(int id) {
        requireNode(id);
        return correctionsThisLife[id];
    }

    public long correctionsApplied() {
        return correctionsApplied;
    }

    /** Corrections that arrived at a node no longer following their sender, and were dropped. */
    public long correctionsIgnored() {
        return correctionsIgnored;
    }

    /** Elections won, oldest first, at most the first {@value #MAX_TAKEOVERS_KEPT}. */
    public List<Takeover> takeovers() {
        return Collections.unmodifiableList(takeovers);
    }

    /** Records role changes, suspicions and faults from now on (for replaying one seed), at most 100,000 lines. */
    public void enableTrace() {
        tracing = true;
    }

    public List<String> trace() {
        return Collections.unmodifiableList(trace);
    }

    private void trace(int id, String what) {
        if (tracing && trace.size() < MAX_TRACE_LINES) {
            trace.add("t=" + (nowNanos - START_NANOS) / 1_000 / 1000.0 + "ms " + (id == 0 ? "" : "node " + id + " ")
                    + what);
        }
    }

    public static boolean isElectionMessage(MessageType type) {
        return switch (type) {
            case BULLY_ELECTION, BULLY_ANSWER, BULLY_COORDINATOR, RING_ELECTION, RING_COORDINATOR -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------------------------------------ invariants

    private void afterEvent() {
        boolean wasAgreed = agreed;
        if (stateDirty || topologyDirty) {
            agreed = computeAgreement();
            stateDirty = false;
        }
        if (agreed && !wasAgreed) {
            agreedSinceNanos = nowNanos;
        } else if (!agreed) {
            agreedSinceNanos = -1;
        }
        trackElections(wasAgreed);
        if (!agreed && !settleViolationFlagged && nowNanos - lastFaultNanos >= settleBoundNanos) {
            settleViolationFlagged = true;
            violation("no agreement " + settleBoundNanos / 1_000_000 + " ms after the last fault ("
                    + lastFaultDescription() + "): " + disagreement);
        }
        eventElectionMessages = 0;
        eventSuspectorId = 0;
    }

    private String lastFaultDescription() {
        return faultLog.isEmpty() ? "start" : faultLog.get(faultLog.size() - 1);
    }

    private void trackElections(boolean wasAgreed) {
        if (open == null) {
            boolean suspicion = eventSuspectorId != 0;
            if (suspicion || (eventElectionMessages > 0 && !(wasAgreed && agreed))) {
                open = new OpenElection(nowNanos - START_NANOS, suspicion, eventSuspectorId);
            } else if (eventElectionMessages > 0 && !elections.isEmpty()) {
                Election last = elections.get(elections.size() - 1);
                elections.set(elections.size() - 1, new Election(last.startNanos(), last.endNanos(),
                        last.byCoordinatorSuspicion(), last.messages() + eventElectionMessages,
                        last.firstSuspectorId()));
            }
        }
        if (open != null) {
            open.messages += eventElectionMessages;
            if (agreed) {
                closeElection(nowNanos - START_NANOS);
            }
        }
    }

    private void closeElection(long endNanos) {
        electionCount++;
        Election e = new Election(open.startNanos, endNanos, open.bySuspicion, open.messages, open.firstSuspectorId);
        if (elections.size() < MAX_ELECTIONS_KEPT) {
            elections.add(e);
        }
        open = null;
    }

    private void computeComponents() {
        Arrays.fill(component, 0);
        int label = 0;
        int[] stack = new int[n];
        for (int id = 1; id <= n; id++) {
            if (!live(id) || component[id] != 0) {
                continue;
            }
            label++;
            int top = 0;
            stack[top++] = id;
            component[id] = label;
            while (top > 0) {
                int a = stack[--top];
                for (int b = 1; b <= n; b++) {
                    if (component[b] == 0 && live(b) && !blocked[a * (n + 1) + b]) {
                        component[b] = label;
                        stack[top++] = b;
                    }
                }
            }
        }
        topologyDirty = false;
    }

    private boolean live(int id) {
        return !crashed[id] && !paused[id];
    }

    /** Whether every checked group agrees now; sets {@link #disagreement} to why not. */
    private boolean computeAgreement() {
        if (topologyDirty) {
            computeComponents();
        }
        int[] size = new int[n + 1];
        for (int id = 1; id <= n; id++) {
            size[component[id]]++;
        }
        int[] coordinatorOf = new int[n + 1];
        long[] epochOf = new long[n + 1];
        boolean[] seen = new boolean[n + 1];
        for (int id = 1; id <= n; id++) {
            int c = component[id];
            if (c == 0 || !checked(c, size)) {
                continue;
            }
            ClusterMembership node = nodes[id];
            if (!seen[c]) {
                seen[c] = true;
                coordinatorOf[c] = node.coordinatorId();
                epochOf[c] = node.epoch();
                if (!mutuallyConnected(c)) {
                    disagreement = "group of node " + id + " is not mutually connected";
                    return false;
                }
            }
            int coordinator = coordinatorOf[c];
            if (coordinator == 0 || node.coordinatorId() != coordinator || node.epoch() != epochOf[c]) {
                disagreement = "node " + id + " (" + node.role() + " of " + node.coordinatorId() + ", epoch "
                        + node.epoch() + ") vs node of its group following " + coordinator + " in epoch " + epochOf[c];
                return false;
            }
            if (coordinator < 1 || coordinator > n || component[coordinator] != c) {
                disagreement = "node " + id + " follows " + coordinator + ", which is down or cut off";
                return false;
            }
            ClusterRole expected = id == coordinator ? ClusterRole.COORDINATOR : ClusterRole.FOLLOWER;
            if (node.role() != expected) {
                disagreement = "node " + id + " is " + node.role() + " in epoch " + node.epoch() + ", expected "
                        + expected + " of " + coordinator;
                return false;
            }
        }
        disagreement = "";
        return true;
    }

    /** Whether invariant 2 applies to the group: with ring:K, at most K nodes may be unreachable from it. */
    private boolean checked(int label, int[] size) {
        return n - size[label] <= watchersPerNode;
    }

    private boolean mutuallyConnected(int label) {
        for (int a = 1; a <= n; a++) {
            if (component[a] != label) {
                continue;
            }
            for (int b = a + 1; b <= n; b++) {
                if (component[b] == label && blocked[a * (n + 1) + b]) {
                    return false;
                }
            }
        }
        return true;
    }

    private void violation(String description) {
        violationCount++;
        if (violations.size() < MAX_VIOLATIONS_KEPT) {
            violations.add(new Violation(seed, step, nowNanos - START_NANOS, description));
        }
    }

    /** Ends the run's bookkeeping: the last stable window and an election still open are recorded. */
    public void finish() {
        closeWindow();
        if (open != null) {
            electionCount++;
            if (elections.size() < MAX_ELECTIONS_KEPT) {
                elections.add(new Election(open.startNanos, -1, open.bySuspicion, open.messages,
                        open.firstSuspectorId));
            }
            open = null;
        }
    }

    // ------------------------------------------------------------------------------------------------- queries

    public long nowNanos() {
        return nowNanos;
    }

    public int nodeCount() {
        return n;
    }

    public long settleBoundNanos() {
        return settleBoundNanos;
    }

    public ClusterMembership node(int id) {
        requireNode(id);
        return nodes[id];
    }

    public boolean isCrashed(int id) {
        requireNode(id);
        return crashed[id];
    }

    public boolean isPaused(int id) {
        requireNode(id);
        return paused[id];
    }

    public boolean partitioned() {
        for (boolean b : blocked) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /** The smaller side of the last partition (the first on a tie); empty when healed. */
    public List<Integer> minoritySide() {
        return partitionSideB.size() < partitionSideA.size() ? partitionSideB : partitionSideA;
    }

    /** Since when every checked group has agreed without a break (host time); -1 while they do not. */
    public long agreedSinceNanos() {
        return agreedSinceNanos;
    }

    /** The live COORDINATOR with the highest epoch, or 0 if no running node is COORDINATOR. */
    public int currentCoordinator() {
        int best = 0;
        for (int id = 1; id <= n; id++) {
            if (live(id) && nodes[id].role() == ClusterRole.COORDINATOR
                    && (best == 0 || nodes[id].epoch() > nodes[best].epoch())) {
                best = id;
            }
        }
        return best;
    }

    /** Whether every checked group of live, mutually connected nodes agrees now (invariant 2's condition). */
    public boolean agreed() {
        return agreed;
    }

    /** Why the nodes do not agree; empty when they do. */
    public String disagreement() {
        return disagreement;
    }

    public long lastFaultNanos() {
        return lastFaultNanos;
    }

    /** Time from the last fault to agreement in the last stable window closed; -1 if it did not agree. */
    public long lastWindowAgreementNanos() {
        return lastWindowAgreementNanos;
    }

    /** The longest time from a fault to agreement over the windows that reached agreement; -1 if none. */
    public long maxSettledAgreementNanos() {
        return maxSettledAgreementNanos;
    }

    public List<Violation> violations() {
        return Collections.unmodifiableList(violations);
    }

    public long violationCount() {
        return violationCount;
    }

    /** Closed elections (and, after {@link #finish}, one never closed), oldest first, at most the first 4,096. */
    public List<Election> elections() {
        return Collections.unmodifiableList(elections);
    }

    public long electionCount() {
        return electionCount;
    }

    public long sent(MessageType type) {
        return sentByType[type.ordinal()];
    }

    public long electionMessagesSent() {
        long total = 0;
        for (MessageType type : MessageType.values()) {
            if (isElectionMessage(type)) {
                total += sentByType[type.ordinal()];
            }
        }
        return total;
    }

    public long messagesSent() {
        return messagesSent;
    }

    public long messagesDelivered() {
        return messagesDelivered;
    }

    public long messagesLost() {
        return messagesLost;
    }

    public long eventsProcessed() {
        return eventsProcessed;
    }

    public long faults() {
        return faults;
    }

    /** The faults applied, with their times since the start; the first 256. */
    public List<String> faultLog() {
        return Collections.unmodifiableList(faultLog);
    }

    /** One line per node: role, coordinator, epoch, and whether it is down, paused. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= n; id++) {
            ClusterMembership m = nodes[id];
            sb.append(id).append(crashed[id] ? " (down)" : paused[id] ? " (paused)" : "").append(": ")
                    .append(m.role()).append(" of ").append(m.coordinatorId()).append(" epoch ").append(m.epoch())
                    .append(" group ").append(component[id]).append('\n');
        }
        return sb.toString();
    }
}
