package org.clocksync.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The payload of one frame. Records validate their own limits so that an invalid message can never be built. */
public sealed interface Message
        permits Message.Hello, Message.Welcome,
                Message.BerkeleyPoll, Message.BerkeleyReply, Message.BerkeleyAdjust,
                Message.CristianRequest, Message.CristianResponse,
                Message.Heartbeat, Message.FailureNotice,
                Message.BullyElection, Message.BullyAnswer, Message.BullyCoordinator,
                Message.RingElection, Message.RingCoordinator,
                Message.SnapshotMarker, Message.SnapshotState,
                Message.ErrorMessage,
                Message.LogicalReport, Message.LogicalCorrectionRequest, Message.LogicalOffset {

    MessageType type();

    /** A node introduces itself on a new connection; answered by {@link Welcome} or {@link ErrorMessage}. */
    record Hello(long requestId, String name) implements Message {
        public Hello {
            Limits.checkText("name", name, ProtocolLimits.MAX_NAME_BYTES);
        }

        public MessageType type() {
            return MessageType.HELLO;
        }
    }

    /** The coordinator accepts a {@link Hello}. */
    record Welcome(long requestId, int coordinatorId, long roundIntervalMillis) implements Message {
        public Welcome {
            Limits.checkNonNegative("roundIntervalMillis", roundIntervalMillis);
        }

        public MessageType type() {
            return MessageType.WELCOME;
        }
    }

    /** Berkeley: the coordinator asks a member for its clock reading. One round sends a short burst of these. */
    record BerkeleyPoll(long requestId, long roundId) implements Message {
        public MessageType type() {
            return MessageType.BERKELEY_POLL;
        }
    }

    /** Berkeley: a member's service-clock reading, in nanoseconds since the Unix epoch. */
    record BerkeleyReply(long requestId, long roundId, long clockNanos) implements Message {
        public MessageType type() {
            return MessageType.BERKELEY_REPLY;
        }
    }

    /** Berkeley: the correction a member must apply, as a signed offset (never an absolute time). */
    record BerkeleyAdjust(long requestId, long roundId, long correctionNanos) implements Message {
        public MessageType type() {
            return MessageType.BERKELEY_ADJUST;
        }
    }

    /** Cristian: a client asks for the server's time. */
    record CristianRequest(long requestId) implements Message {
        public MessageType type() {
            return MessageType.CRISTIAN_REQUEST;
        }
    }

    /** Cristian: the server's service-clock reading when it answered. */
    record CristianResponse(long requestId, long clockNanos) implements Message {
        public MessageType type() {
            return MessageType.CRISTIAN_RESPONSE;
        }
    }

    /** Liveness: sent every heartbeat period; carries who the sender believes is coordinator. */
    record Heartbeat(long sequence, int coordinatorId) implements Message {
        public MessageType type() {
            return MessageType.HEARTBEAT;
        }
    }

    /** A node that detected a crash tells everyone at once. */
    record FailureNotice(int suspectId, long lastHeardNanos) implements Message {
        public FailureNotice {
            Limits.checkNodeId("suspectId", suspectId);
        }

        public MessageType type() {
            return MessageType.FAILURE_NOTICE;
        }
    }

    /** Bully: sent to every node with a higher id. */
    record BullyElection(long electionId) implements Message {
        public MessageType type() {
            return MessageType.BULLY_ELECTION;
        }
    }

    /** Bully: a higher node tells the starter it takes over. */
    record BullyAnswer(long electionId) implements Message {
        public MessageType type() {
            return MessageType.BULLY_ANSWER;
        }
    }

    /** Bully: the winner announces itself. */
    record BullyCoordinator(long electionId, int coordinatorId) implements Message {
        public BullyCoordinator {
            Limits.checkNodeId("coordinatorId", coordinatorId);
        }

        public MessageType type() {
            return MessageType.BULLY_COORDINATOR;
        }
    }

    /** Ring: travels the ring collecting the ids of live nodes. */
    record RingElection(long electionId, int initiatorId, java.util.List<Integer> candidateIds) implements Message {
        public RingElection {
            Limits.checkNodeId("initiatorId", initiatorId);
            candidateIds = Limits.checkIds("candidateIds", candidateIds);
        }

        public MessageType type() {
            return MessageType.RING_ELECTION;
        }
    }

    /** Ring: the result goes round once. */
    record RingCoordinator(long electionId, int coordinatorId, java.util.List<Integer> memberIds) implements Message {
        public RingCoordinator {
            Limits.checkNodeId("coordinatorId", coordinatorId);
            memberIds = Limits.checkIds("memberIds", memberIds);
        }

        public MessageType type() {
            return MessageType.RING_COORDINATOR;
        }
    }

    /** Chandy-Lamport: the marker sent on every outgoing channel. */
    record SnapshotMarker(long snapshotId, int initiatorId) implements Message {
        public SnapshotMarker {
            Limits.checkNodeId("initiatorId", initiatorId);
        }

        public MessageType type() {
            return MessageType.SNAPSHOT_MARKER;
        }
    }

    /**
     * Chandy-Lamport: one node's part of a snapshot, sent back to the initiator: either what it recorded
     * ({@code recorded}) or why it did not take part ({@code refusal}), never both. The whole payload is at most
     * {@link ProtocolLimits#MAX_SNAPSHOT_STATE_BYTES}; a sender whose channels hold more keeps a prefix of each and
     * says in {@link Channel#messageCount()} how many there were.
     */
    record SnapshotState(long snapshotId, int initiatorId, int nodeId, long recordedAtNanos, Recorded recorded,
                         String refusal) implements Message {
        /** Payload bytes of a channel entry without its messages (fromId, messageCount, kept count); each message adds {@link #stringBytes}. */
        public static final int CHANNEL_FIXED_BYTES = Integer.BYTES + Long.BYTES + Short.BYTES;
        public static final int RECORDED = 0;
        public static final int REFUSED = 1;

        public SnapshotState {
            Limits.checkNodeId("initiatorId", initiatorId);
            Limits.checkNodeId("nodeId", nodeId);
            if ((recorded == null) == (refusal == null)) {
                throw new IllegalArgumentException("a snapshot state holds either a recorded state or a refusal, exactly one");
            }
            if (refusal != null) {
                Limits.checkText("refusal", refusal, ProtocolLimits.MAX_SNAPSHOT_REFUSAL_BYTES);
            }
            int payloadBytes = payloadBytes(recorded, refusal);
            if (payloadBytes > ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES) {
                throw new IllegalArgumentException("snapshot state of node " + nodeId + " is " + payloadBytes
                        + " bytes, the limit is " + ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES);
            }
        }

        public static SnapshotState recorded(long snapshotId, int initiatorId, int nodeId, long recordedAtNanos, Recorded recorded) {
            return new SnapshotState(snapshotId, initiatorId, nodeId, recordedAtNanos, recorded, null);
        }

        public static SnapshotState refused(long snapshotId, int initiatorId, int nodeId, long recordedAtNanos, String refusal) {
            return new SnapshotState(snapshotId, initiatorId, nodeId, recordedAtNanos, null, refusal);
        }

        public boolean refused() {
            return refusal != null;
        }

        /** Payload bytes of a state holding {@code recorded} or {@code refusal}, so a sender can size it before building it. */
        public static int payloadBytes(Recorded recorded, String refusal) {
            int fixedBytes = Long.BYTES + Integer.BYTES + Integer.BYTES + Long.BYTES + 1;
            if (recorded == null) {
                return fixedBytes + stringBytes(refusal);
            }
            int bytes = fixedBytes + 4 * Long.BYTES + stringBytes(recorded.role()) + Short.BYTES;
            for (Map.Entry<String, String> entry : recorded.extra().entrySet()) {
                bytes += stringBytes(entry.getKey()) + stringBytes(entry.getValue());
            }
            bytes += Short.BYTES;
            for (Channel channel : recorded.channels()) {
                bytes += CHANNEL_FIXED_BYTES + channel.messages().stream().mapToInt(SnapshotState::stringBytes).sum();
            }
            return bytes + Short.BYTES + recorded.pendingChannelIds().size() * Integer.BYTES;
        }

        /** Payload bytes of one string field: its u16 length and its UTF-8. */
        public static int stringBytes(String value) {
            return Short.BYTES + value.getBytes(StandardCharsets.UTF_8).length;
        }

        public MessageType type() {
            return MessageType.SNAPSHOT_STATE;
        }

        /**
         * What the node recorded of itself, and of each incoming channel.
         *
         * @param role              e.g. MASTER, SLAVE
         * @param extra             anything else worth showing, kept sorted by key
         * @param channels          one per incoming channel
         * @param pendingChannelIds senders of the incoming channels whose marker never arrived
         */
        public record Recorded(long serviceClockNanos, long lamport, long epoch, long lastRoundId, String role,
                               Map<String, String> extra, List<Channel> channels, List<Integer> pendingChannelIds) {
            public Recorded {
                Limits.checkNonNegative("lamport", lamport);
                Limits.checkText("role", role, ProtocolLimits.MAX_SNAPSHOT_ROLE_BYTES);
                if (extra == null || extra.size() > ProtocolLimits.MAX_SNAPSHOT_EXTRA_ENTRIES) {
                    throw new IllegalArgumentException("extra must hold at most " + ProtocolLimits.MAX_SNAPSHOT_EXTRA_ENTRIES + " entries");
                }
                TreeMap<String, String> sorted = new TreeMap<>();
                for (Map.Entry<String, String> entry : extra.entrySet()) {
                    Limits.checkText("extra key", entry.getKey(), ProtocolLimits.MAX_SNAPSHOT_EXTRA_KEY_BYTES);
                    Limits.checkText("extra value", entry.getValue(), ProtocolLimits.MAX_SNAPSHOT_EXTRA_VALUE_BYTES);
                    sorted.put(entry.getKey(), entry.getValue());
                }
                extra = Collections.unmodifiableSortedMap(sorted);
                if (channels == null || channels.size() > ProtocolLimits.MAX_SNAPSHOT_CHANNELS) {
                    throw new IllegalArgumentException("channels must hold at most " + ProtocolLimits.MAX_SNAPSHOT_CHANNELS + " channels");
                }
                channels = List.copyOf(channels);
                pendingChannelIds = Limits.checkIds("pendingChannelIds", pendingChannelIds);
                if (pendingChannelIds.size() > ProtocolLimits.MAX_SNAPSHOT_CHANNELS) {
                    throw new IllegalArgumentException("pendingChannelIds has " + pendingChannelIds.size() + " ids, the limit is "
                            + ProtocolLimits.MAX_SNAPSHOT_CHANNELS);
                }
            }
        }

        /**
         * One incoming channel: the messages kept, oldest first, and how many arrived in all.
         *
         * @param messages     descriptions of the messages kept, a prefix of what arrived
         * @param messageCount how many arrived; more than {@code messages.size()} when some were left out
         */
        public record Channel(int fromId, long messageCount, List<String> messages) {
            public Channel {
                Limits.checkNodeId("channel fromId", fromId);
                if (messages == null || messages.size() > ProtocolLimits.MAX_SNAPSHOT_CHANNEL_MESSAGES) {
                    throw new IllegalArgumentException("channel " + fromId + " must keep at most "
                            + ProtocolLimits.MAX_SNAPSHOT_CHANNEL_MESSAGES + " messages");
                }
                for (String message : messages) {
                    Limits.checkText("channel message", message, ProtocolLimits.MAX_SNAPSHOT_MESSAGE_BYTES);
                }
                messages = List.copyOf(messages);
                if (messageCount < messages.size()) {
                    throw new IllegalArgumentException("channel " + fromId + " counts " + messageCount + " messages but keeps "
                            + messages.size());
                }
            }
        }
    }

    /** A request failed; echoes the request id (0 when the failure is not tied to a request). */
    record ErrorMessage(long requestId, ErrorCode code, String text) implements Message {
        public ErrorMessage {
            java.util.Objects.requireNonNull(code, "code");
            Limits.checkText("text", text, ProtocolLimits.MAX_ERROR_TEXT_BYTES);
        }

        public MessageType type() {
            return MessageType.ERROR;
        }
    }

    /** Logical clocks: a process object reports its Lamport counter to the master object. */
    record LogicalReport(long requestId, long counter) implements Message {
        public LogicalReport {
            Limits.checkNonNegative("counter", counter);
        }

        public MessageType type() {
            return MessageType.LOGICAL_REPORT;
        }
    }

    /** Logical clocks: a process object asks the master object for its correction. */
    record LogicalCorrectionRequest(long requestId) implements Message {
        public MessageType type() {
            return MessageType.LOGICAL_CORRECTION_REQUEST;
        }
    }

    /**
     * Logical clocks: the master object's averaging round gives this process object a signed offset t; the receiver
     * sets its counter to LC + t + 1 (never backwards, see docs). Echoes the request it answers, 0 when unasked.
     */
    record LogicalOffset(long requestId, long roundId, long offset) implements Message {
        public MessageType type() {
            return MessageType.LOGICAL_OFFSET;
        }
    }
}
