package org.clocksync.core.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.clocksync.core.Action;
import org.clocksync.core.PeerRecovered;
import org.clocksync.core.PeerSuspected;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;

/**
 * Heartbeat failure detector for one node, driven by ticks (sans-IO). Sends a heartbeat to each topology target every
 * period; suspects a monitored peer silent for longer than its timeout, then tells every peer at once with a failure
 * notice; un-suspects a peer heard from again. Formulas (timeout, worst-case detection with and without notices) are
 * derived in docs/failover.md.
 *
 * <p>The timeout assumes a node's heartbeats leave exactly every T (the tick divides T and ticks are on time); any
 * lateness of the sender's ticks must be counted in the channel's delay bounds.
 */
public final class FailureDetector {
    /** A limit on the peer table: every tick walks it, and every suspicion sends one notice per peer. */
    public static final int MAX_PEERS = 1024;

    private final ClusterConfig config;
    private final List<Integer> targetIds;
    /** Ascending ids, so heartbeats, suspicions and notices always come out in the same order. */
    private final TreeMap<Integer, Peer> peers = new TreeMap<>();
    private long nextHeartbeatNanos;
    private long heartbeatSequence;
    private long heartbeatsSent;
    private long heartbeatsMissed;
    /** The previous tick, to notice that this node itself stalled (GC, CPU starvation) and judge no one for it. */
    private long lastTickNanos;
    /** Until then the node is starting: see {@link ClusterConfig#startupTimeoutNanos()}. */
    private final long startupUntilNanos;

    private static final class Peer {
        final boolean monitored;
        boolean suspected;
        boolean heard;
        /**
         * When the silence the timeout measures began: the last time heard from, or the detector's construction if
         * never, so that a peer that never speaks is suspected too.
         */
        long silentSinceNanos;
        /** A suspicion learned from a notice is a lease: it lapses then unless a detector renews it. 0: none. */
        long noticeLeaseUntilNanos;
        /** When this node, as a detector of the peer, next repeats its notice while it still suspects it. */
        long nextNoticeNanos;

        Peer(boolean monitored, long nowNanos) {
            this.monitored = monitored;
            this.silentSinceNanos = nowNanos;
        }
    }

    public FailureDetector(int selfId, List<Integer> peerIds, ClusterConfig config, long nowNanos) {
        Objects.requireNonNull(peerIds, "peerIds");
        this.config = Objects.requireNonNull(config, "config");
        checkNodeId("self id", selfId);
        if (peerIds.size() > MAX_PEERS) {
            throw new IllegalArgumentException("at most " + MAX_PEERS + " peers are supported, got " + peerIds.size());
        }
        TreeSet<Integer> sortedIds = new TreeSet<>();
        for (Integer id : peerIds) {
            if (id == null) {
                throw new IllegalArgumentException("peer ids must not contain null: " + peerIds);
            }
            checkNodeId("peer id", id);
            if (id == selfId) {
                throw new IllegalArgumentException("self id " + selfId + " must not be listed among its own peers");
            }
            if (!sortedIds.add(id)) {
                throw new IllegalArgumentException("peer id " + id + " is listed twice");
            }
        }
        sortedIds.add(selfId);
        List<Integer> allIds = List.copyOf(sortedIds);
        this.targetIds = config.topology().targets(selfId, allIds).stream().sorted().toList();
        Set<Integer> sourceIds = Set.copyOf(config.topology().sources(selfId, allIds));
        for (int id : allIds) {
            if (id != selfId) {
                peers.put(id, new Peer(sourceIds.contains(id), nowNanos));
            }
        }
        this.nextHeartbeatNanos = nowNanos;
        this.lastTickNanos = nowNanos;
        this.startupUntilNanos = nowNanos + config.discoveryTimeoutNanos();
    }

    private static void checkNodeId(String what, int id) {
        if (id < 1 || id > Epochs.MAX_NODE_ID) {
            throw new IllegalArgumentException(what + " must be between 1 and " + Epochs.MAX_NODE_ID + ", got " + id);
        }
    }

