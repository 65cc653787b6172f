package org.clocksync.node.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.clocksync.node.metrics.DaemonMetrics;
import org.clocksync.node.net.ConnectionLimiter;
import org.clocksync.protocol.HostPort;

/** The admin HTTP listener: small requests only, a read timeout, and a connection cap of its own. */
public final class AdminHttpServer {
    static final int MAX_REQUEST_BYTES = 8 * 1024;
    private static final int MAX_CONNECTIONS = 64;

    private final EventLoopGroup group;
    private final AdminSource source;
    private final DaemonMetrics metrics;
    private Channel channel;

    public AdminHttpServer(EventLoopGroup group, AdminSource source, DaemonMetrics metrics) {
        this.group = group;
        this.source = source;
        this.metrics = metrics;
    }

    public AdminHttpServer bind(HostPort address) {
        ConnectionLimiter limiter = new ConnectionLimiter(MAX_CONNECTIONS, MAX_CONNECTIONS, metrics);
        AdminHandler handler = new AdminHandler(source, metrics);
        channel = new ServerBootstrap()
                .group(group, group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(limiter)
                                .addLast(new ReadTimeoutHandler(10, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec(4096, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(handler);
                    }
                })
                .bind(address.toSocketAddress()).syncUninterruptibly().channel();
        return this;
    }

    public HostPort boundAddress() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new HostPort(a.getHostString(), a.getPort());
    }

    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
