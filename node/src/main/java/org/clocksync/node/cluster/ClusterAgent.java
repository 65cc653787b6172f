package org.clocksync.node.cluster;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.clocksync.core.Action;
import org.clocksync.core.Durations;
import org.clocksync.core.PeerRecovered;
import org.clocksync.core.PeerSuspected;
import org.clocksync.core.Send;
import org.clocksync.core.cluster.ClusterConfig;
import org.clocksync.core.cluster.ClusterMembership;
import org.clocksync.core.cluster.ElectionRecord;
import org.clocksync.core.cluster.EpochVerdict;
import org.clocksync.core.cluster.Epochs;
import org.clocksync.core.cluster.PeerView;
import org.clocksync.core.cluster.RoleChanged;
import org.clocksync.core.snapshot.LocalState;
import org.clocksync.core.snapshot.SnapshotAction;
import org.clocksync.core.snapshot.SnapshotConfig;
import org.clocksync.core.snapshot.SnapshotNode;
import org.clocksync.node.config.PeerSpec;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.metrics.DaemonMetrics;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.role.RoleKind;
import org.clocksync.node.role.SlaveRole;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the core's {@link ClusterMembership} (heartbeats, failure detection, elections, epochs) to the node: ticks
 * it, gates every frame by epoch, sends what it decides over {@link PeerLinks}, and switches the node's role when an
 * election makes it master or names another coordinator. Touched only on the node's event loop.
 */
