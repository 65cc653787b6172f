package org.clocksync.core.snapshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
    /** A part's JSON never exceeds what one {@code SnapshotState} frame carries. */
    public static final int MAX_JSON_BYTES = ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES;

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
     * This part as the JSON text of a {@code SnapshotState} frame, at most {@link #MAX_JSON_BYTES} bytes: when the
     * channel contents do not all fit, each channel keeps a prefix (shared out round-robin) and its
     * {@code messageCount} still tells how many there were.
     */
    public String toJson() {
        int[] kept = new int[channels.size()];
        int budget = MAX_JSON_BYTES - render(kept).length();
        if (budget < 0) {
            throw new IllegalStateException("node " + nodeId + "'s part does not fit " + MAX_JSON_BYTES + " bytes even without messages");
        }
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < channels.size(); i++) {
                List<String> messages = channels.get(i).messages();
                if (kept[i] < messages.size()) {
                    int cost = Json.quote(messages.get(kept[i])).length() + (kept[i] > 0 ? 1 : 0);
                    if (cost <= budget) {
                        budget -= cost;
                        kept[i]++;
                        progress = true;
                    }
                }
            }
        }
        String json = render(kept);
        if (json.length() > MAX_JSON_BYTES) {
            throw new IllegalStateException("node " + nodeId + "'s part rendered to " + json.length() + " bytes, over " + MAX_JSON_BYTES);
        }
        return json;
    }

    private String render(int[] kept) {
        StringBuilder out = new StringBuilder(1024);
        out.append("{\"snapshotId\":").append(snapshotId)
                .append(",\"initiatorId\":").append(initiatorId)
                .append(",\"nodeId\":").append(nodeId)
                .append(",\"recordedAtNanos\":").append(recordedAtNanos);
        if (refusal != null) {
            out.append(",\"refusal\":");
            Json.string(out, refusal);
            return out.append('}').toString();
        }
        out.append(",\"state\":");
        state.writeJson(out);
        out.append(",\"channels\":[");
        for (int i = 0; i < channels.size(); i++) {
            ChannelState channel = channels.get(i);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"from\":").append(channel.fromId()).append(",\"messageCount\":").append(channel.messageCount())
                    .append(",\"messages\":[");
            for (int m = 0; m < kept[i]; m++) {
                if (m > 0) {
                    out.append(',');
                }
                Json.string(out, channel.messages().get(m));
            }
            out.append("]}");
        }
        out.append("],\"pendingChannels\":[");
        for (int i = 0; i < pendingChannelIds.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(pendingChannelIds.get(i));
        }
        return out.append("]}").toString();
    }

    /**
     * Reads a part a peer sent; throws IllegalArgumentException naming what is wrong. Unknown fields are ignored, so a
     * newer node can add some.
     */
    public static NodePart fromJson(String json) {
        Map<String, Object> object = Json.parseObject(json);
        long snapshotId = Json.longField(object, "snapshotId");
        int initiatorId = Json.intField(object, "initiatorId");
        int nodeId = Json.intField(object, "nodeId");
        long recordedAtNanos = Json.longField(object, "recordedAtNanos");
        String refusal = Json.optionalStringField(object, "refusal");
        if (refusal != null) {
            return refusal(snapshotId, initiatorId, nodeId, recordedAtNanos, refusal);
        }
        LocalState state = LocalState.fromJson(Json.objectField(object, "state"));
        List<Object> channelList = Json.listField(object, "channels");
        if (channelList.size() > SnapshotParticipant.MAX_PEERS) {
            throw new IllegalArgumentException("node " + nodeId + "'s part has " + channelList.size() + " channels, the limit is "
                    + SnapshotParticipant.MAX_PEERS);
        }
        List<ChannelState> channels = new ArrayList<>();
        for (Object element : channelList) {
            Map<String, Object> channel = Json.asObject(element, "a channel");
            List<String> messages = new ArrayList<>();
            for (Object message : Json.listField(channel, "messages")) {
                if (!(message instanceof String text)) {
                    throw new IllegalArgumentException("a channel message must be a string, got " + Json.kind(message));
                }
                messages.add(text);
            }
            channels.add(new ChannelState(Json.intField(channel, "from"), nodeId, messages, Json.longField(channel, "messageCount")));
        }
        List<Integer> pending = new ArrayList<>();
        for (Object id : Json.optionalListField(object, "pendingChannels")) {
            if (!(id instanceof Long number) || number <= 0 || number > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pendingChannels must hold positive node ids, got " + id);
            }
            pending.add(number.intValue());
        }
        return new NodePart(snapshotId, initiatorId, nodeId, recordedAtNanos, state, channels, pending, null);
    }
}
