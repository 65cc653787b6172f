package org.clocksync.core.snapshot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.ProtocolLimits;

/**
 * The initiator's side of one snapshot, sans-IO: gathers every node's part and completes when all nodes have reported
 * complete parts. It fails at once when a node refuses or sends an unreadable part, and on the first {@link #tick} at
 * or after the timeout otherwise, naming the nodes that sent nothing and the channels whose markers never arrived.
 */
public final class SnapshotCollector {
    public static final int MAX_NODES = ProtocolLimits.MAX_IDS;

    private final long snapshotId;
    private final int initiatorId;
    private final SortedSet<Integer> nodeIds;
    private final long startedAtNanos;
    private final long timeoutNanos;
    private final TreeMap<Integer, NodePart> parts = new TreeMap<>();
    private boolean finished;
    private long ignoredParts;

    /** @param nodeIds every node expected to report, the initiator included */
    public SnapshotCollector(long snapshotId, int initiatorId, Collection<Integer> nodeIds, long startedAtNanos, long timeoutNanos) {
        if (initiatorId <= 0) {
            throw new IllegalArgumentException("initiatorId must be a positive node id, got " + initiatorId);
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeoutNanos must be positive, got " + timeoutNanos);
        }
        TreeSet<Integer> ids = new TreeSet<>();
        for (Integer id : Objects.requireNonNull(nodeIds, "nodeIds")) {
            if (id == null || id <= 0) {
                throw new IllegalArgumentException("node ids must be positive, got " + id);
            }
            ids.add(id);
        }
        if (!ids.contains(initiatorId)) {
            throw new IllegalArgumentException("the nodes of snapshot " + snapshotId + " must include its initiator " + initiatorId);
        }
        if (ids.size() > MAX_NODES) {
            throw new IllegalArgumentException(ids.size() + " nodes, the limit is " + MAX_NODES);
        }
        this.snapshotId = snapshotId;
        this.initiatorId = initiatorId;
        this.nodeIds = Collections.unmodifiableSortedSet(ids);
        this.startedAtNanos = startedAtNanos;
        this.timeoutNanos = timeoutNanos;
    }

    /** A {@code SnapshotState} frame from {@code fromId}; an unreadable part, or one about another node, fails the snapshot. */
    public List<SnapshotAction> onState(int fromId, Message.SnapshotState state, long nowNanos) {
        Objects.requireNonNull(state, "state");
        if (finished) {
            return List.of();
        }
        if (state.snapshotId() != snapshotId) {
            throw new IllegalArgumentException("snapshot " + state.snapshotId() + " handed to the collector of snapshot " + snapshotId);
        }
        NodePart part;
        try {
            part = NodePart.fromMessage(state);
        } catch (IllegalArgumentException unreadable) {
            return fail("failed: node " + fromId + " sent an unreadable state: " + unreadable.getMessage(), nowNanos);
        }
        if (part.nodeId() != fromId || part.snapshotId() != snapshotId || part.initiatorId() != initiatorId) {
            return fail("failed: node " + fromId + " sent the part of node " + part.nodeId() + " in snapshot " + part.snapshotId()
                    + " of node " + part.initiatorId(), nowNanos);
        }
        return onPart(part, nowNanos);
    }

    /**
     * A node's part (the initiator's own comes this way, without a frame). Parts from unexpected nodes and repeated parts
     * are ignored.
     */
    public List<SnapshotAction> onPart(NodePart part, long nowNanos) {
        Objects.requireNonNull(part, "part");
        if (finished) {
            return List.of();
        }
        if (part.snapshotId() != snapshotId || part.initiatorId() != initiatorId || !nodeIds.contains(part.nodeId())
                || parts.containsKey(part.nodeId())) {
            ignoredParts++;
            return List.of();
        }
        parts.put(part.nodeId(), part);
        if (part.refused()) {
            return fail("failed: node " + part.nodeId() + " refused to take part: " + part.refusal(), nowNanos);
        }
        if (parts.size() < nodeIds.size()) {
            return List.of();
        }
        if (parts.values().stream().allMatch(NodePart::complete)) {
            finished = true;
            return List.of(new SnapshotAction.Completed(document(nowNanos, null)));
        }
        return fail("failed: every node reported, but markers never arrived on channels " + openChannels(), nowNanos);
    }

    /** Fails the snapshot once its timeout has passed. */
    public List<SnapshotAction> tick(long nowNanos) {
        if (finished || nowNanos - startedAtNanos < timeoutNanos) {
            return List.of();
        }
        List<Integer> missing = missingNodeIds();
        StringBuilder reason = new StringBuilder("timed out after ").append(timeoutNanos / 1_000_000L).append(" ms: ");
        reason.append("no state from ").append(missing.size() == 1 ? "node " : "nodes ").append(join(missing))
                .append(" (down or unreachable?)");
        String open = openChannels();
        if (!open.isEmpty()) {
            reason.append("; markers never arrived on channels ").append(open);
        }
        return fail(reason.toString(), nowNanos);
    }

    public boolean finished() {
        return finished;
    }

    public long snapshotId() {
        return snapshotId;
    }

    public SortedSet<Integer> nodeIds() {
        return nodeIds;
    }

    public long startedAtNanos() {
        return startedAtNanos;
    }

    public long deadlineNanos() {
        return startedAtNanos + timeoutNanos;
    }

    /** The expected nodes that have sent no part yet, sorted. */
    public List<Integer> missingNodeIds() {
        List<Integer> missing = new ArrayList<>();
        for (int id : nodeIds) {
            if (!parts.containsKey(id)) {
                missing.add(id);
            }
        }
        return missing;
    }

    /** Parts from nodes not expected, repeated parts, and parts arriving after the end. */
    public long ignoredParts() {
        return ignoredParts;
    }

    private List<SnapshotAction> fail(String why, long nowNanos) {
        finished = true;
        return List.of(new SnapshotAction.Failed(document(nowNanos, "snapshot " + snapshotId + " " + why)));
    }

    private SnapshotDocument document(long nowNanos, String error) {
        return new SnapshotDocument(snapshotId, initiatorId, startedAtNanos, nowNanos, new ArrayList<>(parts.values()),
                error == null ? List.of() : missingNodeIds(), error);
    }

    /** "3->1, 3->2": the channels whose receivers gave up before their markers came. */
    private String openChannels() {
        List<String> open = new ArrayList<>();
        for (NodePart part : parts.values()) {
            for (int fromId : part.pendingChannelIds()) {
                open.add(fromId + "->" + part.nodeId());
            }
        }
        return String.join(", ", open);
    }

    private static String join(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
