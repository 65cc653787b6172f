package org.clocksync.node;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.clocksync.core.Durations;
import org.clocksync.core.clock.ServiceClock;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.node.admin.AdminHttpServer;
import org.clocksync.node.admin.AdminSource;
import org.clocksync.node.admin.ClockStatus;
import org.clocksync.node.admin.ListedPeer;
import org.clocksync.node.admin.NodeStatus;
import org.clocksync.node.admin.SecurityStatus;
import org.clocksync.node.cluster.ClusterAgent;
import org.clocksync.node.cluster.RoleSwitcher;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.metrics.DaemonMetrics;
import org.clocksync.node.net.ConnectionLimiter;
import org.clocksync.node.net.FrameSink;
import org.clocksync.node.net.Loopback;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.net.ProtocolSecurity;
import org.clocksync.node.ntp.NtpRoleView;
import org.clocksync.node.ntp.NtpServer;
import org.clocksync.node.ntp.NtpUpstream;
import org.clocksync.node.ntp.UpstreamClient;
import org.clocksync.node.role.Role;
import org.clocksync.node.role.RoleHost;
import org.clocksync.node.role.RoleKind;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.node.runtime.TrackingStatus;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running daemon: the protocol listener, the admin HTTP server, the clocks and the current role.
 * All protocol work runs on one event-loop thread so that the core state machines need no locks. The top of the
 * node's packages: it gives each part the narrow view it needs of the node (a role its {@link RoleHost}, the
 * pipelines a {@link FrameSink}, the admin server an {@link AdminSource}, ...) and nothing depends back on it.
 */
public final class Node implements AutoCloseable, RoleHost, FrameSink, RoleSwitcher, AdminSource {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** How often the key file is checked for a new version (a rotation step). */
    static final long KEY_RELOAD_CHECK_SECONDS = 2;

    private final DaemonOptions options;
    private final EventLoopGroup protocolGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup adminGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final DaemonMetrics metrics;
    private final NodeContext context;
    private final ConnectionLimiter limiter;
    /** The cluster key and TLS material: every protocol pipeline takes its codec and TLS handler from here. */
    private final ProtocolSecurity security;
    /** Every protocol pipeline of this node: checked with {@link #security}, delivering to {@link #onFrame}. */
    private final ProtocolChannels channels;
    private volatile Role role;
    /** The current role as the NTP server and the upstream client see it. */
    private final NtpRoleView ntpRoleView = new NtpRoleView() {
        @Override
        public boolean master() {
            return role.kind() == RoleKind.MASTER;
        }

        @Override
        public NtpUpstream upstream() {
            return role instanceof NtpUpstream upstream ? upstream : null;
        }
    };
    /** Heartbeats, failure detection and elections; null when the node has no --peers. */
    private final ClusterAgent cluster;
    private Channel protocolChannel;
    private AdminHttpServer admin;
    private NtpServer ntpServer;
    /** The NTP client of --upstream; null without it. */
    private UpstreamClient upstreamClient;

    /** @param roleFactory makes the role the node starts with (an election may replace it) */
    public Node(DaemonOptions options, Function<RoleHost, Role> roleFactory) {
        this.options = options;
        this.metrics = new DaemonMetrics(options.id, options.displayName());
        long startedHostNanos = HostClock.nowNanos();
        // Sequences start at the host time in ns, so a restarted node signs above every number it used before.
        this.security = ProtocolSecurity.from(options, startedHostNanos);
        SimulatedHardwareClock hardware = new SimulatedHardwareClock(
                options.simOffsetNanos, options.simDriftPpm, startedHostNanos);
        ServiceClock serviceClock = new ServiceClock(hardware,
                new ServiceClockConfig(options.maxSlewPpm, options.stepThresholdNanos, 1));
        this.context = new NodeContext(options, protocolGroup.next(), hardware, serviceClock, metrics,
                startedHostNanos);
        this.limiter = new ConnectionLimiter(options.maxConnections, options.maxConnectionsPerAddress, metrics);
        this.channels = new ProtocolChannels(security, context, this);
        this.role = roleFactory.apply(this);
        this.cluster = options.peers.isEmpty() ? null : new ClusterAgent(context, channels, this,
                new BerkeleyRoles(this), role.kind() == RoleKind.MASTER);
        metrics.gauge("clocksync.clock.offset.from.host.seconds",
                "Service clock minus host clock (the node's true error when the host clock is the reference)",
                () -> serviceClock.offsetFromHostNanos(HostClock.nowNanos()) / 1e9);
    }

