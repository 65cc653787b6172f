package org.clocksync.core.snapshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.ProtocolLimits;

/**
 * One node's part of a snapshot, which it sends to the initiator: its recorded local state and the state of each of its
 * incoming channels. A part is complete when a marker came down every incoming channel; a participant that gives up
 * waiting sends what it has, naming the channels still open, so the initiator can say which node is missing. A node
 * that cannot take part at all (too many snapshots running) sends a refusal instead.
 *
 * @param recordedAtNanos   the node's host clock when it recorded its state
 * @param state             null only in a refusal
 * @param channels          one per incoming channel, sorted by sender; for open channels, what arrived so far
 * @param pendingChannelIds senders of the incoming channels whose marker never arrived, sorted
 * @param refusal           why the node did not take part, or null
 */
public record NodePart(long snapshotId, int initiatorId, int nodeId, long recordedAtNanos, LocalState state,
                       List<ChannelState> channels, List<Integer> pendingChannelIds, String refusal) {
    public static final int MAX_REFUSAL_CHARS = 200;
    /** A part never exceeds what one {@code SnapshotState} frame carries. */
    public static final int MAX_PAYLOAD_BYTES = ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES;

    public NodePart {
        if (initiatorId <= 0 || nodeId <= 0) {
            throw new IllegalArgumentException("initiatorId and nodeId must be positive node ids, got " + initiatorId + " and " + nodeId);
        }
        channels = List.copyOf(channels);
        pendingChannelIds = List.copyOf(pendingChannelIds);
        if (refusal != null && refusal.length() > MAX_REFUSAL_CHARS) {
            refusal = refusal.substring(0, MAX_REFUSAL_CHARS);
        }
        if (refusal == null && state == null) {
            throw new IllegalArgumentException("node " + nodeId + "'s part has no local state and is no refusal");
        }
        if (channels.size() > SnapshotParticipant.MAX_PEERS || pendingChannelIds.size() > SnapshotParticipant.MAX_PEERS) {
            throw new IllegalArgumentException("node " + nodeId + "'s part has more than " + SnapshotParticipant.MAX_PEERS + " channels");
        }
        Set<Integer> senders = new HashSet<>();
        for (ChannelState channel : channels) {
            if (channel.toId() != nodeId) {
                throw new IllegalArgumentException("node " + nodeId + "'s part holds channel " + channel.name() + ", not one of its own");
            }
            if (!senders.add(channel.fromId())) {
                throw new IllegalArgumentException("node " + nodeId + "'s part holds channel " + channel.name() + " twice");
            }
        }
        for (Integer pending : pendingChannelIds) {
            if (pending == null || !senders.contains(pending)) {
                throw new IllegalArgumentException("node " + nodeId + "'s part waits on channel " + pending + "->" + nodeId
                        + ", which it does not list");
            }
        }
    }

    /** A refusal: the node recorded nothing. */
    public static NodePart refusal(long snapshotId, int initiatorId, int nodeId, long nowNanos, String reason) {
        return new NodePart(snapshotId, initiatorId, nodeId, nowNanos, null, List.of(), List.of(), Objects.requireNonNull(reason, "reason"));
    }

    public boolean refused() {
        return refusal != null;
    }

    /** Recorded, and every incoming channel closed by its marker. */
    public boolean complete() {
        return refusal == null && pendingChannelIds.isEmpty();
    }

    /**
     * This part as the {@code SnapshotState} frame for its initiator, at most {@link #MAX_PAYLOAD_BYTES} bytes: when
     * the channel contents do not all fit, each channel keeps a prefix (shared out round-robin) and its
     * {@code messageCount} still tells how many there were.
     */
    public Message.SnapshotState toMessage() {
        if (refusal != null) {
            return Message.SnapshotState.refused(snapshotId, initiatorId, nodeId, recordedAtNanos, refusal);
        }
        int[] kept = new int[channels.size()];
        int budget = MAX_PAYLOAD_BYTES - Message.SnapshotState.payloadBytes(recorded(kept), null);
        if (budget < 0) {
            throw new IllegalStateException("node " + nodeId + "'s part does not fit " + MAX_PAYLOAD_BYTES + " bytes even without messages");
        }
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < channels.size(); i++) {
                List<String> messages = channels.get(i).messages();
                if (kept[i] < messages.size()) {
                    int cost = Message.SnapshotState.stringBytes(messages.get(kept[i]));
                    if (cost <= budget) {
                        budget -= cost;
                        kept[i]++;
                        progress = true;
                    }
                }
            }
        }
        return Message.SnapshotState.recorded(snapshotId, initiatorId, nodeId, recordedAtNanos, recorded(kept));
    }

    /** The recorded state with the first {@code kept[i]} messages of channel i. */
    private Message.SnapshotState.Recorded recorded(int[] kept) {
        List<Message.SnapshotState.Channel> wireChannels = new ArrayList<>(channels.size());
        for (int i = 0; i < channels.size(); i++) {
            ChannelState channel = channels.get(i);
            wireChannels.add(new Message.SnapshotState.Channel(channel.fromId(), channel.messageCount(),
                    channel.messages().subList(0, kept[i])));
        }
        return new Message.SnapshotState.Recorded(state.serviceClockNanos(), state.lamport(), state.epoch(),
                state.lastRoundId(), state.role(), state.extra(), wireChannels, pendingChannelIds);
    }

    /**
     * The part a peer sent; throws IllegalArgumentException naming what is wrong when the frame, well-formed on the
     * wire, breaks a rule of parts (a role too long, a channel listed twice, a pending channel it does not list, ...).
     */
    public static NodePart fromMessage(Message.SnapshotState message) {
        if (message.refused()) {
            return refusal(message.snapshotId(), message.initiatorId(), message.nodeId(), message.recordedAtNanos(),
                    message.refusal());
        }
        Message.SnapshotState.Recorded recorded = message.recorded();
        LocalState state = new LocalState(recorded.serviceClockNanos(), recorded.lamport(), recorded.role(), recorded.epoch(),
                recorded.lastRoundId(), recorded.extra());
        List<ChannelState> channels = new ArrayList<>(recorded.channels().size());
        for (Message.SnapshotState.Channel channel : recorded.channels()) {
            channels.add(new ChannelState(channel.fromId(), message.nodeId(), channel.messages(), channel.messageCount()));
        }
        return new NodePart(message.snapshotId(), message.initiatorId(), message.nodeId(), message.recordedAtNanos(), state,
                channels, recorded.pendingChannelIds(), null);
    }
}
