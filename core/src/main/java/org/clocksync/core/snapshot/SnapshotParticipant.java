package org.clocksync.core.snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.ProtocolLimits;

/**
 * One node's side of Chandy-Lamport snapshots over FIFO channels, sans-IO. On the first marker of a snapshot (or on
 * initiating it) the node records its local state, sends a marker on every outgoing channel, and starts recording every
 * incoming channel except the one the marker came on; a later marker on a channel stops that channel's recording. When
 * every incoming channel has delivered its marker the node's part is complete and goes to the initiator.
 *
 * <p>Snapshots are told apart by (initiator id, snapshot id), so several run at once; at most {@link #MAX_RUNNING} at a
 * time, and a node asked to join one more refuses it, saying why. Every recorded channel keeps at most
 * {@link #MAX_MESSAGES_PER_CHANNEL} messages and counts the rest. A snapshot whose markers do not all arrive within
 * the part timeout is given up: the node sends what it has, naming the channels still open.
 */
public final class SnapshotParticipant {
    public static final int MAX_RUNNING = 8;
    public static final int MAX_MESSAGES_PER_CHANNEL = ProtocolLimits.MAX_SNAPSHOT_CHANNEL_MESSAGES;
    public static final int MAX_DESCRIPTION_CHARS = 160;
    /** Incoming and outgoing channels each; as many as one SNAPSHOT_STATE carries. */
    public static final int MAX_PEERS = ProtocolLimits.MAX_SNAPSHOT_CHANNELS;
    /** Finished snapshots remembered, so a late or repeated marker does not start one again. */
    public static final int REMEMBERED_SNAPSHOTS = 64;

    private record Key(int initiatorId, long snapshotId) {
    }

    /** One incoming channel of one snapshot. */
    private static final class Recording {
        final List<String> messages = new ArrayList<>();
        long messageCount;
        boolean open = true;
    }

    /** A snapshot this node has recorded its state for and whose markers have not all arrived. */
    private static final class Running {
        final Key key;
        final long recordedAtNanos;
        final LocalState state;
        final TreeMap<Integer, Recording> channels = new TreeMap<>();
        int openCount;

        Running(Key key, long recordedAtNanos, LocalState state) {
            this.key = key;
            this.recordedAtNanos = recordedAtNanos;
            this.state = state;
        }
    }

    private final int selfId;
    private final List<Integer> outgoingPeerIds;
    private final SortedSet<Integer> incomingPeerIds;
    private final long partTimeoutNanos;
    /** Insertion order, so ticks and messages visit snapshots deterministically. */
    private final Map<Key, Running> running = new LinkedHashMap<>();
    private final ArrayDeque<Key> finishedOrder = new ArrayDeque<>();
    private final Set<Key> finished = new HashSet<>();
    private long ignoredMarkers;
    private long refusals;
    private long timeouts;
    private long completedParts;

    /**
     * @param outgoingPeerIds  the nodes this node has a channel to (it sends markers there)
     * @param incomingPeerIds  the nodes that have a channel to this node (it waits for their markers)
     * @param partTimeoutNanos how long after recording to wait for every marker; see {@link SnapshotConfig#partTimeoutNanos()}
     */
    public SnapshotParticipant(int selfId, Collection<Integer> outgoingPeerIds, Collection<Integer> incomingPeerIds,
                               long partTimeoutNanos) {
        if (selfId <= 0) {
            throw new IllegalArgumentException("selfId must be a positive node id, got " + selfId);
        }
        if (partTimeoutNanos <= 0) {
            throw new IllegalArgumentException("partTimeoutNanos must be positive, got " + partTimeoutNanos);
        }
        this.selfId = selfId;
        this.outgoingPeerIds = List.copyOf(checkPeers(selfId, "outgoing", outgoingPeerIds));
        this.incomingPeerIds = Collections.unmodifiableSortedSet(checkPeers(selfId, "incoming", incomingPeerIds));
        this.partTimeoutNanos = partTimeoutNanos;
    }

