package org.clocksync.node.role;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Durations;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.BerkeleyConfig;
import org.clocksync.core.berkeley.BerkeleyCoordinator;
import org.clocksync.core.berkeley.MemberResult;
import org.clocksync.core.berkeley.RoundCompleted;
import org.clocksync.core.berkeley.RoundReport;
import org.clocksync.node.log.LogText;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The master role: accepts members, runs the Berkeley coordinator on a timer and sends what it decides. */
public final class MasterRole implements Role {
    private static final Logger LOG = LoggerFactory.getLogger(MasterRole.class);
    /** Members' error frames: a misbehaving member may repeat them as fast as it likes. */
    private static final RateLimitedLog MEMBER_ERROR_LOG = new RateLimitedLog(LOG, 5_000_000_000L);
    /** How often the coordinator is ticked; rounds start on the first tick after they are due. */
    static final long TICK_MILLIS = 2;
    static final int MAX_MEMBERS = 4096;

    private final NodeContext ctx;
    private final BerkeleyCoordinator coordinator;
    private final MemberTable members;
    private ScheduledFuture<?> ticker;
    private RoundReport lastRound;
    private final MemberReach memberReach = new MemberReach();
    private long lastRoundHostNanos;
    private final long firstRoundDelayMillis;

    public MasterRole(RoleHost host) {
        this(host, 0);
    }

    /**
     * A master whose first round waits {@code firstRoundDelayMillis}: after an election the members are only now
     * connecting, and a first round with one of them would let that one outvote nobody and follow a master whose
     * clock nobody has checked yet.
     */
    public MasterRole(RoleHost host, long firstRoundDelayMillis) {
        this.firstRoundDelayMillis = firstRoundDelayMillis;
        this.ctx = host.context();
        var o = ctx.options;
        this.coordinator = new BerkeleyCoordinator(o.id,
                new BerkeleyConfig(o.intervalNanos, o.burst, o.roundTimeoutNanos, o.maxDeviationNanos,
                        o.probationRounds, o.upstream != null), ctx.clock);
        this.members = new MemberTable("the master", ctx, host.authenticated(), MAX_MEMBERS, LOG, coordinator::addMember,
                coordinator::removeMember);
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
        ctx.tracking.expectRoundsEvery(ctx.options.intervalNanos);
        ticker = ctx.loop.scheduleAtFixedRate(this::tick, firstRoundDelayMillis, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("event=master_started id={} intervalMillis={} burst={} maxDeviation={}", ctx.selfId(),
                ctx.options.intervalNanos / 1_000_000, ctx.options.burst,
                Durations.signed(ctx.options.maxDeviationNanos));
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        members.closeAll();
    }

    private void tick() {
        long hostNanos = HostClock.nowNanos();
        execute(coordinator.tick(hostNanos), hostNanos);
    }

    private void execute(List<Action> actions, long hostNanos) {
        for (Action action : actions) {
            if (action instanceof Send send && send.message() instanceof Message.BerkeleyPoll poll) {
                sendPollNow(send.toNodeId(), poll);
            } else if (action instanceof Send send) {
                members.write(send.toNodeId(), send.message());
            } else if (action instanceof AdjustClock adjust) {
                ctx.adjust(adjust, hostNanos);
            } else if (action instanceof RoundCompleted done) {
                onRound(done.report(), hostNanos);
            }
        }
        members.flushWritten();
    }

    /** A poll leaves at once, on its own flush: its t1 is stamped once it is encoded, just before the socket write. */
    private void sendPollNow(int memberId, Message.BerkeleyPoll poll) {
        MemberTable.Member m = members.get(memberId);
        if (m == null) {
            return;
        }
        ctx.write(m.channel(), poll);
        coordinator.onPollSent(m.id(), poll.requestId(), HostClock.nowNanos());
        m.channel().flush();
    }

    @Override
    public void onFrame(Channel channel, Frame frame, long hostNanos) {
        Integer memberId = members.receive(channel, frame, ticker != null, hostNanos, this::welcome);
        if (memberId == null) {
            return;
        }
        Message message = frame.message();
        if (message instanceof Message.BerkeleyReply reply) {
            execute(coordinator.onReply(memberId, reply, hostNanos), hostNanos);
        } else if (message instanceof Message.ErrorMessage error) {
            MEMBER_ERROR_LOG.warn("event=member_error id={} code={} text=\"{}\"", memberId, error.code(),
                    LogText.of(error.text()));
        } else {
            LOG.debug("event=ignored type={} from={}", frame.type(), memberId);
        }
    }

    private void welcome(Channel channel, Message.Hello hello) {
        ProtocolChannels.setReadTimeout(channel,
                Math.max(ctx.options.readTimeoutNanos, 3 * ctx.options.intervalNanos));
        long intervalMillis = ctx.options.intervalNanos / 1_000_000;
        ctx.send(channel, new Message.Welcome(hello.requestId(), ctx.selfId(), intervalMillis));
    }

    @Override
    public void onChannelClosed(Channel channel) {
        members.onChannelClosed(channel);
    }

    private void onRound(RoundReport report, long hostNanos) {
        lastRound = report;
        lastRoundHostNanos = hostNanos;
        ctx.tracking.onRound(hostNanos);
        memberReach.onRound(report);
        ctx.metrics.lastRoundAverageNanos(report.averageNanos());
        ctx.metrics.rounds.increment();
        List<String> leftOut = new ArrayList<>();
        for (MemberResult r : report.members()) {
            switch (r.status()) {
                case EXCLUDED -> ctx.metrics.membersExcluded.increment();
                case NO_REPLY -> ctx.metrics.membersNoReply.increment();
                case SLOW_REPLY -> ctx.metrics.membersSlowReply.increment();
                default -> {
                    if (r.nodeId() != ctx.selfId()) { // the master's own reading has no round trip
                        ctx.metrics.pollRtt.record(r.rttNanos(), TimeUnit.NANOSECONDS);
                    }
                }
            }
            if (r.status() != MemberResult.Status.INCLUDED) {
                leftOut.add(r.nodeId() + ":" + r.status().name().toLowerCase());
            }
        }
        LOG.info("event=round round={} members={} included={} leftOut={} average={} durationMicros={}",
                report.roundId(), report.members().size(), report.includedCount(), leftOut,
                Durations.signed(report.averageNanos()),
                (report.finishedHostNanos() - report.startedHostNanos()) / 1000);
        for (MemberResult r : report.members()) {
            if (r.status() == MemberResult.Status.EXCLUDED || r.status() == MemberResult.Status.SLOW_REPLY) {
                LOG.info("event=excluded round={} id={} reason=\"{}\"", report.roundId(), r.nodeId(), r.reason());
            }
        }
    }

    @Override
    public long lastRoundId() {
        return lastRound == null ? 0 : lastRound.roundId();
    }

    @Override
    public MasterStatus status(long hostNanos) {
        return new MasterStatus(members.status(hostNanos), ctx.options.intervalNanos, coordinator.roundsCompleted(),
                coordinator.staleReplies(), members.protocolViolations(), lastRound == null ? null
                        : RoundStatuses.of(lastRound, lastRoundHostNanos, hostNanos, this::memberName,
                                memberReach::reach));
    }

    private String memberName(int id) {
        if (id == ctx.selfId()) {
            return ctx.name();
        }
        MemberTable.Member m = members.get(id);
        return m == null ? null : m.name();
    }
}
