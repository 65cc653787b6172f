package org.clocksync.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes outbound {@link Frame}s in the wire format; stateless, so one instance can serve every channel. */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<Frame> {
    public FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        FrameCodec.encode(frame, out);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int bytes = FrameCodec.encodedLength(frame);
        return preferDirect ? ctx.alloc().ioBuffer(bytes) : ctx.alloc().heapBuffer(bytes);
    }
}
