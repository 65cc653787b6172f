package org.clocksync.core.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The result of one snapshot as the initiator assembles it: the cut (each node's frontier event, its Lamport counter
 * when it recorded) and the state of every channel, rendered as one JSON document by {@link #toJson()}. A failed
 * snapshot has an {@code error}, the nodes that sent nothing, and whatever parts did arrive.
 *
 * @param parts          the parts received, sorted by node id (refusals and incomplete parts included)
 * @param missingNodeIds nodes that sent no part, sorted; empty when complete
 * @param error          one line saying why the snapshot failed, or null when it completed
 */
public record SnapshotDocument(long snapshotId, int initiatorId, long startedAtNanos, long finishedAtNanos,
                               List<NodePart> parts, List<Integer> missingNodeIds, String error) {
    public SnapshotDocument {
        List<NodePart> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingInt(NodePart::nodeId));
        parts = List.copyOf(sorted);
        missingNodeIds = List.copyOf(missingNodeIds.stream().sorted().toList());
        if (error == null && (!missingNodeIds.isEmpty() || !parts.stream().allMatch(NodePart::complete))) {
            throw new IllegalArgumentException("a document without an error needs every part, each complete");
        }
    }

    public boolean complete() {
        return error == null;
    }

    /** Node id to its frontier event: the Lamport counter at which it recorded its state (nodes that recorded). */
    public SortedMap<Integer, Long> cut() {
        TreeMap<Integer, Long> cut = new TreeMap<>();
        for (NodePart part : parts) {
            if (part.state() != null) {
                cut.put(part.nodeId(), part.state().lamport());
            }
        }
        return cut;
    }

    /** Node id to its recorded local state (nodes that recorded). */
    public SortedMap<Integer, LocalState> states() {
        TreeMap<Integer, LocalState> states = new TreeMap<>();
        for (NodePart part : parts) {
            if (part.state() != null) {
                states.put(part.nodeId(), part.state());
            }
        }
        return states;
    }

    /** Every recorded channel, sorted by sender then receiver. */
    public List<ChannelState> channels() {
        List<ChannelState> channels = new ArrayList<>();
        for (NodePart part : parts) {
            channels.addAll(part.channels());
        }
        channels.sort(Comparator.comparingInt(ChannelState::fromId).thenComparingInt(ChannelState::toId));
        return channels;
    }

    /** The recorded state of channel {@code fromId->toId}, or null if the receiver's part did not list it. */
    public ChannelState channel(int fromId, int toId) {
        for (ChannelState channel : channels()) {
            if (channel.fromId() == fromId && channel.toId() == toId) {
                return channel;
            }
        }
        return null;
    }

    /**
     * The document as JSON: {@code snapshotId, initiatorId, complete, startedAtNanos, finishedAtNanos, durationNanos},
     * {@code cut} ([{nodeId, lamport, recordedAtNanos}]), {@code nodes} ([{nodeId, recordedAtNanos, complete, state}]),
     * {@code channels} ([{from, to, messageCount, truncated, markerReceived, messages}]); when failed also
     * {@code error}, {@code missingNodeIds} and {@code refusals} ([{nodeId, reason}]). Times are each node's host
     * clock in nanoseconds since the epoch.
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(4096);
        out.append("{\"snapshotId\":").append(snapshotId)
                .append(",\"initiatorId\":").append(initiatorId)
                .append(",\"complete\":").append(complete())
                .append(",\"startedAtNanos\":").append(startedAtNanos)
                .append(",\"finishedAtNanos\":").append(finishedAtNanos)
                .append(",\"durationNanos\":").append(finishedAtNanos - startedAtNanos);
        if (error != null) {
            out.append(",\"error\":");
            Json.string(out, error);
            out.append(",\"missingNodeIds\":[");
            for (int i = 0; i < missingNodeIds.size(); i++) {
                out.append(i > 0 ? "," : "").append(missingNodeIds.get(i));
            }
            out.append("],\"refusals\":[");
            boolean first = true;
            for (NodePart part : parts) {
                if (part.refused()) {
                    out.append(first ? "" : ",").append("{\"nodeId\":").append(part.nodeId()).append(",\"reason\":");
                    Json.string(out, part.refusal()).append('}');
                    first = false;
                }
            }
            out.append(']');
        }
        out.append(",\"cut\":[");
        boolean first = true;
        for (NodePart part : parts) {
            if (part.state() != null) {
                out.append(first ? "" : ",").append("{\"nodeId\":").append(part.nodeId())
                        .append(",\"lamport\":").append(part.state().lamport())
                        .append(",\"recordedAtNanos\":").append(part.recordedAtNanos()).append('}');
                first = false;
            }
        }
        out.append("],\"nodes\":[");
        first = true;
        for (NodePart part : parts) {
            if (part.state() != null) {
                out.append(first ? "" : ",").append("{\"nodeId\":").append(part.nodeId())
                        .append(",\"recordedAtNanos\":").append(part.recordedAtNanos())
                        .append(",\"complete\":").append(part.complete())
                        .append(",\"state\":");
                part.state().writeJson(out);
                out.append('}');
                first = false;
            }
        }
        out.append("],\"channels\":[");
        first = true;
        Map<Integer, NodePart> byNode = new TreeMap<>();
        for (NodePart part : parts) {
            byNode.put(part.nodeId(), part);
        }
        for (ChannelState channel : channels()) {
            boolean markerReceived = !byNode.get(channel.toId()).pendingChannelIds().contains(channel.fromId());
            out.append(first ? "" : ",").append("{\"from\":").append(channel.fromId())
                    .append(",\"to\":").append(channel.toId())
                    .append(",\"messageCount\":").append(channel.messageCount())
                    .append(",\"truncated\":").append(channel.truncated())
                    .append(",\"markerReceived\":").append(markerReceived)
                    .append(",\"messages\":[");
            for (int i = 0; i < channel.messages().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                Json.string(out, channel.messages().get(i));
            }
            out.append("]}");
            first = false;
        }
        return out.append("]}").toString();
    }
}
