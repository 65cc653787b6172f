package org.clocksync.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
                frame(new SnapshotState(11, "{\"offsetNanos\":-1500}")),
                frame(new ErrorMessage(7, ErrorCode.NOT_COORDINATOR, "ask node 5")),
                frame(new LogicalReport(13, 4_711)),
                frame(new LogicalCorrectionRequest(14)),
                frame(new LogicalOffset(14, 6, -3)));
    }

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
