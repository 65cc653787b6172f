package org.clocksync.node.ntp;

import io.micrometer.core.instrument.Counter;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Durations;
import org.clocksync.core.ntp.NtpSample;
import org.clocksync.core.ntp.UpstreamPoller;
import org.clocksync.core.ntp.UpstreamReplyVerdict;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.metrics.DaemonMetrics;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.ntp.NtpCodec;
import org.clocksync.protocol.ntp.NtpPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's NTP client of an upstream server ({@code --upstream}): one UDP channel on the node's protocol event loop
 * that ticks an {@link UpstreamPoller}, sends the requests it asks for, feeds it the replies and applies the
 * corrections it decides, so that the master's clock (and through the Berkeley rounds every member's) follows the
 * upstream server instead of the host clock. Everything runs on the loop that owns the service clock.
 *
 * <p>Corrections are applied only while this node is the master: a slave follows its master, and two sources steering
 * one clock would fight. A slave started with {@code --upstream} keeps polling, so that it is ready if it becomes master.
 */
public final class UpstreamClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamClient.class);
    /** How often the poller is asked whether a request is due; well under the 100 ms burst spacing. */
    static final long TICK_MILLIS = 10;
    private static final long LOG_PERIOD_NANOS = 10_000_000_000L;
    /** Receive buffer per datagram: over {@link NtpCodec#MAX_PACKET_BYTES}, so an oversized reply is seen as such. */
    private static final int RECEIVE_BUFFER_BYTES = 2 * NtpCodec.MAX_PACKET_BYTES;

    private final NodeContext ctx;
    private final NtpRoleView role;
    private final HostPort upstream;
    private final InetSocketAddress remote;
    private final UpstreamPoller poller;
    private final Counter polls;
    private final Counter replies;
    private final Map<UpstreamReplyVerdict, Counter> rejected = new EnumMap<>(UpstreamReplyVerdict.class);
    private final RateLimitedLog rejectedLog = new RateLimitedLog(LOG, LOG_PERIOD_NANOS);
    private final RateLimitedLog errorLog = new RateLimitedLog(LOG, LOG_PERIOD_NANOS);
    /** Read by the metrics scrape on another thread. */
    private volatile double lastOffsetSeconds = Double.NaN;
    private volatile double lastDelaySeconds = Double.NaN;
    private volatile boolean reachable;
    private long lastSampleHostNanos;
    private long heldCorrections;
    private Channel channel;
    private ScheduledFuture<?> ticker;

    private UpstreamClient(NodeContext ctx, NtpRoleView role, HostPort upstream, InetSocketAddress remote) {
        this.ctx = ctx;
        this.role = role;
        this.upstream = upstream;
        this.remote = remote;
        this.poller = new UpstreamPoller(upstream.toString(), ctx.options.upstreamPollNanos);
        DaemonMetrics m = ctx.metrics;
        polls = m.counter("clocksync.upstream.polls", "NTP requests sent to the upstream server");
        replies = m.counter("clocksync.upstream.replies", "Upstream NTP replies accepted into the clock filter");
        for (UpstreamReplyVerdict v : UpstreamReplyVerdict.values()) {
            if (v != UpstreamReplyVerdict.ACCEPTED) {
                rejected.put(v, m.counter("clocksync.upstream.replies.rejected",
                        "Datagrams on the upstream NTP client's socket that were dropped, by reason", "reason",
                        v.label()));
            }
        }
        m.gauge("clocksync.upstream.offset.seconds", "Upstream server's clock minus this node's, latest sample",
                () -> lastOffsetSeconds);
        m.gauge("clocksync.upstream.delay.seconds", "Round trip to the upstream server, latest sample",
                () -> lastDelaySeconds);
        m.gauge("clocksync.upstream.reachable", "1 when one of the last 8 polls got a usable reply",
                () -> reachable ? 1 : 0);
    }

    /**
     * Opens the client's socket on the node's protocol loop and starts polling {@code upstream}; throws with one
     * clear line when the name does not resolve or no socket can be opened.
     */
    public static UpstreamClient start(NodeContext ctx, NtpRoleView role, HostPort upstream) {
        InetSocketAddress remote = upstream.toSocketAddress();
        if (remote.isUnresolved()) {
            throw new IllegalStateException("cannot resolve --upstream host '" + upstream.host()
                    + "'; give an IP address or a name this host resolves");
        }
        UpstreamClient client = new UpstreamClient(ctx, role, upstream, remote);
        Bootstrap bootstrap = new Bootstrap()
                .group(ctx.loop)
                .channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(RECEIVE_BUFFER_BYTES));
                        ch.pipeline().addLast(client.new ReplyHandler());
                    }
                });
        try {
            // Not connected: a connected UDP socket turns an ICMP "port unreachable" into a read error, and the
            // upstream may well be down for a while. Replies are matched by address and origin instead.
            client.channel = bootstrap.bind(0).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot open a UDP socket for --upstream " + upstream + ": "
                    + e.getMessage(), e);
        }
        if (client.channel.eventLoop() != ctx.loop) {
            client.close();
            throw new IllegalStateException("the upstream NTP channel must run on the node's protocol loop");
        }
        preload();
        client.ticker = client.ctx.loop.scheduleAtFixedRate(client::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("event=upstream_started upstream={} resolved={} pollMillis={} local={}", upstream,
                remote.getAddress().getHostAddress() + ":" + remote.getPort(),
                ctx.options.upstreamPollNanos / 1_000_000, client.channel.localAddress());
        return client;
    }

    /**
     * Encodes and decodes one request off the clock, so that loading the codec's classes does not land between the
     * first request's T1 and its write (milliseconds that would count as network delay in the first sample, the one
     * that steps the clock).
     */
    private static void preload() {
        ByteBuf buf = io.netty.buffer.Unpooled.buffer(NtpPacket.LENGTH);
        try {
            NtpCodec.encode(new UpstreamPoller("preload", UpstreamPoller.DEFAULT_POLL_INTERVAL_NANOS)
                    .request(HostClock.nowNanos(), 0), buf);
            NtpCodec.decodeAnyMode(buf);
        } finally {
            buf.release();
        }
    }

    /** Sends a request when one is due; never throws, so the timer keeps running. */
    private void tick() {
        try {
            long hostNanos = HostClock.nowNanos();
            if (!poller.due(hostNanos) || !channel.isActive()) {
                return;
            }
            ByteBuf out = channel.alloc().ioBuffer(NtpPacket.LENGTH, NtpPacket.LENGTH);
            try {
                // Stamp T1 from the service clock as late as possible: the encoding is all that follows.
                long sendHostNanos = HostClock.nowNanos();
                NtpPacket request = poller.request(ctx.clock.readNanos(sendHostNanos), sendHostNanos);
                NtpCodec.encode(request, out);
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
            channel.writeAndFlush(new DatagramPacket(out, remote), channel.voidPromise());
            polls.increment();
            updateReachable();
        } catch (RuntimeException e) {
            errorLog.warn("event=upstream_error upstream={} error=\"{}\" note=\"poll skipped; polling goes on\"",
                    upstream, String.valueOf(e));
        }
    }

    /** One datagram on the client's socket; {@code t4Nanos} and {@code hostNanos} were read when it arrived. */
    void onDatagram(InetSocketAddress sender, ByteBuf content, long t4Nanos, long hostNanos) {
        UpstreamPoller.Reply reply;
        if (!remote.equals(sender)) {
            reply = poller.dropped(UpstreamReplyVerdict.UNSOLICITED);
        } else if (content.readableBytes() > NtpCodec.MAX_PACKET_BYTES) {
            reply = poller.dropped(UpstreamReplyVerdict.MALFORMED);
        } else {
            NtpPacket packet = NtpCodec.decodeAnyMode(content);
            reply = packet == null ? poller.dropped(UpstreamReplyVerdict.MALFORMED)
                    : poller.onReply(packet, t4Nanos, hostNanos);
        }
        if (reply.verdict() != UpstreamReplyVerdict.ACCEPTED) {
            rejected.get(reply.verdict()).increment();
            rejectedLog.warn("event=upstream_reply_dropped why={} remote={} bytes={} note=\"{}\"",
                    reply.verdict().label(), sender, content.readableBytes(), reply.verdict().meaning());
            return;
        }
        replies.increment();
        NtpSample sample = reply.sample();
        lastOffsetSeconds = sample.offsetNanos() / 1e9;
        lastDelaySeconds = sample.delayNanos() / 1e9;
        lastSampleHostNanos = hostNanos;
        updateReachable();
        for (Action action : reply.actions()) {
            if (action instanceof AdjustClock adjust) {
                apply(adjust, hostNanos);
            }
        }
    }

    private void apply(AdjustClock adjust, long hostNanos) {
        if (!role.master()) {
            heldCorrections++;
            LOG.debug("event=upstream_correction_held correction={} note=\"not master: the master's rounds steer"
                    + " this clock\"", Durations.signed(adjust.correctionNanos()));
            return;
        }
        ctx.adjust(adjust, hostNanos);
    }

    private void updateReachable() {
        boolean now = poller.reachable();
        if (now == reachable) {
            return;
        }
        reachable = now;
        if (now) {
            LOG.info("event=upstream_reachable upstream={} stratum={}", upstream, poller.lastStratum());
        } else {
            LOG.warn("event=upstream_unreachable upstream={} note=\"no usable reply to the last {} polls; the clock"
                    + " runs on its own until one comes\"", upstream, UpstreamPoller.REACH_BITS);
        }
    }

    /** The {@code upstream} block of /status; call on the protocol loop. */
    public UpstreamStatus status(long hostNanos) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (UpstreamReplyVerdict v : rejected.keySet()) {
            byReason.put(v.label(), poller.count(v));
        }
        NtpSample last = poller.lastSample().orElse(null);
        return new UpstreamStatus(upstream.toString(), poller.pollIntervalNanos(), poller.reachable(),
                Integer.toOctalString(poller.reach()), poller.pollsSent(), poller.count(UpstreamReplyVerdict.ACCEPTED),
                poller.unanswered(), byReason, last == null ? null : poller.lastStratum(),
                last == null ? null : last.offsetNanos(), last == null ? null : last.delayNanos(),
                last == null ? null : (hostNanos - lastSampleHostNanos) / 1_000_000L, poller.corrections(),
                poller.corrections() == 0 ? null : poller.lastCorrectionNanos(), heldCorrections);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** Stamps arrival first, then hands the datagram over; nothing a packet holds escapes as an exception. */
    private final class ReplyHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext c, DatagramPacket datagram) {
            long hostNanos = HostClock.nowNanos();
            long t4Nanos = ctx.clock.readNanos(hostNanos);
            onDatagram(datagram.sender(), datagram.content(), t4Nanos, hostNanos);
        }

        /** A client must outlive anything a packet or the network causes: log (rate-limited) and keep the socket. */
        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            errorLog.warn("event=upstream_error upstream={} error=\"{}\" note=\"datagram dropped; polling goes on\"",
                    upstream, String.valueOf(cause));
        }
    }
}
