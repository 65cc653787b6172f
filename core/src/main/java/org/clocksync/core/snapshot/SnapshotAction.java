package org.clocksync.core.snapshot;

import java.util.List;
import java.util.Objects;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;

/**
 * What the snapshot state machines ask their caller to do. Kept apart from core's {@code Action} (whose permitted
 * records must live in its own package): a daemon handles these four, and {@link SendMessage#toSend()} turns the
 * one that sends into an ordinary {@link Send}.
 */
public sealed interface SnapshotAction {
    /**
     * Send {@code message} (a marker or a node's state) to {@code toNodeId} on the channel application frames use, after
     * every frame already sent there and before any frame sent later: markers rely on FIFO order.
     */
    record SendMessage(int toNodeId, Message message) implements SnapshotAction {
        public SendMessage {
            if (toNodeId <= 0) {
                throw new IllegalArgumentException("toNodeId must be a positive node id, got " + toNodeId);
            }
            Objects.requireNonNull(message, "message");
        }

        public Send toSend() {
            return new Send(toNodeId, message);
        }
    }

    /**
     * A participant's part is ready for the initiator. Only {@link SnapshotParticipant} returns it;
     * {@link SnapshotNode} turns it into a {@code SnapshotState} frame, or hands it to its own collector.
     */
    record PartReady(NodePart part) implements SnapshotAction {
        public PartReady {
            Objects.requireNonNull(part, "part");
        }
    }

    /** A snapshot this node initiated finished: every node reported a complete part. */
    record Completed(SnapshotDocument document) implements SnapshotAction {
        public Completed {
            Objects.requireNonNull(document, "document");
            if (!document.complete()) {
                throw new IllegalArgumentException("a completed snapshot needs a complete document");
            }
        }

        public long snapshotId() {
            return document.snapshotId();
        }
    }

    /** A snapshot this node initiated failed: timed out, refused, or unreadable; the document holds what did arrive. */
    record Failed(SnapshotDocument document) implements SnapshotAction {
        public Failed {
            Objects.requireNonNull(document, "document");
            if (document.complete()) {
                throw new IllegalArgumentException("a failed snapshot needs an incomplete document");
            }
        }

        public long snapshotId() {
            return document.snapshotId();
        }

        /** One line saying what went wrong, naming the nodes and channels concerned. */
        public String reason() {
            return document.error();
        }

        /** The nodes that sent no part at all, sorted. */
        public List<Integer> missingNodeIds() {
            return document.missingNodeIds();
        }
    }
}
