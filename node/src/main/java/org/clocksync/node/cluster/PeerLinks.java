package org.clocksync.node.cluster;

import io.micrometer.core.instrument.Counter;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.clocksync.core.berkeley.ReconnectBackoff;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.FrameEncoder;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outbound TCP link per peer for heartbeats, failure notices and election messages, connected on first use and
 * again after a loss with capped exponential backoff and jitter. A message for a peer that cannot be reached is dropped and counted: these
 * messages are periodic or retried by the election's timeouts, so queueing them for long would only deliver stale news.
 */
final class PeerLinks {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
    /** Messages held while a link connects; more are dropped. */
    static final int MAX_PENDING_PER_PEER = 16;
    static final long CONNECT_TIMEOUT_MILLIS = 1_000;
    static final long MIN_RETRY_MILLIS = 50;
    static final long MAX_RETRY_MILLIS = 1_000;
    /** Failures counted for the backoff; more would only overflow it. */
    private static final int MAX_COUNTED_FAILURES = 20;

    private final NodeContext ctx;
    private final ProtocolChannels channels;
    private final ReconnectBackoff backoff = new ReconnectBackoff(MIN_RETRY_MILLIS, MAX_RETRY_MILLIS);
    private final SplittableRandom jitter;
    private final Bootstrap bootstrap;
    private final Map<Integer, Link> links = new TreeMap<>();
    private final Counter dropped;
    private final RateLimitedLog unreachableLog = new RateLimitedLog(LOG, 10_000_000_000L);
    private boolean closed;

    /** A peer's link: its address, channel (null while down), what waits for it, and when to try again. */
    private static final class Link {
        final int peerId;
        final HostPort address;
        final ArrayDeque<Message> pending = new ArrayDeque<>();
        Channel channel;
        boolean connecting;
        int failures;
        long retryAfterHostNanos;

        Link(int peerId, HostPort address) {
            this.peerId = peerId;
            this.address = address;
        }
    }

    /** @param jitter spreads the retries of nodes that lost a peer at the same moment */
    PeerLinks(NodeContext ctx, ProtocolChannels channels, Map<Integer, HostPort> addresses, SplittableRandom jitter) {
        this.ctx = ctx;
        this.channels = channels;
        this.jitter = jitter;
        addresses.forEach((id, address) -> links.put(id, new Link(id, address)));
        this.dropped = ctx.metrics.counter("clocksync.peer.messages.dropped",
                "Heartbeat and election messages dropped because the peer's link was down or full");
        this.bootstrap = new Bootstrap()
                .group(ctx.loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MILLIS);
    }

    private ChannelInitializer<SocketChannel> initializer(int peerId, HostPort address) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // Signed frames on this link name the peer, so they are worthless anywhere else.
                ch.attr(FrameEncoder.RECEIVER_ID).set(peerId);
                channels.configureOutboundLink(ch, address);
            }
        };
    }

    /** Sends now if the link is up, else holds the message while it connects; on the event loop only. */
    void send(int peerId, Message message) {
        Link link = links.get(peerId);
        if (link == null || closed) {
            dropped.increment();
            return;
        }
        Channel ch = link.channel;
        if (ch != null && ch.isActive()) {
            if (!ch.isWritable()) {
                // The peer stopped reading (paused or overloaded): its socket buffer is full; old news is worthless.
                dropped.increment();
                return;
            }
            ctx.send(ch, message);
            return;
        }
        if (link.pending.size() >= MAX_PENDING_PER_PEER) {
            dropped.increment();
            return;
        }
        link.pending.add(message);
        connect(link);
    }

    private void connect(Link link) {
        long nowNanos = HostClock.nowNanos();
        if (link.connecting || nowNanos < link.retryAfterHostNanos) {
            if (!link.connecting) {
                dropped.increment(link.pending.size());
                link.pending.clear();
            }
            return;
        }
        link.connecting = true;
        ChannelFuture f = bootstrap.clone().handler(initializer(link.peerId, link.address)).connect(link.address.toSocketAddress());
        f.addListener(done -> {
            link.connecting = false;
            if (closed) {
                f.channel().close();
                return;
            }
            if (!done.isSuccess()) {
                long backoffMillis = backoff.delayMillis(link.failures, jitter.nextDouble());
                link.failures = Math.min(link.failures + 1, MAX_COUNTED_FAILURES);
                link.retryAfterHostNanos = HostClock.nowNanos() + backoffMillis * 1_000_000L;
                dropped.increment(link.pending.size());
                link.pending.clear();
                unreachableLog.warn("event=peer_unreachable peer={} address={} error=\"{}\"", link.peerId,
                        link.address, done.cause().getMessage());
                return;
            }
            link.failures = 0;
            link.channel = f.channel();
            link.channel.closeFuture().addListener(c -> {
                if (link.channel == f.channel()) {
                    link.channel = null;
                }
            });
            while (!link.pending.isEmpty()) {
                ctx.write(link.channel, link.pending.poll());
            }
            link.channel.flush();
        });
    }

    /** Whether the link to a peer is connected now, for /status. */
    boolean connected(int peerId) {
        Link link = links.get(peerId);
        return link != null && link.channel != null && link.channel.isActive();
    }

    long droppedMessages() {
        return (long) dropped.count();
    }

    void close() {
        closed = true;
        for (Link link : links.values()) {
            link.pending.clear();
            if (link.channel != null) {
                link.channel.close();
            }
        }
    }
}
