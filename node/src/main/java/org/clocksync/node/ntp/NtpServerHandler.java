package org.clocksync.node.ntp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.clocksync.core.ntp.NtpRateLimiter;
import org.clocksync.core.ntp.NtpResponder;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.protocol.ntp.NtpCodec;
import org.clocksync.protocol.ntp.NtpDecoded;
import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers NTP client requests with the node's service clock: stamps arrival first, drops junk, wrong modes and
 * flooding clients (counted, logged at most once per period), and stamps the transmit time last, just before the
 * write. Runs on the node's protocol event loop, the only thread that reads the service clock.
 */
final class NtpServerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(NtpServerHandler.class);
    private static final long LOG_PERIOD_NANOS = 10_000_000_000L;

    private final NtpTimeSource time;
    private final NtpRateLimiter<InetAddress> limiter;
    private final NtpCounters counters;
    private final RateLimitedLog rejectedLog = new RateLimitedLog(LOG, LOG_PERIOD_NANOS);
    private final RateLimitedLog limitedLog = new RateLimitedLog(LOG, LOG_PERIOD_NANOS);
    private final RateLimitedLog errorLog = new RateLimitedLog(LOG, LOG_PERIOD_NANOS);
    /** The daemon's own warm-up socket while it runs: answered without rate limiting or counting. */
    private volatile InetSocketAddress warmupClient;

    NtpServerHandler(NtpTimeSource time, NtpRateLimiter<InetAddress> limiter, NtpCounters counters) {
        this.time = time;
        this.limiter = limiter;
        this.counters = counters;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        long receivedHostNanos = time.hostNanos();
        InetSocketAddress sender = datagram.sender();
        if (sender == null) {
            counters.malformed().increment(); // nowhere to answer; a datagram socket always has a sender
            return;
        }
        NtpDecoded decoded = NtpCodec.decode(datagram.content());
        if (!decoded.isPacket()) {
            counters.rejected(decoded.reject());
            rejectedLog.warn("event=ntp_dropped why={} remote={} bytes={}", decoded.reject().label(), sender,
                    decoded.length());
            return;
        }
        boolean warmup = sender.equals(warmupClient);
        if (!warmup && !limiter.tryAcquire(sender.getAddress(), time.monotonicNanos())) {
            counters.rateLimited().increment();
            limitedLog.warn("event=ntp_rate_limited remote={} intervalMillis={} burst={}"
                            + " note=\"client over --ntp-ratelimit-interval/--ntp-ratelimit-burst; dropped\"",
                    sender, limiter.intervalNanos() / 1_000_000, limiter.burst());
            return;
        }
        long receiveServiceNanos = time.serviceNanos(receivedHostNanos);
        NtpPacket reply = NtpResponder.reply(decoded.packet(), time.reference(receivedHostNanos), receiveServiceNanos);
        ByteBuf out = ctx.alloc().ioBuffer(NtpPacket.LENGTH, NtpPacket.LENGTH);
        try {
            NtpCodec.encode(reply, out);
            long transmitServiceNanos = Math.max(receiveServiceNanos, time.serviceNanos(time.hostNanos()));
            NtpCodec.setTransmitTimestamp(out, out.readerIndex(), NtpTimestamp.fromUnixNanos(transmitServiceNanos));
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        ctx.writeAndFlush(new DatagramPacket(out, sender), ctx.voidPromise());
        if (!warmup) {
            counters.served().increment();
        }
    }

    /** Marks (or, with null, unmarks) the address of the daemon's own warm-up socket. */
    void warmupClient(InetSocketAddress address) {
        warmupClient = address;
    }

    /** A datagram server must outlive anything a packet causes: log (rate-limited) and keep the channel open. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errorLog.warn("event=ntp_error error=\"{}\" note=\"packet dropped; the NTP server keeps running\"",
                String.valueOf(cause));
    }
}
