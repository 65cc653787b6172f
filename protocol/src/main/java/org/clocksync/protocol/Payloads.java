package org.clocksync.protocol;

import static org.clocksync.protocol.ProtocolLimits.MAX_ERROR_TEXT_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_IDS;
import static org.clocksync.protocol.ProtocolLimits.MAX_NAME_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_CHANNELS;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_CHANNEL_MESSAGES;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_EXTRA_ENTRIES;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_EXTRA_KEY_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_EXTRA_VALUE_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_MESSAGE_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_REFUSAL_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_SNAPSHOT_ROLE_BYTES;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.clocksync.protocol.Message.Hello;
import org.clocksync.protocol.Message.LogicalCorrectionRequest;
import org.clocksync.protocol.Message.LogicalOffset;
import org.clocksync.protocol.Message.LogicalReport;
import org.clocksync.protocol.Message.RingCoordinator;
import org.clocksync.protocol.Message.RingElection;
import org.clocksync.protocol.Message.SnapshotMarker;
import org.clocksync.protocol.Message.SnapshotState.Channel;
import org.clocksync.protocol.Message.SnapshotState.Recorded;
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
                out.i32(m.initiatorId());
                out.i32(m.nodeId());
                out.i64(m.recordedAtNanos());
                if (m.refused()) {
                    out.u8(SnapshotState.REFUSED);
                    string(out, m.refusal());
                } else {
                    out.u8(SnapshotState.RECORDED);
                    recorded(out, m.recorded());
                }
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
            case SNAPSHOT_STATE -> snapshotState(in);
            case ERROR -> new ErrorMessage(in.i64("requestId"), errorCode(in), in.string("text", MAX_ERROR_TEXT_BYTES));
            case LOGICAL_REPORT -> new LogicalReport(in.i64("requestId"), in.i64("counter"));
            case LOGICAL_CORRECTION_REQUEST -> new LogicalCorrectionRequest(in.i64("requestId"));
            case LOGICAL_OFFSET -> new LogicalOffset(in.i64("requestId"), in.i64("roundId"), in.i64("offset"));
        };
    }

    private static SnapshotState snapshotState(PayloadReader in) throws FrameRejectedException {
        long snapshotId = in.i64("snapshotId");
        int initiatorId = in.i32("initiatorId");
        int nodeId = in.i32("nodeId");
        long recordedAtNanos = in.i64("recordedAtNanos");
        int kind = in.u8("kind");
        return switch (kind) {
            case SnapshotState.RECORDED -> SnapshotState.recorded(snapshotId, initiatorId, nodeId, recordedAtNanos, recorded(in));
            case SnapshotState.REFUSED -> SnapshotState.refused(snapshotId, initiatorId, nodeId, recordedAtNanos,
                    in.string("refusal", MAX_SNAPSHOT_REFUSAL_BYTES));
            default -> throw in.bad("kind " + kind + " is neither " + SnapshotState.RECORDED + " (recorded) nor "
                    + SnapshotState.REFUSED + " (refused)");
        };
    }

    private static void recorded(FieldSink out, Recorded recorded) {
        out.i64(recorded.serviceClockNanos());
        out.i64(recorded.lamport());
        out.i64(recorded.epoch());
        out.i64(recorded.lastRoundId());
        string(out, recorded.role());
        out.u16(recorded.extra().size());
        for (Map.Entry<String, String> entry : recorded.extra().entrySet()) {
            string(out, entry.getKey());
            string(out, entry.getValue());
        }
        out.u16(recorded.channels().size());
        for (Channel channel : recorded.channels()) {
            out.i32(channel.fromId());
            out.i64(channel.messageCount());
            out.u16(channel.messages().size());
            for (String description : channel.messages()) {
                string(out, description);
            }
        }
        ids(out, recorded.pendingChannelIds());
    }

    private static Recorded recorded(PayloadReader in) throws FrameRejectedException {
        long serviceClockNanos = in.i64("serviceClockNanos");
        long lamport = in.i64("lamport");
        long epoch = in.i64("epoch");
        long lastRoundId = in.i64("lastRoundId");
        String role = in.string("role", MAX_SNAPSHOT_ROLE_BYTES);
        int extraCount = in.count("extra", MAX_SNAPSHOT_EXTRA_ENTRIES);
        Map<String, String> extra = new LinkedHashMap<>();
        String previousKey = null;
        for (int i = 0; i < extraCount; i++) {
            String key = in.string("extra key", MAX_SNAPSHOT_EXTRA_KEY_BYTES);
            // One order only, so a decoded state re-encodes to the same bytes (and a key cannot appear twice).
            if (previousKey != null && previousKey.compareTo(key) >= 0) {
                throw in.bad("extra key \"" + key + "\" follows \"" + previousKey + "\": keys must be ascending, each once");
            }
            previousKey = key;
            extra.put(key, in.string("extra value", MAX_SNAPSHOT_EXTRA_VALUE_BYTES));
        }
        int channelCount = in.count("channels", MAX_SNAPSHOT_CHANNELS);
        List<Channel> channels = new ArrayList<>(channelCount);
        for (int c = 0; c < channelCount; c++) {
            int fromId = in.i32("channel fromId");
            long messageCount = in.i64("channel messageCount");
            int kept = in.count("channel messages", MAX_SNAPSHOT_CHANNEL_MESSAGES);
            List<String> messages = new ArrayList<>(kept);
            for (int m = 0; m < kept; m++) {
                messages.add(in.string("channel message", MAX_SNAPSHOT_MESSAGE_BYTES));
            }
            channels.add(new Channel(fromId, messageCount, messages));
        }
        List<Integer> pending = in.ids("pendingChannelIds", MAX_SNAPSHOT_CHANNELS);
        return new Recorded(serviceClockNanos, lamport, epoch, lastRoundId, role, extra, channels, pending);
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