    /**
     * Advances time: returns {@code Send(target, Heartbeat(seq, coordinatorId))} for heartbeats now due, and for each
     * monitored peer that just timed out a {@code PeerSuspected(id, false, silentNanos)} followed by
     * {@code Send(p, FailureNotice(id, lastHeardNanos))} to every other peer p.
     */
    public List<Action> tick(long nowNanos, int coordinatorId) {
        List<Action> actions = new ArrayList<>();
        if (nowNanos >= nextHeartbeatNanos) {
            heartbeatSequence++;
            for (int targetId : targetIds) {
                actions.add(new Send(targetId, new Message.Heartbeat(heartbeatSequence, coordinatorId)));
            }
            heartbeatsSent += targetIds.size();
            // From the due time, so that ticks' lateness does not add up period after period; but after a stall of a
            // whole period or more, one heartbeat now rather than a burst of catch-up ones.
            nextHeartbeatNanos += config.heartbeatPeriodNanos();
            if (nextHeartbeatNanos <= nowNanos) {
                nextHeartbeatNanos = nowNanos + config.heartbeatPeriodNanos();
            }
        }
        boolean stalled = nowNanos - lastTickNanos > stallNanos();
        lastTickNanos = nowNanos;
        if (stalled) {
            // This node was not running: the peers' heartbeats may be waiting unread in its sockets. Judge nobody
            // before the caller has read them; the next tick, one tick from now, does.
            return List.copyOf(actions);
        }
        for (var entry : peers.entrySet()) {
            int id = entry.getKey();
            Peer peer = entry.getValue();
            if (!peer.monitored) {
                continue;
            }
            long silentNanos = nowNanos - peer.silentSinceNanos;
            if (peer.suspected) {
                if (peer.noticeLeaseUntilNanos != 0 && silentNanos > timeoutNanos(id)) {
                    // Told first, now seen: this node's own timeout confirms it, so it holds no lease but detects.
                    peer.noticeLeaseUntilNanos = 0;
                    peer.nextNoticeNanos = nowNanos + noticeRenewalNanos();
                }
                continue;
            }
            // A peer never heard from may simply not have started yet: it gets the discovery timeout, not the
            // heartbeat timeout, so that a cluster starting on a busy machine does not elect on start-up delays.
            long timeoutNanos = peer.heard ? timeoutNanos(id)
                    : Math.max(timeoutNanos(id), config.discoveryTimeoutNanos());
            if (nowNanos < startupUntilNanos) {
                timeoutNanos = Math.max(timeoutNanos, config.startupTimeoutNanos());
            }
            if (silentNanos > timeoutNanos) {
                // One period when it times out, plus one per whole period this tick came later than that.
                heartbeatsMissed += 1 + (silentNanos - timeoutNanos - 1) / config.heartbeatPeriodNanos();
                peer.suspected = true;
                peer.noticeLeaseUntilNanos = 0;
                peer.nextNoticeNanos = nowNanos + noticeRenewalNanos();
                actions.add(new PeerSuspected(id, false, silentNanos));
                notifyOthers(id, peer, actions);
            }
        }
        renewAndExpireNotices(nowNanos, actions);
        return List.copyOf(actions);
    }

    private void notifyOthers(int suspectId, Peer suspect, List<Action> actions) {
        for (int otherId : peers.keySet()) {
            if (otherId != suspectId) {
                actions.add(new Send(otherId, new Message.FailureNotice(suspectId, suspect.silentSinceNanos)));
            }
        }
    }

    /**
     * With ring:K most nodes never hear a crashed peer's heartbeats, so what they learned from a notice could outlive
     * the crash: the peer restarts, talks only to its successors, and stays suspected elsewhere for ever, which
     * stalls elections (seen in the simulator). So a detector repeats its notice while it suspects, and a suspicion
     * learned only from notices lapses when they stop.
     */
    private void renewAndExpireNotices(long nowNanos, List<Action> actions) {
        for (var entry : peers.entrySet()) {
            int id = entry.getKey();
            Peer peer = entry.getValue();
            if (!peer.suspected) {
                continue;
            }
            if (peer.noticeLeaseUntilNanos != 0 && nowNanos > peer.noticeLeaseUntilNanos) {
                peer.suspected = false;
                peer.noticeLeaseUntilNanos = 0;
                peer.silentSinceNanos = nowNanos;
                actions.add(new PeerRecovered(id));
            } else if (peer.noticeLeaseUntilNanos == 0 && nowNanos >= peer.nextNoticeNanos) {
                peer.nextNoticeNanos = nowNanos + noticeRenewalNanos();
                notifyOthers(id, peer, actions);
            }
        }
    }

    /** How often a detector repeats its notice about a peer it still suspects: every 5 heartbeat periods. */
    public long noticeRenewalNanos() {
        return 5 * config.heartbeatPeriodNanos();
    }

    /** How long a suspicion learned from a notice lasts without a new notice: two renewals and a delivery. */
    public long noticeLeaseNanos() {
        return 2 * noticeRenewalNanos() + config.defaultBounds().maxNanos() + config.tickNanos();
    }

    /** Any frame from {@code peerId} proves it alive: returns {@code PeerRecovered} if it was suspected. */
    public List<Action> onHeardFrom(int peerId, long nowNanos) {
        Peer peer = peers.get(peerId);
        if (peer == null) {
            return List.of();
        }
        peer.heard = true;
        peer.silentSinceNanos = nowNanos;
        peer.noticeLeaseUntilNanos = 0;
        if (!peer.suspected) {
            return List.of();
        }
        peer.suspected = false;
        return List.of(new PeerRecovered(peerId));
    }

