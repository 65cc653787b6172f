package org.clocksync.node;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.BerkeleyConfig;
import org.clocksync.core.berkeley.BerkeleyCoordinator;
import org.clocksync.core.berkeley.BerkeleyFollower;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.node.net.ProtocolSecurity;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.RejectionCounters;

/**
 * Runs the hot path a few thousand times before the node takes part. A daemon polled a few times a second would
 * otherwise measure with interpreted code for minutes, and interpreted code turns 20 us round trips into 1 ms.
 */
final class Warmup {
    private static final int IN_FLIGHT = 16;
    /** On a crowded machine compilation is slow; a daemon must not wait long for it before it starts serving. */
    private static final long BUDGET_NANOS = 3_000_000_000L;

    private Warmup() {
    }

    /**
     * Exchanges {@code exchanges} Cristian request/responses with this node's own listener, as node {@code selfId}
     * over pipelines of {@code security}, on {@code group}; completes with the count.
     */
    static CompletableFuture<Integer> overLoopback(EventLoopGroup group, ProtocolSecurity security, int selfId,
            java.net.InetSocketAddress target, int exchanges) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        if (exchanges <= 0) {
            done.complete(0);
            return done;
        }
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        security.addTls(ch, true, new HostPort(target.getHostString(), target.getPort()));
                        ch.pipeline().addLast(security.decoder(new RejectionCounters()),
                                security.encoder(), new Driver(selfId, exchanges, done));
                    }
                })
                .connect(target).addListener(f -> {
                    if (!f.isSuccess()) {
                        done.completeExceptionally(f.cause());
                    }
                });
        return done;
    }

    /** Drives the pure Berkeley state machines through {@code rounds} rounds in memory. */
    static void stateMachines(int rounds) {
        long hostNanos = 1_000_000_000_000_000_000L;
        SimulatedHardwareClock clock = SimulatedHardwareClock.exact();
        BerkeleyConfig config = BerkeleyConfig.defaults();
        BerkeleyCoordinator coordinator = new BerkeleyCoordinator(2, config, clock);
        BerkeleyFollower follower = new BerkeleyFollower(clock);
        coordinator.addMember(1);
        for (int r = 0; r < rounds; r++) {
            List<Action> pending = coordinator.tick(hostNanos);
            for (int step = 0; step < 64 && !pending.isEmpty(); step++) {
                List<Action> next = new java.util.ArrayList<>();
                for (Action a : pending) {
                    if (a instanceof Send send && send.message() instanceof Message.BerkeleyPoll poll) {
                        for (Action reply : follower.onPoll(2, poll, hostNanos)) {
                            if (reply instanceof Send s && s.message() instanceof Message.BerkeleyReply br) {
                                next.addAll(coordinator.onReply(1, br, hostNanos + 1_000));
                            }
                        }
                    } else if (a instanceof Send send && send.message() instanceof Message.BerkeleyAdjust adj) {
                        follower.onAdjust(2, adj, hostNanos);
                    }
                }
                pending = next;
            }
            hostNanos += config.intervalNanos();
        }
    }

    /** Keeps a few requests in flight until the count is reached, then closes. */
    private static final class Driver extends SimpleChannelInboundHandler<Frame> {
        private final int selfId;
        private final int exchanges;
        private final CompletableFuture<Integer> done;
        private int sent;
        private int received;
        private final long startedNanos = System.nanoTime();

        Driver(int selfId, int exchanges, CompletableFuture<Integer> done) {
            this.selfId = selfId;
            this.exchanges = exchanges;
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            for (int i = 0; i < IN_FLIGHT && sent < exchanges; i++) {
                send(ctx.channel());
            }
            ctx.flush();
        }

        private void send(Channel ch) {
            sent++;
            ch.write(new Frame(selfId, 0, sent, new Message.CristianRequest(sent)), ch.voidPromise());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            received++;
            if (received >= exchanges || System.nanoTime() - startedNanos > BUDGET_NANOS) {
                done.complete(received);
                ctx.close();
            } else if (sent < exchanges) {
                send(ctx.channel());
                ctx.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(received);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }
}
