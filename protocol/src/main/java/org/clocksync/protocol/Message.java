package org.clocksync.protocol;

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

    /** Chandy-Lamport: one node's recorded state, as JSON text, sent back to the initiator. */
    record SnapshotState(long snapshotId, String stateJson) implements Message {
        public SnapshotState {
            Limits.checkText("stateJson", stateJson, ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES);
        }

        public MessageType type() {
            return MessageType.SNAPSHOT_STATE;
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
