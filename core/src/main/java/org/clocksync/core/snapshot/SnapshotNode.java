package org.clocksync.core.snapshot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.clocksync.protocol.Message;

/**
 * Everything a daemon needs for Chandy-Lamport snapshots in one sans-IO object: this node's {@link SnapshotParticipant}
 * and a {@link SnapshotCollector} for each snapshot it initiated. It routes parts itself (its own part to its own
 * collector, others' parts as {@code SnapshotState} frames), so the caller only ever sees
 * {@link SnapshotAction.SendMessage}, {@link SnapshotAction.Completed} and {@link SnapshotAction.Failed}.
 */
public final class SnapshotNode {
    /** Snapshots this node may have initiated and not yet finished. */
    public static final int MAX_INITIATED = 8;

    private final int selfId;
    private final SnapshotParticipant participant;
    private final SortedSet<Integer> memberIds;
    private final SnapshotConfig config;
    private final Map<Long, SnapshotCollector> collectors = new LinkedHashMap<>();
    private long lastSnapshotId;
    private long droppedStates;

    /** Channels both ways between this node and every peer (the daemons' peer links); the members are self and peers. */
    public SnapshotNode(int selfId, Collection<Integer> peerIds, SnapshotConfig config) {
        this(selfId, peerIds, peerIds, withSelf(selfId, peerIds), config);
    }

    /**
     * Any directed channel graph; it must be strongly connected for markers to reach every member.
     *
     * @param memberIds every node a snapshot this node initiates waits for, this node included
     */
    public SnapshotNode(int selfId, Collection<Integer> outgoingPeerIds, Collection<Integer> incomingPeerIds,
                        Collection<Integer> memberIds, SnapshotConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.participant = new SnapshotParticipant(selfId, outgoingPeerIds, incomingPeerIds, config.partTimeoutNanos());
        this.selfId = selfId;
        TreeSet<Integer> members = new TreeSet<>(memberIds);
        if (!members.contains(selfId)) {
            throw new IllegalArgumentException("the members must include this node, " + selfId);
        }
        this.memberIds = Collections.unmodifiableSortedSet(members);
    }

    /** A fresh snapshot id: the host time, or one more than the last id if that is not larger; unique across restarts. */
    public long nextSnapshotId(long nowNanos) {
        lastSnapshotId = Math.max(lastSnapshotId + 1, Math.max(1, nowNanos));
        return lastSnapshotId;
    }

    /**
     * Starts snapshot {@code snapshotId} with this node as initiator and {@code state} as its local state. Returns the
     * markers to send, or at once {@link SnapshotAction.Failed} when {@link #MAX_INITIATED} are running here or
     * this node is in too many snapshots; with no peers, at once {@link SnapshotAction.Completed}.
     *
     * @throws IllegalArgumentException if {@code snapshotId} is not positive or was used recently; take ids from
     *                                  {@link #nextSnapshotId}
     */
    public List<SnapshotAction> initiate(long snapshotId, LocalState state, long nowNanos) {
        Objects.requireNonNull(state, "state");
        if (snapshotId <= 0) {
            throw new IllegalArgumentException("snapshot ids are positive, got " + snapshotId);
        }
        if (collectors.containsKey(snapshotId) || participant.knows(selfId, snapshotId)) {
            throw new IllegalArgumentException("snapshot id " + snapshotId + " was already used at node " + selfId);
        }
        lastSnapshotId = Math.max(lastSnapshotId, snapshotId);
        if (collectors.size() >= MAX_INITIATED) {
            SnapshotDocument refused = new SnapshotDocument(snapshotId, selfId, nowNanos, nowNanos, List.of(), List.of(),
                    "snapshot " + snapshotId + " failed: node " + selfId + " is already running " + MAX_INITIATED
                            + " snapshots it started, the limit; try again when one finishes");
            return List.of(new SnapshotAction.Failed(refused));
        }
        collectors.put(snapshotId, new SnapshotCollector(snapshotId, selfId, memberIds, nowNanos, config.timeoutNanos()));
        return route(participant.initiate(snapshotId, state, nowNanos), nowNanos);
    }

