package org.clocksync.node.ntp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.clocksync.core.ntp.NtpRateLimiter;
import org.clocksync.core.ntp.NtpReference;
import org.clocksync.node.metrics.DaemonMetrics;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.ntp.NtpCodec;
import org.clocksync.protocol.ntp.NtpPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's NTPv4 server (UDP, {@code --ntp}): one datagram channel on the node's protocol event loop, so that it
 * reads the service clock on the one thread that owns it.
 */
public final class NtpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NtpServer.class);
    /** Receive buffer per datagram: over {@link NtpCodec#MAX_PACKET_BYTES}, so an oversized request is seen as such. */
    static final int RECEIVE_BUFFER_BYTES = 2 * NtpCodec.MAX_PACKET_BYTES;

    private final NtpTimeSource time;
    private final NtpRateLimiter<InetAddress> limiter;
    private final NtpCounters counters;
    private Channel channel;

    private NtpServer(NtpTimeSource time, NtpRateLimiter<InetAddress> limiter, NtpCounters counters) {
        this.time = time;
        this.limiter = limiter;
        this.counters = counters;
    }

    /** Binds {@code address} on the node's protocol loop; throws with one clear line when it cannot. */
    public static NtpServer bind(NodeContext ctx, NtpRoleView role, HostPort address) {
        var o = ctx.options;
        DaemonMetrics m = ctx.metrics;
        NtpServer server = new NtpServer(new NodeNtpTimeSource(ctx, role, o.ntpStratum),
                new NtpRateLimiter<>(o.ntpRateLimitIntervalNanos, o.ntpRateLimitBurst,
                        NtpRateLimiter.DEFAULT_MAX_CLIENTS),
                new NtpCounters(m.ntpServed, m.ntpRateLimited, m.ntpMalformed, m.ntpWrongMode));
        NtpServerHandler handler = new NtpServerHandler(server.time, server.limiter, server.counters);
        Bootstrap bootstrap = new Bootstrap()
                .group(ctx.loop)
                .channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(RECEIVE_BUFFER_BYTES));
                        ch.pipeline().addLast(handler);
                    }
                });
        try {
            server.channel = bootstrap.bind(address.toSocketAddress()).syncUninterruptibly().channel();
        } catch (Exception e) {
            String hint = address.port() > 0 && address.port() < 1024
                    ? "; ports below 1024 need root or CAP_NET_BIND_SERVICE" : "; is another NTP server running there?";
            throw new IllegalStateException("cannot listen on " + address + " (--ntp, UDP): " + e.getMessage() + hint,
                    e);
        }
        if (server.channel.eventLoop() != ctx.loop) {
            server.close();
            throw new IllegalStateException("the NTP channel must run on the node's protocol loop");
        }
        server.warmUp(handler, o.warmupExchanges);
        return server;
    }

    private void warmUp(NtpServerHandler handler, int exchanges) {
        if (exchanges <= 0) {
            return;
        }
        long startedNanos = System.nanoTime();
        try {
            int done = NtpWarmup.run(handler, (InetSocketAddress) channel.localAddress(), exchanges);
            LOG.info("event=ntp_warmup exchanges={} millis={} note=\"NTP path compiled before clients come\"", done,
                    (System.nanoTime() - startedNanos) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=ntp_warmup_failed error=\"{}\" note=\"the first NTP answers will be less accurate\"",
                    String.valueOf(e));
        }
    }

    public HostPort boundAddress() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new HostPort(a.getHostString(), a.getPort());
    }

    /** The {@code ntp} block of /status; call on the protocol loop. */
    public NtpStatus status(long hostNanos) {
        NtpReference ref = time.reference(hostNanos);
        return new NtpStatus(boundAddress().toString(), ref.stratum(), ref.leapIndicator(),
                ref.synchronizedClock() ? NtpPacket.referenceIdText(ref.referenceId()) : null, ref.rootDelayNanos(),
                ref.rootDispersionNanos(), counters.servedCount(), counters.rateLimitedCount(),
                counters.malformedCount() + counters.wrongModeCount(), counters.malformedCount(),
                counters.wrongModeCount(), limiter.intervalNanos(), limiter.burst(), limiter.clients());
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
