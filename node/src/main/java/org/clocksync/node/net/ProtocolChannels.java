package org.clocksync.node.net;

import org.clocksync.node.config.HostPort;
import org.clocksync.node.Node;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the protocol pipelines: [limits], [TLS], timeout, codec (signing and checking frames when there is a key),
 * node. Every protocol connection of a node is built here, so none can skip the key or TLS.
 */
public final class ProtocolChannels {
    public static final String TIMEOUT = "timeout";

    private ProtocolChannels() {
    }

    /**
     * Configures an accepted connection. The first timeout is short because a peer must introduce itself before it
     * is trusted with a longer one; it is both an idle timeout and a deadline for the first whole frame.
     */
    public static void configureInbound(Channel channel, Node node, ConnectionLimiter limiter, long firstTimeoutNanos) {
        ChannelPipeline p = channel.pipeline();
        p.addLast("limit", limiter);
        node.security().addTls(channel, false, null);
        p.addLast(TIMEOUT, new ReadTimeoutHandler(firstTimeoutNanos, TimeUnit.NANOSECONDS));
        addCodecAndNode(channel, node);
        // The read timeout restarts on every byte; the first frame must also be whole within the same time.
        p.addBefore("node", HelloDeadline.NAME, new HelloDeadline(firstTimeoutNanos, node.metrics()));
    }

    /** Configures this node's connection to its master (HELLO, then Berkeley polls and corrections). */
    public static void configureMasterLink(Channel channel, Node node, HostPort master, long firstTimeoutNanos) {
        node.security().addTls(channel, true, master);
        channel.pipeline().addLast(TIMEOUT, new ReadTimeoutHandler(firstTimeoutNanos, TimeUnit.NANOSECONDS));
        addCodecAndNode(channel, node);
    }

    /**
     * Configures an outbound link to a peer: this node only writes on it (the peer answers on its own link), so it
     * has no read timeout; the peer's read timeout closes it when it falls idle.
     */
    public static void configureOutboundLink(Channel channel, Node node, HostPort peer) {
        node.security().addTls(channel, true, peer);
        addCodecAndNode(channel, node);
    }

    private static void addCodecAndNode(Channel channel, Node node) {
        int maxOutbound = node.options().maxOutboundBytes;
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(maxOutbound / 2, maxOutbound));
        ChannelPipeline p = channel.pipeline();
        p.addLast("decoder", node.security().decoder(node.metrics()));
        p.addLast("encoder", node.security().encoder());
        p.addLast("node", new FrameHandler(node));
    }

    /** Replaces the read timeout, e.g. once a peer has said hello. */
    public static void setReadTimeout(Channel channel, long timeoutNanos) {
        if (channel.pipeline().get(TIMEOUT) != null) {
            channel.pipeline().replace(TIMEOUT, TIMEOUT, new ReadTimeoutHandler(timeoutNanos, TimeUnit.NANOSECONDS));
        }
    }
}
