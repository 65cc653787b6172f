package org.clocksync.protocol;

import static org.clocksync.protocol.ProtocolLimits.MAX_ERROR_TEXT_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_IDS;
import static org.clocksync.protocol.ProtocolLimits.MAX_NAME_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.clocksync.protocol.Message.BerkeleyAdjust;
import org.clocksync.protocol.Message.BerkeleyPoll;
import org.clocksync.protocol.Message.BerkeleyReply;
import org.clocksync.protocol.Message.BullyAnswer;
import org.clocksync.protocol.Message.BullyCoordinator;
import org.clocksync.protocol.Message.BullyElection;
import org.clocksync.protocol.Message.CristianRequest;
import org.clocksync.protocol.Message.CristianResponse;
import org.clocksync.protocol.Message.ErrorMessage;
import org.clocksync.protocol.Message.FailureNotice;
import org.clocksync.protocol.Message.Heartbeat;
import org.clocksync.protocol.Message.LogicalCorrectionRequest;
import org.clocksync.protocol.Message.LogicalOffset;
import org.clocksync.protocol.Message.LogicalReport;
import org.clocksync.protocol.Message.Hello;
import org.clocksync.protocol.Message.RingCoordinator;
import org.clocksync.protocol.Message.RingElection;
import org.clocksync.protocol.Message.SnapshotMarker;
import org.clocksync.protocol.Message.SnapshotState;
import org.clocksync.protocol.Message.Welcome;

/** The payload layout of every message type, writer and reader side by side so they cannot drift apart (PROTOCOL.md mirrors this). */
final class Payloads {
    private Payloads() {
    }

    static void write(Message message, FieldSink out) {
        switch (message.type()) {
            case HELLO -> {
                Hello m = (Hello) message;
                out.i64(m.requestId());
                string(out, m.name());
            }
            case WELCOME -> {
                Welcome m = (Welcome) message;
                out.i64(m.requestId());
                out.i32(m.coordinatorId());
                out.i64(m.roundIntervalMillis());
            }
            case BERKELEY_POLL -> {
                BerkeleyPoll m = (BerkeleyPoll) message;
                out.i64(m.requestId());
                out.i64(m.roundId());
            }
            case BERKELEY_REPLY -> {
                BerkeleyReply m = (BerkeleyReply) message;
                out.i64(m.requestId());
                out.i64(m.roundId());
                out.i64(m.clockNanos());
            }
            case BERKELEY_ADJUST -> {
                BerkeleyAdjust m = (BerkeleyAdjust) message;
                out.i64(m.requestId());
                out.i64(m.roundId());
                out.i64(m.correctionNanos());
            }
            case CRISTIAN_REQUEST -> out.i64(((CristianRequest) message).requestId());
            case CRISTIAN_RESPONSE -> {
                CristianResponse m = (CristianResponse) message;
                out.i64(m.requestId());
                out.i64(m.clockNanos());
            }
            case HEARTBEAT -> {
                Heartbeat m = (Heartbeat) message;
                out.i64(m.sequence());
                out.i32(m.coordinatorId());
            }
            case FAILURE_NOTICE -> {
                FailureNotice m = (FailureNotice) message;
                out.i32(m.suspectId());
                out.i64(m.lastHeardNanos());
            }
            case BULLY_ELECTION -> out.i64(((BullyElection) message).electionId());
            case BULLY_ANSWER -> out.i64(((BullyAnswer) message).electionId());
            case BULLY_COORDINATOR -> {
                BullyCoordinator m = (BullyCoordinator) message;
                out.i64(m.electionId());
                out.i32(m.coordinatorId());
            }
            case RING_ELECTION -> {
                RingElection m = (RingElection) message;
                out.i64(m.electionId());
                out.i32(m.initiatorId());
                ids(out, m.candidateIds());
            }
            case RING_COORDINATOR -> {
                RingCoordinator m = (RingCoordinator) message;
                out.i64(m.electionId());
                out.i32(m.coordinatorId());
                ids(out, m.memberIds());
            }
            case SNAPSHOT_MARKER -> {
                SnapshotMarker m = (SnapshotMarker) message;
                out.i64(m.snapshotId());
                out.i32(m.initiatorId());
            }
            case SNAPSHOT_STATE -> {
                SnapshotState m = (SnapshotState) message;
                out.i64(m.snapshotId());
                string(out, m.stateJson());
            }
            case ERROR -> {
                ErrorMessage m = (ErrorMessage) message;
                out.i64(m.requestId());
                out.u16(m.code().code());
                string(out, m.text());
            }
            case LOGICAL_REPORT -> {
                LogicalReport m = (LogicalReport) message;
                out.i64(m.requestId());
                out.i64(m.counter());
            }
            case LOGICAL_CORRECTION_REQUEST -> out.i64(((LogicalCorrectionRequest) message).requestId());
            case LOGICAL_OFFSET -> {
                LogicalOffset m = (LogicalOffset) message;
                out.i64(m.requestId());
                out.i64(m.roundId());
                out.i64(m.offset());
            }
            default -> throw new IllegalStateException("no layout for " + message.type());
        }
    }

