package org.clocksync.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
import org.clocksync.protocol.Message.SnapshotState;
import org.clocksync.protocol.Message.Welcome;
import org.clocksync.protocol.auth.ClusterKey;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.auth.KeyRing;

/** One fixed example frame per message type; PROTOCOL.md quotes their hex and a test keeps the document true to the code. */
public final class ProtocolExamples {
    private static final int SENDER_ID = 3;
    private static final long EPOCH = 2;
    private static final long LAMPORT = 42;
    private static final long CLOCK_NANOS = 1_700_000_000_123_456_789L;

    /** The key id of the example cluster key (PROTOCOL.md section 1.2). */
    public static final int EXAMPLE_KEY_ID = 1;
    /** The sequence the first signed example carries: a node started at 2023-11-14T22:13:20Z, in ns since 1970. */
    public static final long EXAMPLE_FIRST_SEQUENCE = 1_700_000_000_000_000_000L;

    private ProtocolExamples() {
    }

    /** The secret of the example cluster key: the 32 bytes 0x00, 0x01, ..., 0x1f. Public, so never for real use. */
    public static byte[] exampleKeySecret() {
        byte[] secret = new byte[ClusterKey.MIN_SECRET_BYTES];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) i;
        }
        return secret;
    }

    /** A fresh FrameAuth holding only the example key (signing), whose first frame carries {@link #EXAMPLE_FIRST_SEQUENCE}. */
    public static FrameAuth exampleAuth() {
        return new FrameAuth(new KeyRing(List.of(new ClusterKey(EXAMPLE_KEY_ID, exampleKeySecret(), true))),
                EXAMPLE_FIRST_SEQUENCE);
    }

    /** Frames PROTOCOL.md quotes signed (flag 0x01) with {@link #exampleAuth()}, each as the first frame of a fresh one. */
    public static List<Frame> signed() {
        return List.of(frame(new Hello(7, "node-3")));
    }

    /** One frame per {@link MessageType}, in code order, all sent by node 3 in epoch 2 at Lamport time 42. */
    public static List<Frame> all() {
        return List.of(
                frame(new Hello(7, "node-3")),
                frame(new Welcome(7, 5, 5_000)),
                frame(new BerkeleyPoll(8, 12)),
                frame(new BerkeleyReply(8, 12, CLOCK_NANOS)),
                frame(new BerkeleyAdjust(8, 12, -1_500_000)),
                frame(new CristianRequest(9)),
                frame(new CristianResponse(9, CLOCK_NANOS)),
                frame(new Heartbeat(100, 5)),
                frame(new FailureNotice(5, CLOCK_NANOS)),
                frame(new BullyElection(4)),
                frame(new BullyAnswer(4)),
                frame(new BullyCoordinator(4, 5)),
                frame(new RingElection(4, 3, List.of(3, 4))),
                frame(new RingCoordinator(4, 5, List.of(3, 4, 5))),
                frame(new SnapshotMarker(11, 3)),
                frame(SnapshotState.recorded(11, 1, SENDER_ID, CLOCK_NANOS, new SnapshotState.Recorded(CLOCK_NANOS, 40,
                        EPOCH, 12, "SLAVE", Map.of("name", "node-3"),
                        List.of(new SnapshotState.Channel(1, 2, List.of("BerkeleyPoll[requestId=8, roundId=12]")),
                                new SnapshotState.Channel(5, 0, List.of())),
                        List.of(5)))),
                frame(new ErrorMessage(7, ErrorCode.NOT_COORDINATOR, "ask node 5")),
                frame(new LogicalReport(13, 4_711)),
                frame(new LogicalCorrectionRequest(14)),
                frame(new LogicalOffset(14, 6, -3)));
    }

    /**
     * A recorded SNAPSHOT_STATE of node 3 for initiator 1 whose payload is exactly {@code payloadBytes} bytes (at
     * least {@link #MIN_SNAPSHOT_STATE_BYTES}), its channels full of ASCII descriptions: for tests and benchmarks
     * that need a large frame.
     */
    public static SnapshotState snapshotStateFilling(int payloadBytes) {
        if (payloadBytes < MIN_SNAPSHOT_STATE_BYTES || payloadBytes > ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES) {
            throw new IllegalArgumentException("payloadBytes must be " + MIN_SNAPSHOT_STATE_BYTES + ".."
                    + ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES + ", got " + payloadBytes);
        }
        int restBytes = payloadBytes - MIN_SNAPSHOT_STATE_BYTES;
        List<SnapshotState.Channel> channels = new java.util.ArrayList<>();
        int fullMessageBytes = SnapshotState.stringBytes("x".repeat(ProtocolLimits.MAX_SNAPSHOT_MESSAGE_BYTES));
        for (int fromId = 1; restBytes >= SnapshotState.CHANNEL_FIXED_BYTES + Short.BYTES; fromId++) {
            restBytes -= SnapshotState.CHANNEL_FIXED_BYTES;
            List<String> messages = new java.util.ArrayList<>();
            while (restBytes >= Short.BYTES && messages.size() < ProtocolLimits.MAX_SNAPSHOT_CHANNEL_MESSAGES) {
                int textBytes = Math.min(restBytes, fullMessageBytes) - Short.BYTES;
                if (restBytes - textBytes - Short.BYTES == 1) {
                    textBytes--;
                }
                messages.add("x".repeat(textBytes));
                restBytes -= textBytes + Short.BYTES;
            }
            channels.add(new SnapshotState.Channel(fromId, messages.size(), messages));
        }
        SnapshotState.Recorded recorded = new SnapshotState.Recorded(CLOCK_NANOS, LAMPORT, EPOCH, 12, "r".repeat(restBytes),
                Map.of(), channels, List.of());
        return SnapshotState.recorded(11, 1, SENDER_ID, CLOCK_NANOS, recorded);
    }

    /** The smallest recorded SNAPSHOT_STATE: empty role, no extras, no channels. */
    public static final int MIN_SNAPSHOT_STATE_BYTES = SnapshotState.payloadBytes(new SnapshotState.Recorded(0, 0, 0, 0, "",
            Map.of(), List.of(), List.of()), null);

    /** Frames with flag 0x02, a vector timestamp after the payload (PROTOCOL.md quotes them after the list above). */
    public static List<Frame> withVector() {
        return List.of(new Frame(SENDER_ID, EPOCH, LAMPORT, new BerkeleyPoll(8, 12),
                VectorTimestamp.of(new int[] {1, 3, 5}, new long[] {4, 9, 7})));
    }

    /**
     * The encoded bytes of {@code frame} in lower-case hex, one space-separated group per wire field (length, magic,
     * version, type, flags, sender, epoch, Lamport, then each payload field; a string is its length then its bytes).
     */
    public static String hex(Frame frame) {
        return hex(frame, null);
    }

    /**
     * As {@link #hex(Frame)}, signed with {@code auth} when it is not null (which uses up one of its sequence numbers):
     * the trailer follows as three more groups, key id, sequence and tag.
     */
    public static String hex(Frame frame, FrameAuth auth) {
        FieldWidths widths = new FieldWidths();
        FrameCodec.writeBody(frame, widths, 0);
        if (auth != null) {
            widths.u8(0);
            widths.i64(0);
            widths.bytes(new byte[FrameAuth.TAG_BYTES]);
        }
        ByteBuf buf = Unpooled.buffer(FrameCodec.encodedLength(frame, auth != null));
        try {
            FrameCodec.encode(frame, buf, auth);
            StringBuilder hex = new StringBuilder(ByteBufUtil.hexDump(buf, 0, ProtocolLimits.LENGTH_FIELD_BYTES));
            int at = ProtocolLimits.LENGTH_FIELD_BYTES;
            for (int widthBytes : widths.widthsBytes()) {
                hex.append(' ').append(ByteBufUtil.hexDump(buf, at, widthBytes));
                at += widthBytes;
            }
            return hex.toString();
        } finally {
            buf.release();
        }
    }

    /** Prints every example as Markdown, to paste into PROTOCOL.md when the format changes. */
    public static void main(String[] args) {
        for (Frame frame : concat(all(), withVector())) {
            System.out.println("**" + frame.type() + "** (" + frame.type().code() + ") `" + frame.message() + "`"
                    + (frame.hasVector() ? " with vector timestamp `" + frame.vector() + "`" : ""));
            System.out.println();
            System.out.println("```");
            System.out.println(hex(frame));
            System.out.println("```");
            System.out.println();
        }
        for (Frame frame : signed()) {
            System.out.println("**" + frame.type() + "** (" + frame.type().code() + ") `" + frame.message()
                    + "` signed with key " + EXAMPLE_KEY_ID + " (bytes 0x00..0x1f), sequence " + EXAMPLE_FIRST_SEQUENCE);
            System.out.println();
            System.out.println("```");
            System.out.println(hex(frame, exampleAuth()));
            System.out.println("```");
            System.out.println();
        }
    }

    private static List<Frame> concat(List<Frame> a, List<Frame> b) {
        List<Frame> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Frame frame(Message message) {
        return new Frame(SENDER_ID, EPOCH, LAMPORT, message);
    }
}