    /**
     * Starts snapshot {@code snapshotId} with this node as initiator: records {@code state} and returns a marker for
     * every outgoing channel (and the part, if the node has no incoming channel). When {@link #MAX_RUNNING} snapshots
     * are running it returns only a refusal part instead.
     *
     * @throws IllegalArgumentException if this node already used {@code snapshotId} (recently)
     */
    public List<SnapshotAction> initiate(long snapshotId, LocalState state, long nowNanos) {
        Objects.requireNonNull(state, "state");
        Key key = new Key(selfId, snapshotId);
        if (knows(selfId, snapshotId)) {
            throw new IllegalArgumentException("snapshot id " + snapshotId + " was already used by node " + selfId);
        }
        if (running.size() >= MAX_RUNNING) {
            return List.of(refuse(key, nowNanos));
        }
        return record(key, 0, state, nowNanos);
    }

    /**
     * A marker arrived from {@code fromId}. The first one of a snapshot records this node's state (asked of
     * {@code state} now, and only then) and returns the markers to send on every outgoing channel; any marker may
     * complete the node's part, returned as {@link SnapshotAction.PartReady}. Markers from nodes that are not incoming
     * channels, and repeated or late ones, are ignored.
     */
    public List<SnapshotAction> onMarker(int fromId, Message.SnapshotMarker marker, Supplier<LocalState> state, long nowNanos) {
        Objects.requireNonNull(marker, "marker");
        Objects.requireNonNull(state, "state");
        if (!incomingPeerIds.contains(fromId)) {
            ignoredMarkers++;
            return List.of();
        }
        Key key = new Key(marker.initiatorId(), marker.snapshotId());
        Running snapshot = running.get(key);
        if (snapshot != null) {
            Recording channel = snapshot.channels.get(fromId);
            if (!channel.open) {
                ignoredMarkers++;
                return List.of();
            }
            close(snapshot, channel);
            return snapshot.openCount == 0 ? List.of(finish(snapshot, nowNanos)) : List.of();
        }
        if (finished.contains(key)) {
            ignoredMarkers++;
            return List.of();
        }
        if (running.size() >= MAX_RUNNING) {
            return List.of(refuse(key, nowNanos));
        }
        return record(key, fromId, Objects.requireNonNull(state.get(), "the local state supplier returned null"), nowNanos);
    }

    /**
     * An application message (anything but a marker or a snapshot state) arrived from {@code fromId}; call it in
     * arrival order, before the message changes the local state. Every running snapshot still recording channel
     * {@code fromId->self} appends it.
     */
    public void onMessage(int fromId, String description, long nowNanos) {
        Objects.requireNonNull(description, "description");
        if (running.isEmpty()) {
            return;
        }
        String kept = description.length() > MAX_DESCRIPTION_CHARS ? description.substring(0, MAX_DESCRIPTION_CHARS) : description;
        for (Running snapshot : running.values()) {
            Recording channel = snapshot.channels.get(fromId);
            if (channel != null && channel.open) {
                channel.messageCount++;
                if (channel.messages.size() < MAX_MESSAGES_PER_CHANNEL) {
                    channel.messages.add(kept);
                }
            }
        }
    }

    /** Gives up the snapshots whose markers did not all arrive within the part timeout: each returns a partial part. */
    public List<SnapshotAction> tick(long nowNanos) {
        List<SnapshotAction> actions = new ArrayList<>();
        List<Running> expired = new ArrayList<>();
        for (Running snapshot : running.values()) {
            if (nowNanos - snapshot.recordedAtNanos >= partTimeoutNanos) {
                expired.add(snapshot);
            }
        }
        for (Running snapshot : expired) {
            timeouts++;
            actions.add(finish(snapshot, nowNanos));
        }
        return actions;
    }

    /** Whether this node is taking part in, or recently took part in or refused, that snapshot. */
    public boolean knows(int initiatorId, long snapshotId) {
        Key key = new Key(initiatorId, snapshotId);
        return running.containsKey(key) || finished.contains(key);
    }

    /** Whether this node is recording channel {@code fromId->self} for that snapshot now. */
    public boolean isRecording(int initiatorId, long snapshotId, int fromId) {
        Running snapshot = running.get(new Key(initiatorId, snapshotId));
        Recording channel = snapshot == null ? null : snapshot.channels.get(fromId);
        return channel != null && channel.open;
    }