public final class ClusterAgent {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAgent.class);
    private static final AttributeKey<Integer> PEER_ID = AttributeKey.valueOf("clocksync.peerId");
    /** Time for the members to hear of a new master and connect before its first round. */
    static final long FIRST_ROUND_DELAY_MILLIS = 100;

    private final NodeContext ctx;
    private final ProtocolChannels channels;
    private final RoleSwitcher roles;
    private final ElectedRoles electedRoles;
    private final ClusterConfig config;
    private final boolean configuredMaster;
    private final Map<Integer, HostPort> peerAddresses = new TreeMap<>();
    private final RateLimitedLog staleLog = new RateLimitedLog(LOG, 5_000_000_000L);
    private final Counter staleFrames;
    private final Counter strangerFrames;
    private final Counter suspicions;
    private final Counter roleChanges;
    private final Counter electionsWon;
    private ClusterMembership membership;
    private PeerLinks links;
    /** Chandy-Lamport over the peer links (FIFO: one TCP connection per direction and pair). */
    private SnapshotNode snapshots;
    /** Snapshots this node initiated, by id, until they complete or fail; at most SnapshotNode.MAX_INITIATED. */
    private final Map<Long, CompletableFuture<SnapshotOutcome>> pendingSnapshots = new HashMap<>();
    private ScheduledFuture<?> ticker;
    private long lastSuspectHostNanos;
    private long lastRoleChangeHostNanos;

    /**
     * @param channels builds the pipelines of the links to the peers
     * @param roles the node's current role and how to replace it
     * @param electedRoles makes the role an election hands this node
     * @param configuredMaster whether this node starts as the master of the initial epoch
     */
    public ClusterAgent(NodeContext ctx, ProtocolChannels channels, RoleSwitcher roles, ElectedRoles electedRoles,
            boolean configuredMaster) {
        this.ctx = ctx;
        this.channels = channels;
        this.roles = roles;
        this.electedRoles = electedRoles;
        this.config = ctx.options.clusterConfig();
        this.configuredMaster = configuredMaster;
        for (PeerSpec p : ctx.options.peers) {
            peerAddresses.put(p.id(), p.address());
        }
        DaemonMetrics m = ctx.metrics;
        staleFrames = m.counter("clocksync.frames.stale.epoch", "Frames dropped because they carried an older epoch");
        strangerFrames = m.counter("clocksync.frames.epoch.refused",
                "Frames dropped because their epoch came from a node outside --peers or named an unknown master");
        suspicions = m.counter("clocksync.peers.suspected", "Times a peer was suspected crashed");
        roleChanges = m.counter("clocksync.role.changes", "Times this node's role changed (elections, step-downs)");
        m.gauge("clocksync.epoch", "The epoch this node is in", () -> membership == null ? 0 : membership.epoch());
        electionsWon = m.counter("clocksync.elections.won", "Elections that made this node the coordinator");
        // Counts kept by the core's membership, read on scrape: counters (..._total), not gauges.
        m.functionCounter("clocksync.elections.started", "Elections this node started or joined",
                () -> membership == null ? 0 : membership.electionsStarted());
        m.functionCounter("clocksync.election.messages.sent", "Bully and Ring messages this node sent",
                () -> membership == null ? 0 : membership.electionMessagesSent());
        m.functionCounter("clocksync.heartbeats.sent", "Heartbeats this node sent to its watchers",
                () -> membership == null ? 0 : membership.detector().heartbeatsSent());
        m.functionCounter("clocksync.heartbeats.missed", "Heartbeat periods in which a watched peer was silent",
                () -> membership == null ? 0 : membership.detector().heartbeatsMissed());
    }

    public void start() {
        long nowNanos = HostClock.nowNanos();
        // Seeded per node, so that nodes that lost a peer together do not all retry at the same moments.
        links = new PeerLinks(ctx, channels, peerAddresses, new SplittableRandom(ctx.selfId()));
        snapshots = new SnapshotNode(ctx.selfId(), peerAddresses.keySet(), SnapshotConfig.defaults());
        membership = new ClusterMembership(ctx.selfId(), List.copyOf(peerAddresses.keySet()), config,
                configuredMaster, nowNanos);
        ctx.setEpoch(membership.epoch());
        // Not ready to take the lead back until the cluster has corrected this node's clock (onCorrectionApplied).
        execute(membership.setReadyToLead(false, nowNanos), nowNanos);
        ticker = ctx.loop.scheduleAtFixedRate(this::tick, 0, config.tickNanos(), TimeUnit.NANOSECONDS);
        LOG.info("event=cluster_started id={} peers={} election={} topology={} heartbeatMillis={}"
                        + " timeoutMillis={} worstDetectionMillis={}", ctx.selfId(), peerAddresses.keySet(),
                config.election().name().toLowerCase(), config.topology(), config.heartbeatPeriodNanos() / 1_000_000,
                worstTimeoutNanos() / 1_000_000, membership.detector().worstCaseDetectionNanos(
                        peerAddresses.keySet().iterator().next()) / 1_000_000);
    }

    private long worstTimeoutNanos() {
        long worst = 0;
        for (int id : peerAddresses.keySet()) {
            worst = Math.max(worst, membership.detector().timeoutNanos(id));
        }
        return worst;
    }

    public void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (links != null) {
            links.close();
        }
        for (CompletableFuture<SnapshotOutcome> f : pendingSnapshots.values()) {
            f.complete(SnapshotOutcome.failed("the node is stopping", null));
        }
        pendingSnapshots.clear();
    }

    private void tick() {
        long hostNanos = HostClock.nowNanos();
        execute(membership.tick(hostNanos), hostNanos);
        executeSnapshot(snapshots.tick(hostNanos));
    }

    /** The follower role applied a correction from its master: counts towards leading again (core's policy). */
    public void onCorrectionApplied(long hostNanos) {
        if (membership == null) {
            return;
        }
        boolean wasReady = membership.readyToLead();
        List<Action> actions = membership.onCorrectionApplied(hostNanos);
        if (!wasReady && membership.readyToLead()) {
            LOG.info("event=ready_to_lead corrections={} note=\"clock corrected by the cluster; may take the lead\"",
                    membership.correctionsTowardsLeading());
        }
        execute(actions, hostNanos);
    }

    /**
     * The epoch gate and the cluster's own messages. Returns true when the role should see the frame; frames from a
     * stale epoch and the cluster's messages (heartbeats, notices, elections) stop here.
     */
    public boolean admit(Channel channel, Frame frame, long hostNanos) {
        if (membership == null) {
            return !isClusterMessage(frame.message()) && !isSnapshotMessage(frame.message());
        }
        Message message = frame.message();
        if ((message instanceof Message.Hello || message instanceof Message.Welcome)
                && !peerAddresses.containsKey(frame.senderId())) {
            refuseStranger(channel, frame);
            return false;
        }
        if (peerAddresses.containsKey(frame.senderId()) && (isClusterMessage(message) || isSnapshotMessage(message))) {
            // Markers pass before the epoch gate (a snapshot must finish across an election); every frame of the
            // peer links is offered for recording, since the channel state is what was in flight on those links.
            executeSnapshot(snapshots.onFrame(frame.senderId(), message, () -> localState(hostNanos), hostNanos));
            if (isSnapshotMessage(message)) {
                return false;
            }
        } else if (isSnapshotMessage(message)) {
            strangerFrames.increment();
            staleLog.warn("event=frame_dropped why=not_a_peer from={} type={} remote={}", frame.senderId(),
                    frame.type(), channel.remoteAddress());
            return false;
        }
        if (frame.epoch() != 0) {
            EpochVerdict verdict = membership.onFrame(frame.senderId(), frame.epoch(), hostNanos);
            execute(verdict.actions(), hostNanos);
            if (!verdict.accepted()) {
                if (verdict.rejection() == EpochVerdict.Rejection.STALE_EPOCH) {
                    staleFrames.increment();
                } else {
                    strangerFrames.increment();
                }
                staleLog.warn("event=frame_dropped why={} from={} type={} epoch={} ourEpoch={}",
                        verdict.rejectReason(), frame.senderId(), frame.type(), frame.epoch(), membership.epoch());
                return false;
            }
        }
        if (!isClusterMessage(frame.message())) {
            return true;
        }
        if (!peerAddresses.containsKey(frame.senderId())) {
            strangerFrames.increment();
            staleLog.warn("event=frame_dropped why=not_a_peer from={} type={} remote={}"
                    + " note=\"only nodes in --peers take part in heartbeats and elections\"", frame.senderId(),
                    frame.type(), channel.remoteAddress());
            return false;
        }
        Integer linkPeer = channel.attr(PEER_ID).get();
        if (linkPeer == null) {
            channel.attr(PEER_ID).set(frame.senderId());
            // A peer's link carries heartbeats every period; the short first timeout was for strangers.
            ProtocolChannels.setReadTimeout(channel, ctx.options.readTimeoutNanos);
        } else if (linkPeer != frame.senderId()) {
            ctx.metrics.connectionClosed("sender_mismatch");
            LOG.warn("event=connection_closed why=sender_mismatch remote={} peer={} claimed={}",
                    channel.remoteAddress(), linkPeer, frame.senderId());
            channel.close();
            return false;
        }
        execute(membership.onMessage(frame.senderId(), frame.epoch(), frame.message(), hostNanos), hostNanos);
        return false;
    }

    /**
     * A node outside --peers introduced itself (HELLO), or the master this node dialled is one (WELCOME): with
     * --peers the membership is fixed, so the connection ends with one clear error on each side.
     */
    private void refuseStranger(Channel channel, Frame frame) {
        strangerFrames.increment();
        ctx.metrics.connectionClosed("not_a_member");
        if (frame.message() instanceof Message.Hello hello) {
            staleLog.warn("event=connection_refused why=not_a_member id={} remote={} note=\"node {} is not in --peers;"
                    + " add it to every node's --peers to let it join\"", frame.senderId(), channel.remoteAddress(),
                    frame.senderId());
            ctx.send(channel, new Message.ErrorMessage(hello.requestId(), ErrorCode.NOT_A_MEMBER, "node "
                    + frame.senderId() + " is not in node " + ctx.selfId() + "'s --peers; add it to every node's"
                    + " --peers"));
        } else {
            staleLog.warn("event=connection_refused why=not_a_member id={} remote={} note=\"the master there is node"
                    + " {}, which is not in this node's --peers\"", frame.senderId(), channel.remoteAddress(),
                    frame.senderId());
        }
        channel.close();
    }

    private static boolean isSnapshotMessage(Message m) {
        return m instanceof Message.SnapshotMarker || m instanceof Message.SnapshotState;
    }

    /** What a snapshot records of this node: read at the moment of recording, on the event loop. */
    private LocalState localState(long hostNanos) {
        return new LocalState(ctx.clock.readNanos(hostNanos), ctx.lamport(), roleName(), ctx.epoch(),
                roles.current().lastRoundId(), Map.of("name", ctx.name(), "coordinatorId",
                        Integer.toString(membership.coordinatorId()), "offsetFromHostNanos",
                        Long.toString(ctx.clock.offsetFromHostNanos(hostNanos))));
    }

    /** Starts a snapshot with this node as initiator; completes when every node reported or it timed out. */
    public CompletableFuture<SnapshotOutcome> startSnapshot() {
        CompletableFuture<SnapshotOutcome> result = new CompletableFuture<>();
        if (snapshots == null) {
            result.complete(SnapshotOutcome.failed("the cluster agent is not started yet", null));
            return result;
        }
        long hostNanos = HostClock.nowNanos();
        if (pendingSnapshots.size() >= SnapshotNode.MAX_INITIATED) {
            result.complete(SnapshotOutcome.failed(pendingSnapshots.size() + " snapshots are already running here;"
                    + " the limit is " + SnapshotNode.MAX_INITIATED, null));
            return result;
        }
        long id = snapshots.nextSnapshotId(hostNanos);
        pendingSnapshots.put(id, result);
        LOG.info("event=snapshot_started id={} nodes={}", id, snapshots.memberIds());
        executeSnapshot(snapshots.initiate(id, localState(hostNanos), hostNanos));
        return result;
    }

    private void executeSnapshot(List<SnapshotAction> actions) {
        for (SnapshotAction action : actions) {
            if (action instanceof SnapshotAction.SendMessage send) {
                links.send(send.toNodeId(), send.message());
            } else if (action instanceof SnapshotAction.Completed done) {
                LOG.info("event=snapshot_completed id={}", done.snapshotId());
                CompletableFuture<SnapshotOutcome> f = pendingSnapshots.remove(done.snapshotId());
                if (f != null) {
                    f.complete(SnapshotOutcome.completed(SnapshotJson.of(done.document())));
                }
            } else if (action instanceof SnapshotAction.Failed failed) {
                LOG.warn("event=snapshot_failed id={} missing={} reason=\"{}\"", failed.snapshotId(),
                        failed.missingNodeIds(), failed.reason());
                CompletableFuture<SnapshotOutcome> f = pendingSnapshots.remove(failed.snapshotId());
                if (f != null) {
                    f.complete(SnapshotOutcome.failed(failed.reason(), SnapshotJson.of(failed.document())));
                }
            }
        }
    }

    /** The end of a snapshot this node initiated: the document as JSON, or why it failed (with what arrived). */
    public record SnapshotOutcome(boolean ok, String error, String json) {
        static SnapshotOutcome completed(String json) {
            return new SnapshotOutcome(true, null, json);
        }

        static SnapshotOutcome failed(String error, String json) {
            return new SnapshotOutcome(false, error, json);
        }
    }

    private static boolean isClusterMessage(Message m) {
        return m instanceof Message.Heartbeat || m instanceof Message.FailureNotice
                || m instanceof Message.BullyElection || m instanceof Message.BullyAnswer
                || m instanceof Message.BullyCoordinator || m instanceof Message.RingElection
                || m instanceof Message.RingCoordinator;
    }

    public void onCoordinatorKnown(int coordinatorId) {
        if (membership != null) {
            long hostNanos = HostClock.nowNanos();
            execute(membership.onCoordinatorKnown(coordinatorId, hostNanos), hostNanos);
        }
    }

    private void execute(List<Action> actions, long hostNanos) {
        if (actions.isEmpty()) {
            return;
        }
        // Every message of this batch carries the epoch the membership reached while deciding it.
        ctx.setEpoch(membership.epoch());
        for (Action action : actions) {
            if (action instanceof RoleChanged change) {
                onRoleChanged(change, hostNanos);
            } else if (action instanceof Send send) {
                links.send(send.toNodeId(), send.message());
            } else if (action instanceof PeerSuspected s) {
                suspicions.increment();
                lastSuspectHostNanos = hostNanos;
                LOG.warn("event=peer_suspected peer={} by={} silent={} coordinator={}", s.peerId(),
                        s.byNotice() ? "notice" : "timeout", Durations.signed(s.silentNanos()),
                        s.peerId() == membership.coordinatorId());
            } else if (action instanceof PeerRecovered r) {
                LOG.info("event=peer_recovered peer={}", r.peerId());
            } else {
                LOG.warn("event=ignored_action action={}", action);
            }
        }
    }

    private void onRoleChanged(RoleChanged change, long hostNanos) {
        roleChanges.increment();
        lastRoleChangeHostNanos = hostNanos;
        LOG.info("event=cluster_role role={} coordinator={} epoch={} reason=\"{}\"", change.role(),
                change.coordinatorId(), change.epoch(), change.reason());
        switch (change.role()) {
            case COORDINATOR -> {
                electionsWon.increment(); // only an election makes a node coordinator (a configured master starts so)
                if (roles.current().kind() != RoleKind.MASTER) {
                    roles.switchRole(electedRoles.coordinator(FIRST_ROUND_DELAY_MILLIS), change.reason());
                }
            }
            case FOLLOWER -> {
                HostPort target = coordinatorAddress(change.coordinatorId(), change.epoch());
                if (target == null) {
                    LOG.warn("event=coordinator_unknown coordinator={} epoch={} note=\"not in --peers; staying as is\"",
                            change.coordinatorId(), change.epoch());
                    return;
                }
                if (!(roles.current() instanceof SlaveRole s && s.masterAddress().equals(target))) {
                    roles.switchRole(electedRoles.follower(target), change.reason());
                }
            }
            case CANDIDATE -> {
                // Keep the current role while the election runs: a master re-elected keeps its members connected.
            }
        }
    }

    /** Where the coordinator listens: its --peers entry, or --master for the configured master's initial epoch. */
    private HostPort coordinatorAddress(int coordinatorId, long epoch) {
        HostPort a = peerAddresses.get(coordinatorId);
        if (a != null) {
            return a;
        }
        if (epoch == Epochs.INITIAL && ctx.options.master != null) {
            return ctx.options.master;
        }
        return null;
    }

    public String roleName() {
        if (membership == null) {
            return roles.current().name();
        }
        return switch (membership.role()) {
            case COORDINATOR -> "MASTER";
            case FOLLOWER -> "SLAVE";
            case CANDIDATE -> "CANDIDATE";
        };
    }

    public int coordinatorId() {
        return membership == null ? 0 : membership.coordinatorId();
    }

    /** The {@code cluster} block of /status: the cluster as this node sees it; null without --peers. */
    public ClusterStatus status(long hostNanos) {
        if (membership == null) {
            return null;
        }
        List<PeerStatus> peers = new ArrayList<>();
        for (PeerView p : membership.detector().peers()) {
            peers.add(new PeerStatus(p.id(), String.valueOf(peerAddresses.get(p.id())),
                    p.suspected() ? "suspected" : "alive", p.monitored(),
                    p.lastHeardNanos() == 0 ? null : (hostNanos - p.lastHeardNanos()) / 1_000_000L,
                    links.connected(p.id())));
        }
        List<ElectionStatus> elections = new ArrayList<>();
        for (ElectionRecord r : membership.elections()) {
            elections.add(new ElectionStatus(r.epoch(), r.coordinatorId(), r.algorithm().name().toLowerCase(),
                    r.trigger(), (hostNanos - r.startedNanos()) / 1_000_000L,
                    r.decidedNanos() == 0 ? null : (r.decidedNanos() - r.startedNanos()) / 1e6, r.messagesSent()));
        }
        return new ClusterStatus(config.election().name().toLowerCase(), config.topology().toString(),
                config.heartbeatPeriodNanos(), membership.role().name(), Epochs.term(membership.epoch()),
                membership.readyToLead(), membership.staleFrames(), membership.electionsStarted(),
                membership.electionMessagesSent(), membership.detector().heartbeatsSent(),
                membership.detector().heartbeatsMissed(), links.droppedMessages(),
                lastSuspectHostNanos == 0 ? null : (hostNanos - lastSuspectHostNanos) / 1_000_000L,
                lastRoleChangeHostNanos == 0 ? null : (hostNanos - lastRoleChangeHostNanos) / 1_000_000L, peers,
                elections);
    }
}
