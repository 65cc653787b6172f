package org.clocksync.node.net;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.metrics.DaemonMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes a new connection at once when the total or per-address limit is reached, so a flood costs little. */
@Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final int maxTotal;
    private final int maxPerAddress;
    private final DaemonMetrics metrics;
    private final RateLimitedLog refusedLog = new RateLimitedLog(LOG, 5_000_000_000L);
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimiter(int maxTotal, int maxPerAddress, DaemonMetrics metrics) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = addressOf(ctx);
        int now = total.incrementAndGet();
        int fromAddress = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        metrics.openConnections().incrementAndGet();
        if (now > maxTotal || fromAddress > maxPerAddress) {
            String why = now > maxTotal ? "connection_limit" : "address_limit";
            metrics.connectionClosed(why);
            refusedLog.warn("event=connection_refused why={} remote={} open={} fromAddress={} limit={}/{}"
                    + " hint=raise --max-connections or --max-connections-per-address if this is legitimate",
                    why, ctx.channel().remoteAddress(), now, fromAddress, maxTotal, maxPerAddress);
            ctx.close();
            return;
        }
        metrics.connectionsAccepted.increment();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        total.decrementAndGet();
        metrics.openConnections().decrementAndGet();
        InetAddress address = addressOf(ctx);
        perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        super.channelInactive(ctx);
    }

    public int openConnections() {
        return total.get();
    }

    private static InetAddress addressOf(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress isa && isa.getAddress() != null) {
            return isa.getAddress();
        }
        return InetAddress.getLoopbackAddress();
    }
}
