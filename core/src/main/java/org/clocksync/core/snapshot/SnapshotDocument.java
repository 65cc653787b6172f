package org.clocksync.core.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The result of one snapshot as the initiator assembles it: the cut (each node's frontier event, its Lamport counter
 * when it recorded) and the state of every channel; the daemon renders it as the JSON its admin interface returns. A failed
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

    public long durationNanos() {
        return finishedAtNanos - startedAtNanos;
    }

    /** Whether the marker closed {@code channel}: false when its receiver gave up still waiting on it. */
    public boolean markerReceived(ChannelState channel) {
        for (NodePart part : parts) {
            if (part.nodeId() == channel.toId()) {
                return !part.pendingChannelIds().contains(channel.fromId());
            }
        }
        return false;
    }

    /** The parts of the nodes that refused to take part. */
    public List<NodePart> refusals() {
        return parts.stream().filter(NodePart::refused).toList();
    }
}
