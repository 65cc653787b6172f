package org.clocksync.node.admin;

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
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.metrics.DaemonMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers GET /status (JSON), GET /metrics (Prometheus text) and the dashboard (GET / and a fixed list of files under
 * /dashboard/, from the classpath); read-only but for POST /snapshot, one request per connection.
 */
@Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final RateLimitedLog BAD_REQUEST_LOG = new RateLimitedLog(LOG, 5_000_000_000L);
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** The dashboard's files by URL path: a fixed list, so no other path (and no "..") can reach the classpath. */
    private static final Map<String, Asset> DASHBOARD = Map.of(
            "/", Asset.load("index.html", "text/html; charset=utf-8"),
            "/dashboard/app.js", Asset.load("app.js", "text/javascript; charset=utf-8"),
            "/dashboard/app.css", Asset.load("app.css", "text/css; charset=utf-8"));

    /**
     * The page may fetch /status of other nodes (their admin addresses are cross-origin) but loads code and styles
     * from this node only.
     */
    private static final String DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src *; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final AdminSource source;
    private final DaemonMetrics metrics;

    AdminHandler(AdminSource source, DaemonMetrics metrics) {
        this.source = source;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            metrics.adminRejected.increment();
            BAD_REQUEST_LOG.warn("event=admin_rejected remote={} why=\"malformed HTTP request\"",
                    ctx.channel().remoteAddress());
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed HTTP request\n");
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (HttpMethod.POST.equals(request.method()) && "/snapshot".equals(path)) {
            metrics.adminRequests.increment();
            snapshot(ctx);
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            metrics.adminRejected.increment();
            respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                    "the admin interface is read-only (use GET) except POST /snapshot\n");
            return;
        }
        metrics.adminRequests.increment();
        switch (path) {
            case "/status" -> source.status().whenComplete((status, error) -> {
                if (error != null) {
                    respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                            "status unavailable: " + error.getMessage() + "\n");
                    return;
                }
                try {
                    respondReadable(ctx, "application/json", JSON.writeValueAsString(status) + "\n");
                } catch (IOException e) {
                    respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", e.getMessage() + "\n");
                }
            });
            case "/metrics" -> respondReadable(ctx, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape());
            default -> {
                Asset asset = DASHBOARD.get(path);
                if (asset != null) {
                    asset.send(ctx);
                } else {
                    respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain",
                            "no such page: " + path + " (try / for the dashboard, /status or /metrics)\n");
                }
            }
        }
    }

    /** One static file of the dashboard, read once from the jar; the page polls /status, so it is small. */
    private record Asset(byte[] body, String contentType) {
        static Asset load(String name, String contentType) {
            try (InputStream in = AdminHandler.class.getResourceAsStream("dashboard/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("dashboard/" + name + " is missing from the jar; rebuild it");
                }
                return new Asset(in.readAllBytes(), contentType);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void send(ChannelHandlerContext ctx) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            // Revalidated every load: a daemon upgraded in place serves its new page at once.
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            response.headers().set("X-Content-Type-Options", "nosniff");
            response.headers().set("Content-Security-Policy", DASHBOARD_CSP);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** 200 with the snapshot document, or 504 with the reason and what did arrive (JSON), or 409 without peers. */
    private void snapshot(ChannelHandlerContext ctx) {
        source.snapshot().whenComplete((outcome, error) -> {
            if (error != null) {
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                        "snapshot unavailable: " + error.getMessage() + "\n");
            } else if (outcome.ok()) {
                respond(ctx, HttpResponseStatus.OK, "application/json", outcome.json() + "\n");
            } else if (outcome.json() == null) {
                respond(ctx, HttpResponseStatus.CONFLICT, "text/plain", outcome.error() + "\n");
            } else {
                respond(ctx, HttpResponseStatus.GATEWAY_TIMEOUT, "application/json", outcome.json() + "\n");
            }
        });
    }

    /** 200 with read-only data any page may read, so one dashboard can show every node of the cluster. */
    private static void respondReadable(ChannelHandlerContext ctx, String contentType, String body) {
        respond(ctx, HttpResponseStatus.OK, contentType, body, true);
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType,
            String body) {
        respond(ctx, status, contentType, body, false);
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType,
            String body, boolean anyOrigin) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        if (anyOrigin) {
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException) && !(cause instanceof ReadTimeoutException)) {
            metrics.adminRejected.increment();
            BAD_REQUEST_LOG.warn("event=admin_error remote={} error=\"{}\"", ctx.channel().remoteAddress(),
                    String.valueOf(cause));
        }
        ctx.close();
    }
}
