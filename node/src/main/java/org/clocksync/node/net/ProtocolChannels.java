package org.clocksync.node.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.HostPort;

/**
 * Builds the protocol pipelines: [limits], [TLS], timeout, codec (signing and checking frames when there is a key),
 * node. Every protocol connection of a node is built here, so none can skip the key or TLS.
 */
public final class ProtocolChannels {
    public static final String TIMEOUT = "timeout";

    private final ProtocolSecurity security;
    private final NodeContext ctx;
    private final FrameSink sink;

    /** Pipelines that check frames with {@code security} and deliver them to {@code sink}. */
    public ProtocolChannels(ProtocolSecurity security, NodeContext ctx, FrameSink sink) {
        this.security = Objects.requireNonNull(security, "security");
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Configures an accepted connection. The first timeout is short because a peer must introduce itself before it
     * is trusted with a longer one; it is both an idle timeout and a deadline for the first whole frame.
     */
    public void configureInbound(Channel channel, ConnectionLimiter limiter, long firstTimeoutNanos) {
        ChannelPipeline p = channel.pipeline();
        p.addLast("limit", limiter);
        security.addTls(channel, false, null);
        p.addLast(TIMEOUT, new ReadTimeoutHandler(firstTimeoutNanos, TimeUnit.NANOSECONDS));
        addCodecAndNode(channel);
        // The read timeout restarts on every byte; the first frame must also be whole within the same time.
        p.addBefore("node", HelloDeadline.NAME, new HelloDeadline(firstTimeoutNanos, ctx.metrics));
    }

    /** Configures this node's connection to its master (HELLO, then Berkeley polls and corrections). */
    public void configureMasterLink(Channel channel, HostPort master, long firstTimeoutNanos) {
        security.addTls(channel, true, master);
        channel.pipeline().addLast(TIMEOUT, new ReadTimeoutHandler(firstTimeoutNanos, TimeUnit.NANOSECONDS));
        addCodecAndNode(channel);
    }

    /**
     * Configures an outbound link to a peer: this node only writes on it (the peer answers on its own link), so it
     * has no read timeout; the peer's read timeout closes it when it falls idle.
     */
    public void configureOutboundLink(Channel channel, HostPort peer) {
        security.addTls(channel, true, peer);
        addCodecAndNode(channel);
    }

    private void addCodecAndNode(Channel channel) {
        int maxOutbound = ctx.options.maxOutboundBytes;
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(maxOutbound / 2, maxOutbound));
        ChannelPipeline p = channel.pipeline();
        p.addLast("decoder", security.decoder(ctx.metrics));
        p.addLast("encoder", security.encoder());
        p.addLast("node", new FrameHandler(ctx, sink));
    }

    /** Replaces the read timeout, e.g. once a peer has said hello. */
    public static void setReadTimeout(Channel channel, long timeoutNanos) {
        if (channel.pipeline().get(TIMEOUT) != null) {
            channel.pipeline().replace(TIMEOUT, TIMEOUT, new ReadTimeoutHandler(timeoutNanos, TimeUnit.NANOSECONDS));
        }
    }
}
