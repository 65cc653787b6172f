package org.clocksync.protocol;

import static org.clocksync.protocol.ProtocolLimits.HEADER_BYTES;
import static org.clocksync.protocol.ProtocolLimits.LENGTH_FIELD_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAGIC;
import static org.clocksync.protocol.ProtocolLimits.MAX_FRAME_BYTES;
import static org.clocksync.protocol.ProtocolLimits.VERSION;

import io.netty.buffer.ByteBuf;
import org.clocksync.protocol.auth.FrameAuth;

/** The wire format as pure functions over ByteBufs, so it can be tested and reused without a Netty channel (layout: PROTOCOL.md). */
public final class FrameCodec {
    /** Offsets of the header fields, counted from the first byte after the length prefix. */
    static final int MAGIC_AT = 0;
    static final int VERSION_AT = 2;
    static final int TYPE_AT = 3;
    public static final int FLAGS_AT = 4;
    static final int SENDER_AT = 5;
    static final int EPOCH_AT = 9;
    static final int LAMPORT_AT = 17;
    /** Flag bit 0: key id, sequence and HMAC-SHA256 tag follow the payload (PROTOCOL.md, section 1.2). */
    public static final int FLAG_AUTH = 0x01;
    /** Flag bit 1: a vector timestamp follows the payload (PROTOCOL.md, section 1.1). */
    public static final int FLAG_VECTOR = 0x02;
    private static final int KNOWN_FLAGS = FLAG_AUTH | FLAG_VECTOR;

    private FrameCodec() {
    }

    /** Appends the whole frame, length prefix included, to {@code out}, unsigned. */
    public static void encode(Frame frame, ByteBuf out) {
        encode(frame, out, null);
    }

    /** Appends the whole frame, length prefix included, to {@code out}; signed (unbound) when {@code auth} is not null. */
    public static void encode(Frame frame, ByteBuf out, FrameAuth auth) {
        encode(frame, out, auth, FrameAuth.UNBOUND);
    }

    /**
     * Appends the whole frame, length prefix included, to {@code out}; signed when {@code auth} is not null, with the
     * tag bound to {@code receiverId} when it is above 0 ({@link FrameAuth#sign(ByteBuf, int, int)}).
     */
    public static void encode(Frame frame, ByteBuf out, FrameAuth auth, int receiverId) {
        int start = out.writerIndex();
        out.writeInt(0);
        writeBody(frame, FieldSink.of(out), auth != null ? FLAG_AUTH : 0);
        int bodyBytes = out.writerIndex() - start - LENGTH_FIELD_BYTES;
        int trailerBytes = auth != null ? FrameAuth.TRAILER_BYTES : 0;
        if (bodyBytes + trailerBytes > MAX_FRAME_BYTES) {
            out.writerIndex(start);
            throw new IllegalArgumentException(frame.type() + " frame is " + (bodyBytes + trailerBytes)
                    + " bytes, the limit is " + MAX_FRAME_BYTES);
        }
        out.setInt(start, bodyBytes);
        if (auth != null) {
            auth.sign(out, start, receiverId);
        }
    }

    /** Bytes {@link #encode} writes for {@code frame}, length prefix included, unsigned. */
    /**
     * Checks the trailer of the signed frame at {@code [frameStart, frameStart + frameBytes)} (length prefix included,
     * flag bit 0 set, at least a header and a trailer long): a tag bound to {@code auth}'s node, or an unbound one, is
     * right. Returns null when the tag is right, else why not. (Here rather than in FrameAuth, so that the auth
     * package does not depend back on this one.)
     */
    public static RejectReason verifyTag(FrameAuth auth, ByteBuf in, int frameStart, int frameBytes) {
        int receiver = auth.verifiedReceiver(in, frameStart, frameBytes);
        return receiver == FrameAuth.UNKNOWN_KEY_ID ? RejectReason.UNKNOWN_KEY
                : receiver == FrameAuth.WRONG_TAG ? RejectReason.BAD_TAG : null;
    }

