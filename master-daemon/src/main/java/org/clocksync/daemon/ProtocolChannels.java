package org.clocksync.daemon;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;
import org.clocksync.protocol.FrameDecoder;
import org.clocksync.protocol.FrameEncoder;

/** Builds the protocol pipeline shared by inbound and outbound connections: limits, timeout, codec, node. */
public final class ProtocolChannels {
    public static final String TIMEOUT = "timeout";
    private static final FrameEncoder ENCODER = new FrameEncoder();

    private ProtocolChannels() {
    }

    /**
     * Configures a new channel. {@code limiter} is null for outbound connections; the first timeout is short
     * because a peer must introduce itself before it is trusted with a longer one.
     */
    public static void configure(Channel channel, Node node, ConnectionLimiter limiter, long firstTimeoutNanos) {
        ChannelPipeline p = channel.pipeline();
        if (limiter != null) {
            p.addLast("limit", limiter);
        }
        p.addLast(TIMEOUT, new ReadTimeoutHandler(firstTimeoutNanos, TimeUnit.NANOSECONDS));
        p.addLast("decoder", new FrameDecoder(node.metrics()));
        p.addLast("encoder", ENCODER);
        p.addLast("node", new FrameHandler(node));
    }

    /**
     * Configures an outbound link to a peer: this node only writes on it (the peer answers on its own link), so it
     * has no read timeout; the peer's read timeout closes it when it falls idle.
     */
    public static void configureOutboundLink(Channel channel, Node node) {
        ChannelPipeline p = channel.pipeline();
        p.addLast("decoder", new FrameDecoder(node.metrics()));
        p.addLast("encoder", ENCODER);
        p.addLast("node", new FrameHandler(node));
    }

    /** Replaces the read timeout, e.g. once a peer has said hello. */
    public static void setReadTimeout(Channel channel, long timeoutNanos) {
        if (channel.pipeline().get(TIMEOUT) != null) {
            channel.pipeline().replace(TIMEOUT, TIMEOUT, new ReadTimeoutHandler(timeoutNanos, TimeUnit.NANOSECONDS));
        }
    }
}