    /**
     * Every frame that arrives from peer {@code fromId}, in arrival order, before the daemon acts on it: markers and
     * snapshot states are handled here (the daemon need do nothing else with them); anything else is recorded, as
     * {@link #describe}d, in the snapshots recording that channel, and the daemon then handles it as usual.
     *
     * @param state asked only when this frame makes the node record its state: this node's state right now
     */
    public List<SnapshotAction> onFrame(int fromId, Message message, Supplier<LocalState> state, long nowNanos) {
        Objects.requireNonNull(message, "message");
        if (message instanceof Message.SnapshotMarker marker) {
            return onMarker(fromId, marker, state, nowNanos);
        }
        if (message instanceof Message.SnapshotState snapshotState) {
            return onState(fromId, snapshotState, nowNanos);
        }
        onMessage(fromId, describe(message), nowNanos);
        return List.of();
    }

    /** A marker from {@code fromId}; see {@link SnapshotParticipant#onMarker}. */
    public List<SnapshotAction> onMarker(int fromId, Message.SnapshotMarker marker, Supplier<LocalState> state, long nowNanos) {
        return route(participant.onMarker(fromId, marker, state, nowNanos), nowNanos);
    }

    /** A part sent to this node as initiator; a part for no snapshot running here (late, or not ours) is dropped. */
    public List<SnapshotAction> onState(int fromId, Message.SnapshotState state, long nowNanos) {
        SnapshotCollector collector = collectors.get(state.snapshotId());
        if (collector == null) {
            droppedStates++;
            return List.of();
        }
        List<SnapshotAction> results = collector.onState(fromId, state, nowNanos);
        if (collector.finished()) {
            collectors.remove(state.snapshotId());
        }
        return results;
    }

    /** An application message from {@code fromId}, described by the caller; see {@link SnapshotParticipant#onMessage}. */
    public void onMessage(int fromId, String description, long nowNanos) {
        participant.onMessage(fromId, description, nowNanos);
    }

    /** Call on every timer tick: gives up parts and snapshots whose time is up. */
    public List<SnapshotAction> tick(long nowNanos) {
        List<SnapshotAction> actions = new ArrayList<>(route(participant.tick(nowNanos), nowNanos));
        Iterator<SnapshotCollector> it = collectors.values().iterator();
        while (it.hasNext()) {
            SnapshotCollector collector = it.next();
            actions.addAll(collector.tick(nowNanos));
            if (collector.finished()) {
                it.remove();
            }
        }
        return actions;
    }

    /** How a recorded application message reads in a channel state: the message record, cut to the limit. */
    public static String describe(Message message) {
        String text = message.toString();
        return text.length() > SnapshotParticipant.MAX_DESCRIPTION_CHARS
                ? text.substring(0, SnapshotParticipant.MAX_DESCRIPTION_CHARS) : text;
    }

    public int selfId() {
        return selfId;
    }

    public SortedSet<Integer> memberIds() {
        return memberIds;
    }

    public SnapshotParticipant participant() {
        return participant;
    }

    /** Snapshots this node initiated that have not finished. */
    public int initiatedRunning() {
        return collectors.size();
    }

    /** Snapshot states for no snapshot running here. */
    public long droppedStates() {
        return droppedStates;
    }

    /** Turns the participant's parts into frames for other initiators, or feeds them to this node's collectors. */
    private List<SnapshotAction> route(List<SnapshotAction> actions, long nowNanos) {
        List<SnapshotAction> out = new ArrayList<>(actions.size());
        for (SnapshotAction action : actions) {
            if (!(action instanceof SnapshotAction.PartReady ready)) {
                out.add(action);
                continue;
            }
            NodePart part = ready.part();
            if (part.initiatorId() != selfId) {
                out.add(new SnapshotAction.SendMessage(part.initiatorId(), part.toMessage()));
                continue;
            }
            SnapshotCollector collector = collectors.get(part.snapshotId());
            if (collector != null) {
                out.addAll(collector.onPart(part, nowNanos));
                if (collector.finished()) {
                    collectors.remove(part.snapshotId());
                }
            }
        }
        return out;
    }

    private static List<Integer> withSelf(int selfId, Collection<Integer> peerIds) {
        List<Integer> members = new ArrayList<>(Objects.requireNonNull(peerIds, "peerIds"));
        members.add(selfId);
        return members;
    }
}