    /**
     * A failure notice from {@code fromId} about {@code suspectId}: returns {@code PeerSuspected(suspectId, true, ..)}
     * if this node did not suspect it yet. A notice about this node itself, or about a peer heard from more recently
     * than the notice's lastHeardNanos allows, is ignored.
     *
     * <p>"Allows": a frame we received more than the suspect's max delay after the notifier's last one was sent after
     * it, so we know more than the notifier; within that window it may be the same heartbeat, arriving later here.
     * Notices from unknown senders are ignored too, and notices are never forwarded: the detector told everyone.
     */
    public List<Action> onFailureNotice(int fromId, int suspectId, long lastHeardNanos, long nowNanos) {
        Peer suspect = peers.get(suspectId);
        if (suspect == null || !peers.containsKey(fromId)) {
            return List.of();
        }
        // Written as a subtraction from our own time: lastHeardNanos comes off the wire and could overflow an addition.
        if (suspect.heard && suspect.silentSinceNanos - config.bounds(suspectId).maxNanos() > lastHeardNanos) {
            return List.of();
        }
        if (suspect.suspected) {
            // A renewal: extend a lease, never turn this node's own suspicion into a lease.
            if (suspect.noticeLeaseUntilNanos != 0) {
                suspect.noticeLeaseUntilNanos = nowNanos + noticeLeaseNanos();
            }
            return List.of();
        }
        suspect.suspected = true;
        suspect.noticeLeaseUntilNanos = nowNanos + noticeLeaseNanos();
        return List.of(new PeerSuspected(suspectId, true, nowNanos - suspect.silentSinceNanos));
    }

    /** False for ids that are not peers. */
    public boolean suspected(int peerId) {
        Peer peer = peers.get(peerId);
        return peer != null && peer.suspected;
    }

    /** Every peer in id order. */
    public List<PeerView> peers() {
        List<PeerView> views = new ArrayList<>(peers.size());
        peers.forEach((id, peer) -> views.add(
                new PeerView(id, peer.monitored, peer.suspected, peer.heard ? peer.silentSinceNanos : 0)));
        return List.copyOf(views);
    }

    /** The nodes this node sends heartbeats to, ascending. */
    public List<Integer> heartbeatTargets() {
        return targetIds;
    }

    /**
     * A gap between ticks longer than this means this node stalled: a tick plus half the smallest timeout, so a stall
     * that could have made a live peer look silent is always noticed.
     */
    private long stallNanos() {
        long smallestTimeoutNanos = Long.MAX_VALUE;
        for (int id : peers.keySet()) {
            smallestTimeoutNanos = Math.min(smallestTimeoutNanos, timeoutNanos(id));
        }
        return config.tickNanos() + (smallestTimeoutNanos == Long.MAX_VALUE ? 0 : smallestTimeoutNanos / 2);
    }

    /**
     * How long a monitored peer may stay silent before it is suspected: T + max - min of its channel. Defined for any
     * id, as the same formula, since the configuration knows every channel's bounds.
     */
    public long timeoutNanos(int peerId) {
        DelayBounds bounds = config.bounds(peerId);
        return config.heartbeatPeriodNanos() + bounds.maxNanos() - bounds.minNanos();
    }

    /**
     * Worst time from a crash to this node's own suspicion: T + 2*max - min + tick. The crash comes just after a
     * heartbeat left, that heartbeat takes max, the timeout runs from its arrival, then up to one tick passes.
     */
    public long worstCaseDetectionNanos(int peerId) {
        return config.bounds(peerId).maxNanos() + timeoutNanos(peerId) + config.tickNanos();
    }

    /**
     * Worst time from a crash to suspicion at a node that learns it only from a failure notice. The worst detection at
     * the detector, plus the notice's own delay (at most the default bounds' max); the notice is handled on arrival,
     * not on a tick, so no second tick is added.
     */
    public long worstCaseNoticeDetectionNanos(int peerId) {
        return worstCaseDetectionNanos(peerId) + config.defaultBounds().maxNanos();
    }

    /** Heartbeat messages returned so far: one per target per period. */
    public long heartbeatsSent() {
        return heartbeatsSent;
    }

    /**
     * Heartbeat periods in which a monitored peer was expected but silent. Silence up to the timeout is jitter, not a
     * miss, so this counts one when a peer times out plus one per whole period the detecting tick came later than
     * that; a peer suspected by a notice adds nothing.
     */
    public long heartbeatsMissed() {
        return heartbeatsMissed;
    }
}