    public int selfId() {
        return selfId;
    }

    public List<Integer> outgoingPeerIds() {
        return outgoingPeerIds;
    }

    public SortedSet<Integer> incomingPeerIds() {
        return incomingPeerIds;
    }

    public int runningCount() {
        return running.size();
    }

    /** Markers from unknown channels, repeated on a channel, or for finished snapshots. */
    public long ignoredMarkers() {
        return ignoredMarkers;
    }

    public long refusals() {
        return refusals;
    }

    /** Snapshots given up because a marker did not arrive in time. */
    public long timeouts() {
        return timeouts;
    }

    public long completedParts() {
        return completedParts;
    }

    private List<SnapshotAction> record(Key key, int markerFromId, LocalState state, long nowNanos) {
        Running snapshot = new Running(key, nowNanos, state);
        for (int peerId : incomingPeerIds) {
            snapshot.channels.put(peerId, new Recording());
        }
        snapshot.openCount = snapshot.channels.size();
        if (markerFromId != 0) {
            close(snapshot, snapshot.channels.get(markerFromId));
        }
        List<SnapshotAction> actions = new ArrayList<>(outgoingPeerIds.size() + 1);
        Message.SnapshotMarker marker = new Message.SnapshotMarker(key.snapshotId(), key.initiatorId());
        for (int peerId : outgoingPeerIds) {
            actions.add(new SnapshotAction.SendMessage(peerId, marker));
        }
        running.put(key, snapshot);
        if (snapshot.openCount == 0) {
            actions.add(finish(snapshot, nowNanos));
        }
        return actions;
    }

    private static void close(Running snapshot, Recording channel) {
        assert channel.open;
        channel.open = false;
        snapshot.openCount--;
        assert snapshot.openCount >= 0;
    }

    private SnapshotAction.PartReady finish(Running snapshot, long nowNanos) {
        List<ChannelState> channels = new ArrayList<>(snapshot.channels.size());
        List<Integer> pending = new ArrayList<>();
        for (Map.Entry<Integer, Recording> entry : snapshot.channels.entrySet()) {
            Recording channel = entry.getValue();
            channels.add(new ChannelState(entry.getKey(), selfId, channel.messages, channel.messageCount));
            if (channel.open) {
                pending.add(entry.getKey());
            }
        }
        running.remove(snapshot.key);
        remember(snapshot.key);
        if (pending.isEmpty()) {
            completedParts++;
        }
        return new SnapshotAction.PartReady(new NodePart(snapshot.key.snapshotId(), snapshot.key.initiatorId(), selfId,
                snapshot.recordedAtNanos, snapshot.state, channels, pending, null));
    }

    private SnapshotAction.PartReady refuse(Key key, long nowNanos) {
        refusals++;
        remember(key);
        return new SnapshotAction.PartReady(NodePart.refusal(key.snapshotId(), key.initiatorId(), selfId, nowNanos,
                "node " + selfId + " is already in " + MAX_RUNNING + " snapshots, the limit; try again when they finish"));
    }

    private void remember(Key key) {
        if (finished.add(key)) {
            finishedOrder.addLast(key);
            if (finishedOrder.size() > REMEMBERED_SNAPSHOTS) {
                finished.remove(finishedOrder.removeFirst());
            }
        }
    }

    private static TreeSet<Integer> checkPeers(int selfId, String what, Collection<Integer> peerIds) {
        TreeSet<Integer> peers = new TreeSet<>();
        for (Integer peerId : Objects.requireNonNull(peerIds, what + " peers")) {
            if (peerId == null || peerId <= 0 || peerId == selfId) {
                throw new IllegalArgumentException(what + " peers must be positive node ids other than " + selfId + ", got " + peerId);
            }
            peers.add(peerId);
        }
        if (peers.size() > MAX_PEERS) {
            throw new IllegalArgumentException(peers.size() + " " + what + " peers, the limit is " + MAX_PEERS);
        }
        return peers;
    }
}
