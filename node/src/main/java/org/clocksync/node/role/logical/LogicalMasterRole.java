package org.clocksync.node.role.logical;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.clocksync.core.Action;
import org.clocksync.core.Durations;
import org.clocksync.core.Send;
import org.clocksync.core.logical.LogicalConfig;
import org.clocksync.core.logical.LogicalRound;
import org.clocksync.core.logical.LogicalRoundCompleted;
import org.clocksync.core.logical.MasterObject;
import org.clocksync.node.log.LogText;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.role.MemberTable;
import org.clocksync.node.role.Role;
import org.clocksync.node.role.RoleHost;
import org.clocksync.node.role.RoleKind;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master object of the logical-clock system ({@code master-daemon --clock logical}): accepts process objects with
 * HELLO/WELCOME as the master role does, ticks its own counter, and runs an averaging round of the
 * {@link MasterObject} on every report and correction request, sending each PO its offset.
 */
public final class LogicalMasterRole implements Role {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalMasterRole.class);
    private static final org.clocksync.node.log.RateLimitedLog REFUSED_LOG = new org.clocksync.node.log.RateLimitedLog(LOG,
            5_000_000_000L);
    /** A round is logged at INFO at most this often (there are dozens a second); every one at DEBUG. */
    private static final long ROUND_LOG_PERIOD_NANOS = 5_000_000_000L;

    private final NodeContext ctx;
    private final LogicalConfig config;
    private final MasterObject mo;
    private final MemberTable members;
    private final Counter rounds;
    private final Counter leftOutExcluded;
    private final Counter leftOutSuspect;
    private ScheduledFuture<?> ticker;
    private long observedViolations;
    private long lastTimestamp;
    private long lastRoundLogNanos;
    private long roundsSinceLog;
    /** Read by the metrics gauges on the scrape thread. */
    private volatile long counterNow;
    private volatile long violationsNow;

    public LogicalMasterRole(RoleHost host) {
        this.ctx = host.context();
        this.config = ctx.options.logicalConfig();
        this.mo = new MasterObject(ctx.selfId(), config);
        this.members = new MemberTable("the master object", ctx, host.authenticated(), MasterObject.MAX_MEMBERS, LOG, mo::addMember,
                mo::removeMember);
        // An independent check of the MO's own timestamps, on top of the counter's self-check.
        mo.clock().setObserver(ts -> {
            if (ts <= lastTimestamp) {
                observedViolations++;
            }
            lastTimestamp = ts;
        });
        var metrics = ctx.metrics;
        rounds = metrics.counter("clocksync.logical.rounds", "Averaging rounds of the logical master object");
        leftOutExcluded = metrics.counter("clocksync.logical.left.out", "Readings left out of a logical round",
                "why", "excluded");
        leftOutSuspect = metrics.counter("clocksync.logical.left.out", "Readings left out of a logical round",
                "why", "suspect");
        metrics.gauge("clocksync.logical.counter", "This node's logical (Lamport) counter", () -> counterNow);
        metrics.gauge("clocksync.logical.monotonic.violations",
                "Logical timestamps not above the previous one (must stay 0)", () -> violationsNow);
    }

    @Override
    public RoleKind kind() {
        return RoleKind.MASTER;
    }

    @Override
    public int coordinatorId() {
        return ctx.selfId();
    }

    @Override
    public void start() {
        mo.start(HostClock.nowNanos());
        ticker = ctx.loop.scheduleAtFixedRate(this::tick, config.tickNanos(), config.tickNanos(),
                TimeUnit.NANOSECONDS);
        LOG.info("event=logical_master_started id={} tick={} step={} maxDeviation={} maxHoldSteps={}"
                        + " note=\"master object of the logical-clock system\"", ctx.selfId(),
                Durations.signed(config.tickNanos()), Durations.signed(config.stepNanos()),
                config.maxDeviation(), config.maxHoldSteps());
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        members.closeAll();
    }

    private void tick() {
        long now = HostClock.nowNanos();
        execute(mo.onTick(now), now);
    }

    private void execute(List<Action> actions, long hostNanos) {
        for (Action action : actions) {
            if (action instanceof Send send) {
                members.write(send.toNodeId(), send.message());
            } else if (action instanceof LogicalRoundCompleted done) {
                onRound(done.round(), hostNanos);
            }
        }
        members.flushWritten();
        counterNow = mo.counter();
        violationsNow = observedViolations + mo.clock().violations();
    }

    @Override
    public void onFrame(Channel channel, Frame frame, long hostNanos) {
        Integer memberId = members.receive(channel, frame, ticker != null, hostNanos, this::welcome);
        if (memberId == null) {
            return;
        }
        Message message = frame.message();
        if (message instanceof Message.LogicalReport report) {
            execute(mo.onReport(memberId, report, hostNanos), hostNanos);
        } else if (message instanceof Message.LogicalCorrectionRequest request) {
            execute(mo.onRequest(memberId, request, hostNanos), hostNanos);
        } else if (message instanceof Message.Heartbeat) {
            LOG.trace("event=keepalive from={} note=\"a held process object\"", memberId);
        } else if (message instanceof Message.ErrorMessage error) {
            REFUSED_LOG.warn("event=member_error id={} code={} text=\"{}\"", memberId, error.code(),
                    LogText.of(error.text()));
        } else {
            LOG.debug("event=ignored type={} from={} note=\"the logical master object handles only logical"
                    + " reports and requests\"", frame.type(), memberId);
        }
    }

    private void welcome(Channel channel, Message.Hello hello) {
        ProtocolChannels.setReadTimeout(channel, ctx.options.readTimeoutNanos);
        // WELCOME's interval field carries the step period, so a PO can tell when its --logical-step differs.
        ctx.send(channel, new Message.Welcome(hello.requestId(), ctx.selfId(), config.stepNanos() / 1_000_000L));
    }

    @Override
    public void onChannelClosed(Channel channel) {
        members.onChannelClosed(channel);
    }

    private void onRound(LogicalRound round, long hostNanos) {
        rounds.increment();
        roundsSinceLog++;
        List<String> leftOut = new ArrayList<>();
        for (LogicalRound.Entry e : round.leftOut()) {
            switch (e.status()) {
                case EXCLUDED -> leftOutExcluded.increment();
                case SUSPECT -> leftOutSuspect.increment();
                default -> {
                }
            }
            leftOut.add(e.nodeId() + ":" + e.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        LOG.debug("event=logical_round round={} trigger={} from={} average={} leftOut={}", round.roundId(),
                round.trigger(), round.fromId(), round.average(), leftOut);
        if (hostNanos - lastRoundLogNanos >= ROUND_LOG_PERIOD_NANOS) {
            LOG.info("event=logical_round round={} roundsSinceLastLine={} trigger={} from={} median={} average={}"
                            + " counter={} leftOut={}", round.roundId(), roundsSinceLog, round.trigger(),
                    round.fromId(), round.median(), round.average(), mo.counter(), leftOut);
            for (LogicalRound.Entry e : round.leftOut()) {
                if (e.status() == LogicalRound.Status.EXCLUDED || e.status() == LogicalRound.Status.SUSPECT) {
                    LOG.info("event=logical_left_out round={} id={} status={} reason=\"{}\"", round.roundId(),
                            e.nodeId(), e.status(), e.reason());
                }
            }
            lastRoundLogNanos = hostNanos;
            roundsSinceLog = 0;
        }
    }

    @Override
    public LogicalMasterStatus status(long hostNanos) {
        Map<String, Long> estimates = new LinkedHashMap<>();
        mo.estimates(hostNanos).forEach((id, v) -> estimates.put(Integer.toString(id), v));
        List<LeftOutCount> leftOut = new ArrayList<>();
        mo.leftOutCounts().forEach((id, c) -> leftOut.add(new LeftOutCount(id, memberName(id), c[0] + c[1], c[0],
                c[1])));
        LogicalRound last = mo.lastRound();
        List<RecentRound> recent = new ArrayList<>();
        for (LogicalRound r : mo.recentRounds()) {
            recent.add(new RecentRound(r.roundId(), r.average(), List.copyOf(r.leftOutIds())));
        }
        MasterObjectStatus logical = new MasterObjectStatus("MO",
                LogicalCounterStatus.of(mo.clock(), mo.counterAt(hostNanos), observedViolations), mo.ticks(), lastOwnOffset(),
                mo.roundsCompleted(), mo.reportsReceived(), mo.requestsReceived(), config.tickNanos(),
                config.stepNanos(), config.maxDeviation(), config.maxHoldSteps(), estimates, leftOut,
                last == null ? null : LogicalRoundStatus.of(last, hostNanos, this::memberName), recent);
        return new LogicalMasterStatus(members.status(hostNanos), members.protocolViolations(), logical);
    }

    private Long lastOwnOffset() {
        LogicalRound last = mo.lastRound();
        return last == null ? null : last.entry(ctx.selfId()).offset();
    }

    private String memberName(int id) {
        if (id == ctx.selfId()) {
            return ctx.name();
        }
        MemberTable.Member m = members.get(id);
        return m == null ? null : m.name();
    }
}