    /** Reads the payload of {@code type}; a record constructor's IllegalArgumentException propagates to the caller. */
    static Message read(MessageType type, PayloadReader in) throws FrameRejectedException {
        return switch (type) {
            case HELLO -> new Hello(in.i64("requestId"), in.string("name", MAX_NAME_BYTES));
            case WELCOME -> new Welcome(in.i64("requestId"), in.i32("coordinatorId"), in.i64("roundIntervalMillis"));
            case BERKELEY_POLL -> new BerkeleyPoll(in.i64("requestId"), in.i64("roundId"));
            case BERKELEY_REPLY -> new BerkeleyReply(in.i64("requestId"), in.i64("roundId"), in.i64("clockNanos"));
            case BERKELEY_ADJUST -> new BerkeleyAdjust(in.i64("requestId"), in.i64("roundId"), in.i64("correctionNanos"));
            case CRISTIAN_REQUEST -> new CristianRequest(in.i64("requestId"));
            case CRISTIAN_RESPONSE -> new CristianResponse(in.i64("requestId"), in.i64("clockNanos"));
            case HEARTBEAT -> new Heartbeat(in.i64("sequence"), in.i32("coordinatorId"));
            case FAILURE_NOTICE -> new FailureNotice(in.i32("suspectId"), in.i64("lastHeardNanos"));
            case BULLY_ELECTION -> new BullyElection(in.i64("electionId"));
            case BULLY_ANSWER -> new BullyAnswer(in.i64("electionId"));
            case BULLY_COORDINATOR -> new BullyCoordinator(in.i64("electionId"), in.i32("coordinatorId"));
            case RING_ELECTION -> new RingElection(in.i64("electionId"), in.i32("initiatorId"), in.ids("candidateIds", MAX_IDS));
            case RING_COORDINATOR -> new RingCoordinator(in.i64("electionId"), in.i32("coordinatorId"), in.ids("memberIds", MAX_IDS));
            case SNAPSHOT_MARKER -> new SnapshotMarker(in.i64("snapshotId"), in.i32("initiatorId"));
            case SNAPSHOT_STATE -> new SnapshotState(in.i64("snapshotId"), in.string("stateJson", MAX_SNAPSHOT_STATE_BYTES));
            case ERROR -> new ErrorMessage(in.i64("requestId"), errorCode(in), in.string("text", MAX_ERROR_TEXT_BYTES));
            case LOGICAL_REPORT -> new LogicalReport(in.i64("requestId"), in.i64("counter"));
            case LOGICAL_CORRECTION_REQUEST -> new LogicalCorrectionRequest(in.i64("requestId"));
            case LOGICAL_OFFSET -> new LogicalOffset(in.i64("requestId"), in.i64("roundId"), in.i64("offset"));
        };
    }

    private static ErrorCode errorCode(PayloadReader in) throws FrameRejectedException {
        int wire = in.u16("code");
        ErrorCode code = ErrorCode.fromCode(wire);
        if (code == null) {
            throw in.bad("error code " + wire + " is not assigned");
        }
        return code;
    }

    private static void string(FieldSink out, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.u16(utf8.length);
        out.bytes(utf8);
    }

    private static void ids(FieldSink out, List<Integer> ids) {
        out.u16(ids.size());
        for (int id : ids) {
            out.i32(id);
        }
    }
}