    public static int encodedLength(Frame frame) {
        return encodedLength(frame, false);
    }

    /** Bytes {@link #encode} writes for {@code frame}, length prefix included, with the trailer when {@code signed}. */
    public static int encodedLength(Frame frame, boolean signed) {
        FieldWidths widths = new FieldWidths();
        writeBody(frame, widths, 0);
        return LENGTH_FIELD_BYTES + widths.totalBytes() + (signed ? FrameAuth.TRAILER_BYTES : 0);
    }

    /**
     * Decodes one frame from {@code body}, which holds exactly the bytes after the length prefix; on success the body
     * is fully read, on rejection its reader index is unspecified. A payload shorter than its type needs is
     * {@link RejectReason#BAD_PAYLOAD} (the frame arrived whole, so the sender encoded it wrongly), never TRUNCATED.
     * A signed frame's trailer (flag bit 0) is skipped, not checked: callers that hold a key check it first with
     * {@link FrameAuth#verify}.
     */
    public static Frame decodeBody(ByteBuf body) throws FrameRejectedException {
        int bodyBytes = body.readableBytes();
        checkLength(bodyBytes, MAX_FRAME_BYTES);
        int at = body.readerIndex();
        checkHeader(body, at, bodyBytes);
        if ((body.getUnsignedByte(at + FLAGS_AT) & FLAG_AUTH) != 0) {
            if (bodyBytes < HEADER_BYTES + FrameAuth.TRAILER_BYTES) {
                throw new FrameRejectedException(RejectReason.BAD_HEADER, "a signed frame (flag 0x01) of " + bodyBytes
                        + " bytes cannot hold the header and the " + FrameAuth.TRAILER_BYTES + "-byte trailer");
            }
            Frame frame = decodeUnsignedPart(body.slice(at, bodyBytes - FrameAuth.TRAILER_BYTES));
            body.skipBytes(bodyBytes);
            return frame;
        }
        return decodeUnsignedPart(body);
    }

    /** Decodes header, payload and vector, which fill {@code body} exactly. */
    private static Frame decodeUnsignedPart(ByteBuf body) throws FrameRejectedException {
        int at = body.readerIndex();
        MessageType type = MessageType.fromCode(body.getUnsignedByte(at + TYPE_AT));
        int senderId = body.getInt(at + SENDER_AT);
        long epoch = body.getLong(at + EPOCH_AT);
        long lamport = body.getLong(at + LAMPORT_AT);
        body.skipBytes(HEADER_BYTES);
        PayloadReader payload = new PayloadReader(body, type);
        try {
            Message message = Payloads.read(type, payload);
            VectorTimestamp vector = (body.getUnsignedByte(at + FLAGS_AT) & FLAG_VECTOR) != 0 ? payload.vector() : null;
            payload.expectEnd();
            return new Frame(senderId, epoch, lamport, message, vector);
        } catch (IllegalArgumentException e) {
            throw payload.bad(e.getMessage());
        }
    }

    static void writeBody(Frame frame, FieldSink out, int extraFlags) {
        out.u16(MAGIC);
        out.u8(VERSION);
        out.u8(frame.type().code());
        out.u8((frame.hasVector() ? FLAG_VECTOR : 0) | extraFlags);
        out.i32(frame.senderId());
        out.i64(frame.epoch());
        out.i64(frame.lamport());
        Payloads.write(frame.message(), out);
        if (frame.hasVector()) {
            writeVector(frame.vector(), out);
        }
    }

    /** u16 count, then per entry i32 node id and i64 counter, ids ascending (VectorTimestamp guarantees the rules). */
    private static void writeVector(VectorTimestamp vector, FieldSink out) {
        out.u16(vector.size());
        for (int i = 0; i < vector.size(); i++) {
            out.i32(vector.nodeId(i));
            out.i64(vector.counter(i));
        }
    }

