package org.clocksync.node.role;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.clocksync.core.berkeley.ReconnectBackoff;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;

/**
 * A member's one connection to its master: connects, says HELLO, and after a failure or a loss connects again with
 * capped exponential backoff and jitter. The role that owns it handles what arrives; used on the node's event loop.
 */
public final class MasterLink {
    private static final long CONNECT_TIMEOUT_MILLIS = 2_000;
    /** Attempts counted for the backoff; more would only overflow it. */
    private static final int MAX_COUNTED_FAILURES = 30;

    private final NodeContext ctx;
    private final HostPort address;
    private final ReconnectBackoff backoff = ReconnectBackoff.defaults();
    private final SplittableRandom jitter = new SplittableRandom();
    private final RateLimitedLog unreachableLog;
    private final Bootstrap bootstrap;
    private Channel channel;
    private boolean stopped;
    private int failedAttempts;
    private long helloRequestId;
    private long nextHelloId = 1;
    private long connects;
    private ScheduledFuture<?> reconnect;

    public MasterLink(RoleHost host, HostPort address, Logger log) {
        this.ctx = host.context();
        ProtocolChannels channels = host.channels();
        this.address = Objects.requireNonNull(address, "address");
        this.unreachableLog = new RateLimitedLog(log, 10_000_000_000L);
        this.bootstrap = new Bootstrap()
                .group(ctx.loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.configureMasterLink(ch, address, ctx.options.helloTimeoutNanos);
                    }
                });
    }

    public void start() {
        connect();
    }

    public void stop() {
        stopped = true;
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
    }

    /** The connection while it is up, else null. */
    public Channel channel() {
        return channel;
    }

    public HostPort address() {
        return address;
    }

    /** Whether {@code welcome} answers this link's latest HELLO. */
    public boolean answersHello(Message.Welcome welcome) {
        return welcome.requestId() == helloRequestId;
    }

    /** The master accepted this member: the next failure starts the backoff from the beginning. */
    public void joined() {
        failedAttempts = 0;
    }

    /** The connection closed: forget it and connect again after the backoff. */
    public void lost(String why) {
        channel = null;
        scheduleReconnect(why);
    }

    public long connectAttempts() {
        return connects;
    }

    private void connect() {
        if (stopped) {
            return;
        }
        connects++;
        if (connects > 1) {
            ctx.metrics.masterReconnects.increment();
        }
        ChannelFuture f = bootstrap.connect(address.toSocketAddress());
        f.addListener(done -> {
            if (stopped) {
                // The node changed role while this connect was in flight: the new role must not inherit it.
                f.channel().close();
                return;
            }
            if (!done.isSuccess()) {
                scheduleReconnect("connect failed: " + done.cause().getMessage());
                return;
            }
            channel = f.channel();
            helloRequestId = nextHelloId++;
            ctx.send(channel, new Message.Hello(helloRequestId, ctx.name()));
        });
    }

    private void scheduleReconnect(String why) {
        if (stopped) {
            return;
        }
        long delayMillis = backoff.delayMillis(failedAttempts, jitter.nextDouble());
        failedAttempts = Math.min(failedAttempts + 1, MAX_COUNTED_FAILURES);
        unreachableLog.warn("event=master_unreachable master={} why=\"{}\" retryInMillis={}", address, why,
                delayMillis);
        reconnect = ctx.loop.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
    }
}
