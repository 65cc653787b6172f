package org.clocksync.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers GET /status (JSON) and GET /metrics (Prometheus text); read-only, one request per connection. */
@Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final RateLimitedLog BAD_REQUEST_LOG = new RateLimitedLog(LOG, 5_000_000_000L);
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final Node node;

    AdminHandler(Node node) {
        this.node = node;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            node.metrics().adminRejected.increment();
            BAD_REQUEST_LOG.warn("event=admin_rejected remote={} why=\"malformed HTTP request\"",
                    ctx.channel().remoteAddress());
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed HTTP request\n");
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            node.metrics().adminRejected.increment();
            respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                    "the admin interface is read-only: use GET\n");
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        node.metrics().adminRequests.increment();
        switch (path) {
            case "/status" -> node.status().whenComplete((status, error) -> {
                if (error != null) {
                    respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                            "status unavailable: " + error.getMessage() + "\n");
                    return;
                }
                try {
                    respond(ctx, HttpResponseStatus.OK, "application/json",
                            JSON.writeValueAsString(status) + "\n");
                } catch (IOException e) {
                    respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", e.getMessage() + "\n");
                }
            });
            case "/metrics" -> respond(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    node.metrics().scrape());
            case "/" -> respond(ctx, HttpResponseStatus.OK, "text/plain",
                    "clocksync " + node.options().displayName() + "\nGET /status  JSON state\n"
                            + "GET /metrics Prometheus text\n");
            default -> respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain",
                    "no such page: " + path + " (try /status or /metrics)\n");
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType,
            String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException) && !(cause instanceof ReadTimeoutException)) {
            node.metrics().adminRejected.increment();
            BAD_REQUEST_LOG.warn("event=admin_error remote={} error=\"{}\"", ctx.channel().remoteAddress(),
                    String.valueOf(cause));
        }
        ctx.close();
    }
}