    /** Checks a length prefix value against the header size and {@code maxFrameBytes}, before any of the frame is buffered. */
    static void checkLength(long lengthBytes, int maxFrameBytes) throws FrameRejectedException {
        if (lengthBytes < HEADER_BYTES) {
            throw new FrameRejectedException(RejectReason.BAD_HEADER,
                    "length " + lengthBytes + " is shorter than the " + HEADER_BYTES + "-byte header");
        }
        if (lengthBytes > maxFrameBytes) {
            throw new FrameRejectedException(RejectReason.OVERSIZE,
                    "length " + lengthBytes + " exceeds the " + maxFrameBytes + "-byte frame limit" + foreignProtocolHint(lengthBytes, 4));
        }
    }

    /**
     * Checks the header fields that lie within the first {@code availableBytes} bytes at {@code index} (the byte after
     * the length prefix), so the decoder can reject a bad magic or version before the rest of the frame arrives.
     */
    static void checkHeader(ByteBuf buf, int index, int availableBytes) throws FrameRejectedException {
        if (availableBytes >= VERSION_AT) {
            int magic = buf.getUnsignedShort(index + MAGIC_AT);
            if (magic != MAGIC) {
                throw new FrameRejectedException(RejectReason.BAD_MAGIC, String.format(
                        "bad magic 0x%04X, expected 0x%04X: not a clocksync peer%s", magic, MAGIC, foreignProtocolHint(magic, 2)));
            }
        }
        if (availableBytes > VERSION_AT) {
            int version = buf.getUnsignedByte(index + VERSION_AT);
            if (version != VERSION) {
                throw new FrameRejectedException(RejectReason.BAD_VERSION,
                        "protocol version " + version + ", this node speaks version " + VERSION);
            }
        }
        if (availableBytes > TYPE_AT) {
            int code = buf.getUnsignedByte(index + TYPE_AT);
            if (MessageType.fromCode(code) == null) {
                throw new FrameRejectedException(RejectReason.UNKNOWN_TYPE,
                        "message type code " + code + " is not assigned in protocol version " + VERSION);
            }
        }
        if (availableBytes > FLAGS_AT) {
            int unsupported = buf.getUnsignedByte(index + FLAGS_AT) & ~KNOWN_FLAGS;
            if (unsupported != 0) {
                throw new FrameRejectedException(RejectReason.BAD_HEADER, String.format(
                        "flag bits 0x%02x not supported (only 0x01, signed, and 0x02, vector timestamp, are defined)", unsupported));
            }
        }
        if (availableBytes >= EPOCH_AT) {
            int senderId = buf.getInt(index + SENDER_AT);
            if (senderId <= 0) {
                throw new FrameRejectedException(RejectReason.BAD_HEADER, "sender id " + senderId + " is not a positive node id");
            }
        }
        if (availableBytes >= LAMPORT_AT) {
            long epoch = buf.getLong(index + EPOCH_AT);
            if (epoch < 0) {
                throw new FrameRejectedException(RejectReason.BAD_HEADER, "epoch " + epoch + " is negative");
            }
        }
        if (availableBytes >= HEADER_BYTES) {
            long lamport = buf.getLong(index + LAMPORT_AT);
            if (lamport < 0) {
                throw new FrameRejectedException(RejectReason.BAD_HEADER, "Lamport timestamp " + lamport + " is negative");
            }
        }
    }

    /** Names the likely culprit when the bytes we expected to be binary header fields look like text or a TLS handshake. */
    private static String foreignProtocolHint(long value, int bytes) {
        StringBuilder text = new StringBuilder();
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            int b = (int) (value >>> shift) & 0xFF;
            if (b < 0x20 || b > 0x7E) {
                int first = (int) (value >>> ((bytes - 1) * 8)) & 0xFF;
                int second = bytes > 1 ? (int) (value >>> ((bytes - 2) * 8)) & 0xFF : -1;
                return first == 0x16 && second == 0x03 ? " (the bytes look like a TLS handshake: a TLS client on the plain protocol port?)" : "";
            }
            text.append((char) b);
        }
        return " (the bytes read as text \"" + text + "\": an HTTP or other text-protocol client on the protocol port?)";
    }
}
