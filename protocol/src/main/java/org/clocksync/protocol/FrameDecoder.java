package org.clocksync.protocol;

import static org.clocksync.protocol.ProtocolLimits.HEADER_BYTES;
import static org.clocksync.protocol.ProtocolLimits.LENGTH_FIELD_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_FRAME_BYTES;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.clocksync.protocol.auth.FrameAuth;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns inbound bytes into {@link Frame}s and drops a peer at its first malformed byte: it counts the rejection once,
 * logs one line, closes the channel and ignores everything that peer sends afterwards. With a key ({@link FrameAuth})
 * it also checks every frame's tag and sequence: a frame that is unsigned, wrongly signed or replayed is dropped and
 * counted, and the connection is closed at the {@value #MAX_AUTH_FAILURES}th such frame in a row. One instance per channel.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);

    /** Unauthenticated frames in a row after which a connection is closed; one could be a peer mid key rotation. */
    public static final int MAX_AUTH_FAILURES = 3;

    private final int maxFrameBytes;
    private final RejectionCounter counter;
    private final FrameAuth auth;
    private boolean rejected;
    private int authFailures;
    /** The sequence of the last signed frame taken on this connection; each must be higher. */
    private long lastSequence = Long.MIN_VALUE;

    public FrameDecoder(RejectionCounter counter) {
        this(MAX_FRAME_BYTES, counter);
    }

    public FrameDecoder(int maxFrameBytes, RejectionCounter counter) {
        this(maxFrameBytes, counter, null);
    }

    /**
     * {@code maxFrameBytes} bounds the length prefix; it must lie in [{@value ProtocolLimits#HEADER_BYTES},
     * {@value ProtocolLimits#MAX_FRAME_BYTES}]. {@code auth} is null when the node has no key.
     */
    public FrameDecoder(int maxFrameBytes, RejectionCounter counter, FrameAuth auth) {
        if (maxFrameBytes < HEADER_BYTES || maxFrameBytes > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be in [" + HEADER_BYTES + ", " + MAX_FRAME_BYTES + "], got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.counter = Objects.requireNonNull(counter, "counter");
        this.auth = auth;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < LENGTH_FIELD_BYTES) {
            return;
        }
        int start = in.readerIndex();
        long lengthBytes = in.getUnsignedInt(start);
        int availableBytes = in.readableBytes() - LENGTH_FIELD_BYTES;
        try {
            FrameCodec.checkLength(lengthBytes, maxFrameBytes);
            FrameCodec.checkHeader(in, start + LENGTH_FIELD_BYTES, Math.min(availableBytes, HEADER_BYTES));
            if (availableBytes < lengthBytes) {
                return;
            }
            int frameBytes = LENGTH_FIELD_BYTES + (int) lengthBytes;
            boolean signed = (in.getUnsignedByte(start + LENGTH_FIELD_BYTES + FrameCodec.FLAGS_AT) & FrameCodec.FLAG_AUTH) != 0;
            RejectReason unauthenticated = null;
            int boundTo = FrameAuth.UNBOUND;
            if (signed && auth == null) {
                throw new FrameRejectedException(RejectReason.UNEXPECTED_TAG,
                        "the frame is signed (flag 0x01) but this node has no --key-file");
            } else if (auth != null && !signed) {
                unauthenticated = RejectReason.MISSING_TAG;
            } else if (auth != null && lengthBytes >= HEADER_BYTES + FrameAuth.TRAILER_BYTES) {
                boundTo = auth.verifiedReceiver(in, start, frameBytes);
                unauthenticated = boundTo == FrameAuth.UNKNOWN_KEY_ID ? RejectReason.UNKNOWN_KEY
                        : boundTo == FrameAuth.WRONG_TAG ? RejectReason.BAD_TAG : null;
            }
            if (unauthenticated != null) {
                in.skipBytes(frameBytes);
                dropUnauthenticated(ctx, in, unauthenticated, "");
                return;
            }
            Frame frame = FrameCodec.decodeBody(in.slice(start + LENGTH_FIELD_BYTES, (int) lengthBytes));
            in.skipBytes(frameBytes);
            if (auth != null && !freshOnThisConnection(ctx, in, frame, FrameAuth.sequenceOf(in, start, frameBytes))) {
                return;
            }
            if (auth != null && boundTo == FrameAuth.UNBOUND && auth.selfId() != FrameAuth.UNBOUND
                    && mustNameReceiver(frame.message())) {
                dropUnauthenticated(ctx, in, RejectReason.MISDIRECTED, " sender=" + frame.senderId() + " type="
                        + frame.type());
                return;
            }
            out.add(frame);
        } catch (FrameRejectedException e) {
            reject(ctx, in, e);
        }
    }

    /**
     * A signed frame must carry a higher sequence than the last one on its connection, and one its sender has not used
     * on any connection (except for time requests from clients, which many clockctl runs send under one id and whose
     * replay only earns the replayer a signed answer it cannot use).
     */
    private boolean freshOnThisConnection(ChannelHandlerContext ctx, ByteBuf in, Frame frame, long sequence) {
        boolean fresh = sequence > lastSequence
                && (frame.message() instanceof Message.CristianRequest || auth.fresh(frame.senderId(), sequence));
        if (!fresh) {
            dropUnauthenticated(ctx, in, RejectReason.REPLAYED, " sender=" + frame.senderId() + " type=" + frame.type()
                    + " sequence=" + sequence);
            return false;
        }
        lastSequence = sequence;
        // The limit is on failures in a row: a long-lived link must not close over three stray drops in a week.
        authFailures = 0;
        return true;
    }

    /**
     * Frames a node acts on whoever receives them: a heartbeat meant for one node, delivered to another, would keep a
     * dead sender alive there. Their senders always know the receiver, so a node takes them only bound to itself.
     * Requests, responses (bound to their request ids) and introductions may be unbound.
     */
    static boolean mustNameReceiver(Message m) {
        return m instanceof Message.Heartbeat || m instanceof Message.FailureNotice
                || m instanceof Message.BullyElection || m instanceof Message.BullyAnswer
                || m instanceof Message.BullyCoordinator || m instanceof Message.RingElection
                || m instanceof Message.RingCoordinator || m instanceof Message.SnapshotMarker
                || m instanceof Message.SnapshotState || m instanceof Message.BerkeleyPoll
                || m instanceof Message.BerkeleyAdjust;
    }

    private void dropUnauthenticated(ChannelHandlerContext ctx, ByteBuf in, RejectReason reason, String detail) {
        authFailures++;
        counter.rejected(reason);
        if (authFailures >= MAX_AUTH_FAILURES) {
            rejected = true;
            in.skipBytes(in.readableBytes());
            LOG.warn("Closing connection from {}: {} frames failed authentication, the last ({}{}): {}",
                    ctx.channel().remoteAddress(), authFailures, reason.metricLabel(), detail, reason.advice());
            ctx.close();
        } else if (authFailures == 1) {
            LOG.warn("Dropped a frame from {} ({}{}): {}; the connection closes after {} such frames",
                    ctx.channel().remoteAddress(), reason.metricLabel(), detail, reason.advice(), MAX_AUTH_FAILURES);
            ctx.fireUserEventTriggered(new AuthenticationFailed(reason));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (!rejected && in.isReadable()) {
            decode(ctx, in, out);
        }
        if (!rejected && in.isReadable()) {
            rejected = true;
            counter.rejected(RejectReason.TRUNCATED);
            LOG.info("Connection from {} ended mid-frame with {} bytes of a partial frame buffered ({}): {}",
                    ctx.channel().remoteAddress(), in.readableBytes(), RejectReason.TRUNCATED.metricLabel(),
                    RejectReason.TRUNCATED.advice());
        }
        in.skipBytes(in.readableBytes());
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, FrameRejectedException e) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        counter.rejected(e.reason());
        LOG.warn("Closing connection from {}: rejected frame ({}): {}; {}",
                ctx.channel().remoteAddress(), e.reason().metricLabel(), e.getMessage(), e.reason().advice());
        ctx.close();
    }
}
