package org.clocksync.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.util.AttributeKey;
import org.clocksync.protocol.auth.FrameAuth;

/** Writes outbound {@link Frame}s in the wire format, signed when a key is set; one instance can serve every channel. */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<Frame> {
    /**
     * The node at the other end of a channel, once known: signed frames on it are bound to that node. Set by whoever
     * learns it (the peer link's id, the first authenticated frame's sender); unset means unbound.
     */
    public static final AttributeKey<Integer> RECEIVER_ID = AttributeKey.valueOf("clocksync.receiverId");

    private final FrameAuth auth;

    /** An encoder of unsigned frames. */
    public FrameEncoder() {
        this(null);
    }

    /** Signs every frame with {@code auth}'s newest key when it is not null. */
    public FrameEncoder(FrameAuth auth) {
        super(Frame.class);
        this.auth = auth;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        Integer receiver = auth == null ? null : ctx.channel().attr(RECEIVER_ID).get();
        FrameCodec.encode(frame, out, auth, receiver == null ? FrameAuth.UNBOUND : receiver);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int bytes = FrameCodec.encodedLength(frame, auth != null);
        return preferDirect ? ctx.alloc().ioBuffer(bytes) : ctx.alloc().heapBuffer(bytes);
    }
}
