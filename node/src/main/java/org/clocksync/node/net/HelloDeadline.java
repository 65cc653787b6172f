package org.clocksync.node.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.metrics.DaemonMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an accepted connection whose first whole frame has not been taken {@code --hello-timeout} after it opened.
 * The read timeout alone is an idle timer that every arriving byte restarts, so a slow sender trickling a frame one
 * byte a second would hold the connection (and a slot of --max-connections) forever; this deadline does not move.
 * It sits after the decoder, so only a frame the decoder accepted (well-formed and, with a key, authenticated) meets
 * it; then it removes itself. One instance per channel.
 */
final class HelloDeadline extends ChannelInboundHandlerAdapter {
    static final String NAME = "helloDeadline";
    private static final Logger LOG = LoggerFactory.getLogger(HelloDeadline.class);
    private static final RateLimitedLog CLOSED_LOG = new RateLimitedLog(LOG, 5_000_000_000L);

    private final long timeoutNanos;
    private final DaemonMetrics metrics;
    private ScheduledFuture<?> deadline;

    HelloDeadline(long timeoutNanos, DaemonMetrics metrics) {
        this.timeoutNanos = timeoutNanos;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        cancel();
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void expire(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || ctx.isRemoved()) {
            return;
        }
        metrics.connectionClosed("hello_timeout");
        CLOSED_LOG.warn("event=connection_closed why=hello_timeout remote={} note=\"no whole frame within {} ms of"
                + " connecting (--hello-timeout)\"", ctx.channel().remoteAddress(), timeoutNanos / 1_000_000);
        ctx.close();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
