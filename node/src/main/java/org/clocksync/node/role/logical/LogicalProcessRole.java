package org.clocksync.node.role.logical;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.clocksync.core.Action;
import org.clocksync.core.Durations;
import org.clocksync.core.Send;
import org.clocksync.core.logical.LogicalConfig;
import org.clocksync.core.logical.ProcessObject;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.role.FollowerSide;
import org.clocksync.node.role.Role;
import org.clocksync.node.role.RoleHost;
import org.clocksync.node.role.RoleKind;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process object of the logical-clock system ({@code slave-daemon --clock logical}): keeps one connection to the
 * master object (HELLO/WELCOME, reconnecting with capped exponential backoff as the slave role does), steps its
 * {@link ProcessObject} on a timer, sends the reports and requests it decides and applies the offsets it gets.
 * Its counter runs whether or not the master object is reachable.
 */
public final class LogicalProcessRole implements Role, FollowerSide.Follower {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalProcessRole.class);
    /** Silence after which a joined PO sends a keepalive (well inside every read timeout). */
    private static final long KEEPALIVE_NANOS = 1_000_000_000L;

    private final NodeContext ctx;
    private final LogicalConfig config;
    private final ProcessObject po;
    private final long seed;
    private final Counter offsetsApplied;
    private final FollowerSide side;
    private long observedViolations;
    private long lastTimestamp;
    private long lastSentNanos;
    private long keepalives;
    private ScheduledFuture<?> ticker;
    /** Read by the metrics gauges on the scrape thread. */
    private volatile long counterNow;
    private volatile long violationsNow;
    private volatile long holdNow;

    public LogicalProcessRole(RoleHost host) {
        this.ctx = host.context();
        HostPort masterAddress = Objects.requireNonNull(ctx.options.master, "--master");
        this.config = ctx.options.logicalConfig();
        this.seed = new SplittableRandom().nextLong();
        this.po = new ProcessObject(ctx.selfId(), config, ctx.options.byzantineBehaviour(),
                new SplittableRandom(seed));
        // An independent check of every event's timestamp, on top of the counter's self-check.
        po.clock().setObserver(ts -> {
            if (ts <= lastTimestamp) {
                observedViolations++;
            }
            lastTimestamp = ts;
        });
        var metrics = ctx.metrics;
        offsetsApplied = metrics.counter("clocksync.logical.offsets.applied",
                "Offsets from the master object applied to the logical counter");
        metrics.gauge("clocksync.logical.counter", "This node's logical (Lamport) counter", () -> counterNow);
        metrics.gauge("clocksync.logical.monotonic.violations",
                "Logical timestamps not above the previous one (must stay 0)", () -> violationsNow);
        metrics.gauge("clocksync.logical.hold.steps", "Steps this process object still holds its counter for",
                () -> holdNow);
        this.side = new FollowerSide(host, masterAddress, LOG,
                "this node is a logical process object; its master object is " + masterAddress,
                "the counter runs on; reconnecting with backoff");
        side.follow(this);
    }

    @Override
    public RoleKind kind() {
        return RoleKind.SLAVE;
    }

    @Override
    public int coordinatorId() {
        return side.coordinatorId();
    }

    @Override
    public void start() {
        po.start(HostClock.nowNanos());
        ticker = ctx.loop.scheduleAtFixedRate(this::tick, config.stepNanos(), config.stepNanos(),
                TimeUnit.NANOSECONDS);
        LOG.info("event=logical_process_started id={} step={} pInternal={} pReport={} pRequest={} byzantine={}"
                        + " seed={} master={}", ctx.selfId(), Durations.signed(config.stepNanos()),
                config.pInternal(), config.pReport(), config.pRequest(), po.behaviour().optionName(), seed,
                side.masterAddress());
        side.start();
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        side.stop();
    }

    private void tick() {
        long now = HostClock.nowNanos();
        execute(po.onTick(now));
        Channel master = side.masterChannel();
        if (side.joined() && master != null && now - lastSentNanos > KEEPALIVE_NANOS) {
            // A held counter takes no steps, so sends nothing; a transport keepalive (no event of the logical
            // process) keeps the master object's read timeout from closing the connection meanwhile.
            ctx.send(master, new Message.Heartbeat(++keepalives, side.coordinatorId()));
            lastSentNanos = now;
        }
    }

    @Override
    public void onFrame(Channel channel, Frame frame, long hostNanos) {
        side.onFrame(channel, frame, hostNanos);
    }

    @Override
    public void onJoined(Channel master, Message.Welcome welcome, long hostNanos) {
        lastSentNanos = hostNanos;
        po.masterJoined(welcome.coordinatorId());
        ProtocolChannels.setReadTimeout(master, ctx.options.readTimeoutNanos);
        LOG.info("event=joined master={} coordinatorId={} counter={}", side.masterAddress(), welcome.coordinatorId(),
                po.counter());
        if (welcome.roundIntervalMillis() != config.stepNanos() / 1_000_000L) {
            LOG.warn("event=logical_step_mismatch masterStepMillis={} ownStepMillis={} note=\"give every daemon"
                            + " the same --logical-step: the master object estimates counters from it\"",
                    welcome.roundIntervalMillis(), config.stepNanos() / 1_000_000L);
        }
    }

    @Override
    public void onMasterFrame(Channel master, Frame frame, long hostNanos) {
        if (frame.message() instanceof Message.LogicalOffset offset) {
            long applied = po.offsetsApplied();
            execute(po.onOffset(frame.senderId(), offset, hostNanos));
            if (po.offsetsApplied() > applied) {
                offsetsApplied.increment();
            }
        } else {
            LOG.debug("event=ignored type={} from={}", frame.type(), frame.senderId());
        }
    }

    private void execute(List<Action> actions) {
        boolean wrote = false;
        Channel master = side.masterChannel();
        for (Action action : actions) {
            if (action instanceof Send send && master != null && side.joined()) {
                ctx.write(master, send.message());
                wrote = true;
            }
        }
        if (wrote) {
            master.flush();
            lastSentNanos = HostClock.nowNanos();
        }
        counterNow = po.counter();
        violationsNow = observedViolations + po.clock().violations();
        holdNow = po.clock().hold();
    }

    @Override
    public void onChannelClosed(Channel channel) {
        side.onChannelClosed(channel);
    }

    @Override
    public void onMasterLost() {
        po.masterLost();
    }

    @Override
    public LogicalProcessStatus status(long hostNanos) {
        boolean offsetApplied = po.offsetsApplied() != 0;
        ProcessObjectStatus logical = new ProcessObjectStatus("PO",
                po.behaviour().isByzantine() ? po.behaviour().optionName() : null,
                LogicalCounterStatus.of(po.clock(), po.counterAt(hostNanos), observedViolations), po.steps(), po.stepsSkipped(),
                po.internalEvents(), po.reportsSent(), po.requestsSent(), po.unsent(), po.offsetsApplied(),
                po.staleOffsets(), keepalives, offsetApplied ? po.lastOffset() : null,
                offsetApplied ? po.lastOffsetRoundId() : null,
                offsetApplied ? (hostNanos - po.lastOffsetNanos()) / 1_000_000L : null, config.stepNanos(),
                config.pInternal(), config.pReport(), config.pRequest(), seed);
        return new LogicalProcessStatus(side.status(hostNanos), logical);
    }
}
