package org.clocksync.node.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.AuthenticationFailed;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameEncoder;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.RejectReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each decoded frame to the node's sink (the cluster gate, then the role), stamped with its arrival time. */
public final class FrameHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(FrameHandler.class);
    private static final RateLimitedLog TIMEOUT_LOG = new RateLimitedLog(LOG, 5_000_000_000L);
    private static final RateLimitedLog ERROR_LOG = new RateLimitedLog(LOG, 5_000_000_000L);
    private static final RateLimitedLog TLS_LOG = new RateLimitedLog(LOG, 5_000_000_000L);

    private final NodeContext nodeContext;
    private final FrameSink sink;

    FrameHandler(NodeContext nodeContext, FrameSink sink) {
        this.nodeContext = nodeContext;
        this.sink = sink;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        long hostNanos = HostClock.nowNanos();
        if (!ctx.channel().hasAttr(FrameEncoder.RECEIVER_ID)) {
            // Whoever spoke first on this connection is who this node answers on it: its signed frames name them.
            ctx.channel().attr(FrameEncoder.RECEIVER_ID).set(frame.senderId());
        }
        nodeContext.received(frame);
        nodeContext.metrics.framesReceived.increment();
        sink.onFrame(ctx.channel(), frame, hostNanos);
    }

    /** The first unsigned frame of a connection to a keyed node earns one signed ERROR saying why nothing answers. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        // A connection closed before its handshake ended is counted by whoever closed it (limits, timeouts).
        if (event instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()
                && !(tls.cause() instanceof ClosedChannelException)) {
            tlsFailed(ctx, tls.cause());
            return;
        }
        if (event instanceof AuthenticationFailed failed && failed.reason() == RejectReason.MISSING_TAG) {
            nodeContext.send(ctx.channel(), new Message.ErrorMessage(0, ErrorCode.BAD_REQUEST,
                    "node " + nodeContext.selfId() + " takes only frames signed with the cluster key; start the sender"
                            + " with --key-file"));
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        sink.onChannelClosed(ctx.channel());
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ReadTimeoutException) {
            nodeContext.metrics.connectionClosed("read_timeout");
            TIMEOUT_LOG.warn("event=connection_closed why=read_timeout remote={}"
                    + " note=\"nothing (or only part of a frame) arrived in time\"", ctx.channel().remoteAddress());
        } else if (sslCause(cause) != null) {
            // A failed handshake was counted when SslHandler reported it; in TLS 1.3 a client learns that the
            // server refused its certificate only after its side of the handshake is done, as an alert.
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls == null || tls.handshakeFuture().cause() == null) {
                tlsFailed(ctx, sslCause(cause));
            }
        } else if (cause instanceof IOException) {
            LOG.debug("event=connection_error remote={} error=\"{}\"", ctx.channel().remoteAddress(),
                    cause.getMessage());
        } else {
            nodeContext.metrics.connectionClosed("error");
            ERROR_LOG.warn("event=connection_closed why=error remote={} error=\"{}\"",
                    ctx.channel().remoteAddress(), String.valueOf(cause), cause);
        }
        ctx.close();
    }

    /** A TLS handshake failed: wrong CA, no certificate, not TLS at all, or a refusal by the other side. */
    private void tlsFailed(ChannelHandlerContext ctx, Throwable cause) {
        nodeContext.metrics.connectionClosed("tls_handshake");
        TLS_LOG.warn("event=connection_closed why=tls_handshake remote={} error=\"{}\" note=\"members need a"
                + " certificate signed by the --tls-ca and must use TLS themselves\"", ctx.channel().remoteAddress(),
                abbreviate(String.valueOf(cause.getMessage())));
        ctx.close();
    }

    /** A plain client's bytes come back hex-dumped in the exception; a log line needs only their start. */
    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }

    private static SSLException sslCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }
}
