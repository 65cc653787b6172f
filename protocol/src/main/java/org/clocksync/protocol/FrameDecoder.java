package org.clocksync.protocol;

import static org.clocksync.protocol.ProtocolLimits.HEADER_BYTES;
import static org.clocksync.protocol.ProtocolLimits.LENGTH_FIELD_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_FRAME_BYTES;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns inbound bytes into {@link Frame}s and drops a peer at its first malformed byte: it counts the rejection once,
 * logs one line, closes the channel and ignores everything that peer sends afterwards. One instance per channel.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);

    private final int maxFrameBytes;
    private final RejectionCounter counter;
    private boolean rejected;

    public FrameDecoder(RejectionCounter counter) {
        this(MAX_FRAME_BYTES, counter);
    }

    /** {@code maxFrameBytes} bounds the length prefix; it must lie in [{@value ProtocolLimits#HEADER_BYTES}, {@value ProtocolLimits#MAX_FRAME_BYTES}]. */
    public FrameDecoder(int maxFrameBytes, RejectionCounter counter) {
        if (maxFrameBytes < HEADER_BYTES || maxFrameBytes > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be in [" + HEADER_BYTES + ", " + MAX_FRAME_BYTES + "], got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.counter = Objects.requireNonNull(counter, "counter");
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
            Frame frame = FrameCodec.decodeBody(in.slice(start + LENGTH_FIELD_BYTES, (int) lengthBytes));
            in.skipBytes(LENGTH_FIELD_BYTES + (int) lengthBytes);
            out.add(frame);
        } catch (FrameRejectedException e) {
            reject(ctx, in, e);
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