    /** Binds the listeners and starts the role; throws with a clear message when an address is taken. */
    public Node start() {
        HostPort listen = options.listen != null ? options.listen : new HostPort("127.0.0.1", 0);
        ServerBootstrap server = new ServerBootstrap()
                .group(protocolGroup, protocolGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.configureInbound(ch, limiter, options.helloTimeoutNanos);
                    }
                });
        try {
            protocolChannel = server.bind(listen.toSocketAddress()).syncUninterruptibly().channel();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot listen on " + listen + " (--listen): " + e.getMessage()
                    + "; is another daemon running there?", e);
        }
        HostPort adminAddress = options.admin != null ? options.admin : new HostPort("127.0.0.1", 0);
        try {
            admin = new AdminHttpServer(adminGroup, this, metrics).bind(adminAddress);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot listen on " + adminAddress + " (--admin): " + e.getMessage()
                    + "; is another daemon running there?", e);
        }
        if (options.ntp != null) {
            try {
                ntpServer = NtpServer.bind(context, ntpRoleView, options.ntp);
            } catch (IllegalStateException e) {
                close();
                throw e;
            }
        }
        warmUp();
        if (security.authenticated()) {
            adminGroup.scheduleAtFixedRate(security::reloadKeysIfChanged, KEY_RELOAD_CHECK_SECONDS,
                    KEY_RELOAD_CHECK_SECONDS, TimeUnit.SECONDS);
        }
        if (options.upstream != null) {
            // After the warm-up, which keeps the protocol loop busy: samples stamped late would start it off wrong.
            try {
                upstreamClient = UpstreamClient.start(context, ntpRoleView, options.upstream);
            } catch (IllegalStateException e) {
                close();
                throw e;
            }
        }
        context.loop.execute(() -> context.startTrace(role.name()));
        context.loop.execute(() -> role.start());
        if (cluster != null) {
            context.loop.execute(cluster::start);
        }
        LOG.info("event=ready id={} name={} role={} listen={} admin={} ntp={} keys={} tls={} simOffset={}"
                        + " simDriftPpm={}",
                options.id, options.displayName(), role.name(), boundListen(), boundAdmin(),
                ntpServer == null ? "off" : ntpServer.boundAddress(),
                security.authenticated() ? security.keyIds() : "none (frames are not authenticated)",
                security.tls() ? "mutual" : "off",
                Durations.signed(options.simOffsetNanos), options.simDriftPpm);
        return this;
    }

    private void warmUp() {
        if (options.warmupExchanges <= 0) {
            return;
        }
        long startedNanos = System.nanoTime();
        Warmup.stateMachines(options.warmupExchanges / 4);
        InetSocketAddress target = Loopback.reach((InetSocketAddress) protocolChannel.localAddress());
        int done;
        try {
            done = Warmup.overLoopback(protocolGroup, security, options.id, target,
                    options.warmupExchanges).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("event=warmup_failed error=\"{}\" note=\"the first rounds will be less accurate\"",
                    String.valueOf(e));
            return;
        }
        LOG.info("event=warmup exchanges={} millis={} note=\"hot path compiled before joining\"", done,
                (System.nanoTime() - startedNanos) / 1_000_000);
    }

    public HostPort boundListen() {
        InetSocketAddress a = (InetSocketAddress) protocolChannel.localAddress();
        return new HostPort(a.getHostString(), a.getPort());
    }

    public HostPort boundAdmin() {
        return admin.boundAddress();
    }

    public Role role() {
        return role;
    }

    @Override
    public Role current() {
        return role;
    }

    /** Every decoded frame: the cluster agent sees it first (epoch gate, heartbeats, elections), then the role. */
    @Override
    public void onFrame(Channel channel, Frame frame, long hostNanos) {
        if (cluster != null && !cluster.admit(channel, frame, hostNanos)) {
            return;
        }
        role.onFrame(channel, frame, hostNanos);
    }

    @Override
    public void onChannelClosed(Channel channel) {
        role.onChannelClosed(channel);
    }

    /** The master this node follows told its id (WELCOME); in the initial epoch that is how slaves learn it. */
    @Override
    public void coordinatorKnown(int coordinatorId) {
        if (cluster != null) {
            cluster.onCoordinatorKnown(coordinatorId);
        }
    }

    /** The follower role applied a correction from its master; the cluster agent counts it towards leading. */
    @Override
    public void correctionApplied(long hostNanos) {
        if (cluster != null) {
            cluster.onCorrectionApplied(hostNanos);
        }
    }

    /** Replaces the role (an election made this node master, or it follows another); on the event loop only. */
    @Override
    public void switchRole(Role next, String reason) {
        assert context.loop.inEventLoop();
        Role previous = role;
        previous.stop();
        role = next;
        LOG.info("event=role_change id={} from={} to={} reason=\"{}\"", options.id, previous.name(), next.name(),
                reason);
        context.traceInternal("role_change from=" + previous.name() + " to=" + next.name() + " reason=\"" + reason + "\"");
        next.start();
    }

    /** Starts a Chandy-Lamport snapshot with this node as initiator (needs --peers); on any thread. */
    @Override
    public CompletableFuture<ClusterAgent.SnapshotOutcome> snapshot() {
        if (cluster == null) {
            return CompletableFuture.completedFuture(new ClusterAgent.SnapshotOutcome(false,
                    "snapshots run over the links between --peers; this node has no --peers", null));
        }
        CompletableFuture<ClusterAgent.SnapshotOutcome> result = new CompletableFuture<>();
        try {
            context.loop.execute(() -> cluster.startSnapshot().whenComplete((outcome, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(outcome);
                }
            }));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** The cluster agent, or null without --peers. */
    public ClusterAgent cluster() {
        return cluster;
    }

    @Override
    public NodeContext context() {
        return context;
    }

    public DaemonMetrics metrics() {
        return metrics;
    }

    public DaemonOptions options() {
        return options;
    }

    public EventLoopGroup protocolGroup() {
        return protocolGroup;
    }

    public ProtocolSecurity security() {
        return security;
    }

    @Override
    public boolean authenticated() {
        return security.authenticated();
    }

    @Override
    public ProtocolChannels channels() {
        return channels;
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    /** Builds /status on the protocol loop so that it sees a consistent state; the clock is read there. */
    @Override
    public CompletableFuture<NodeStatus> status() {
        CompletableFuture<NodeStatus> result = new CompletableFuture<>();
        try {
            context.loop.execute(() -> {
                try {
                    result.complete(statusNow(HostClock.nowNanos()));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** /status as of {@code hostNanos}; on the protocol loop only. Only reads: it changes no state, sends nothing. */
    NodeStatus statusNow(long hostNanos) {
        double drift = context.discipline.estimatedDriftPpm();
        ClockStatus clock = new ClockStatus(options.simOffsetNanos, options.simDriftPpm,
                context.clock.correctionNanos(hostNanos), context.clock.pendingSlewNanos(hostNanos),
                context.clock.stepsTaken(), context.clock.frequencyPpm(), Double.isNaN(drift) ? null : drift,
                context.discipline.samples(), context.discipline.skippedUpdates(), context.lastAdjustNanos(),
                context.lastAdjustHostNanos() == 0 ? null : (hostNanos - context.lastAdjustHostNanos()) / 1_000_000L);
        SecurityStatus sec = new SecurityStatus(security.authenticated(), security.keyIds(),
                security.authenticated() ? security.auth().keyRing().signingKey().id() : null, security.tls(),
                metrics.connectionsClosed("tls_handshake"), metrics.rejectedCounts());
        return new NodeStatus(options.id, options.displayName(), cluster != null ? cluster.roleName() : role.name(),
                cluster != null && cluster.coordinatorId() != 0 ? cluster.coordinatorId() : role.coordinatorId(),
                context.epoch(), context.clock.offsetFromHostNanos(hostNanos), hostNanos,
                context.clock.readNanos(hostNanos), context.lamport(),
                (hostNanos - context.startedHostNanos) / 1_000_000_000L, clock, TrackingStatus.of(context, hostNanos),
                boundListen().toString(), boundAdmin().toString(),
                options.peers.stream().map(p -> new ListedPeer(p.id(), p.address().toString())).toList(),
                limiter.openConnections(), sec, ntpServer == null ? null : ntpServer.status(hostNanos),
                upstreamClient == null ? null : upstreamClient.status(hostNanos), role.status(hostNanos),
                cluster == null ? null : cluster.status(hostNanos));
    }

    @Override
    public void close() {
        if (cluster != null && !context.loop.isShuttingDown()) {
            try {
                context.loop.submit(cluster::stop).await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Role r = role;
        if (r != null && !context.loop.isShuttingDown()) {
            try {
                context.loop.submit(r::stop).await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (admin != null) {
            admin.close();
        }
        if (ntpServer != null) {
            ntpServer.close();
        }
        if (upstreamClient != null) {
            upstreamClient.close();
        }
        if (protocolChannel != null) {
            protocolChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        protocolGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        context.closeTrace();
    }
}
