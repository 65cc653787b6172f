package org.clocksync.node.role;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.BerkeleyFollower;
import org.clocksync.core.ntp.PollSpacing;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.ntp.NtpUpstream;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slave role: keeps one connection to the master (reconnecting with capped exponential backoff),
 * answers its polls and applies its corrections through the Berkeley follower.
 */
public final class SlaveRole implements Role, NtpUpstream, FollowerSide.Follower {
    private static final Logger LOG = LoggerFactory.getLogger(SlaveRole.class);

    private final RoleHost host;
    private final NodeContext ctx;
    private final FollowerSide side;
    private final BerkeleyFollower follower;
    /** The round trip to the master, from the spacing of its polls; the NTP server's root delay. */
    private final PollSpacing pollSpacing = new PollSpacing();
    private final RateLimitedLog rejectedLog = new RateLimitedLog(LOG, 5_000_000_000L);
    private long correctionsApplied;
    private long lastRoundId;

    /** Follows the configured master ({@code --master}). */
    public SlaveRole(RoleHost host) {
        this(host, host.context().options.master);
    }

    /** Follows the master at {@code masterAddress}, e.g. the coordinator an election chose. */
    public SlaveRole(RoleHost host, HostPort masterAddress) {
        this.host = host;
        this.ctx = host.context();
        this.follower = new BerkeleyFollower(ctx.clock);
        this.side = new FollowerSide(host, masterAddress, LOG, "this node is a slave; its master is " + masterAddress,
                "reconnecting with backoff");
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
        side.start();
    }

    @Override
    public void stop() {
        side.stop();
    }

    @Override
    public void onFrame(Channel channel, Frame frame, long hostNanos) {
        side.onFrame(channel, frame, hostNanos);
    }

    @Override
    public void onJoined(Channel master, Message.Welcome welcome, long hostNanos) {
        if (welcome.roundIntervalMillis() > 0) {
            ctx.tracking.expectRoundsEvery(welcome.roundIntervalMillis() * 1_000_000L);
        }
        follower.reset();
        ProtocolChannels.setReadTimeout(master,
                Math.max(ctx.options.readTimeoutNanos, 3 * welcome.roundIntervalMillis() * 1_000_000L));
        LOG.info("event=joined master={} coordinatorId={} intervalMillis={}", side.masterAddress(),
                welcome.coordinatorId(), welcome.roundIntervalMillis());
    }

    @Override
    public void onMasterFrame(Channel master, Frame frame, long hostNanos) {
        Message message = frame.message();
        if (message instanceof Message.BerkeleyPoll poll) {
            pollSpacing.onPoll(frame.senderId(), poll.roundId(), hostNanos);
            execute(follower.onPoll(frame.senderId(), poll, hostNanos), hostNanos);
        } else if (message instanceof Message.BerkeleyAdjust adjust) {
            lastRoundId = adjust.roundId();
            long rejectedBefore = follower.rejectedAdjusts();
            execute(follower.onAdjust(frame.senderId(), adjust, hostNanos), hostNanos);
            if (follower.rejectedAdjusts() != rejectedBefore) {
                rejectedLog.warn("event=correction_rejected round={} from={} correction={}"
                        + " why=\"replayed, for a round that did not poll this node, or out of range\"",
                        adjust.roundId(), frame.senderId(), adjust.correctionNanos());
            }
        } else {
            LOG.debug("event=ignored type={} from={}", frame.type(), frame.senderId());
        }
    }

    private void execute(List<Action> actions, long hostNanos) {
        for (Action action : actions) {
            if (action instanceof Send send) {
                Channel master = side.masterChannel();
                if (master != null) {
                    ctx.send(master, send.message());
                }
            } else if (action instanceof AdjustClock adjust) {
                ctx.adjust(adjust, hostNanos);
                correctionsApplied++;
                ctx.tracking.onRound(hostNanos); // a round reached this node: its reach register
                host.correctionApplied(hostNanos);
            }
        }
    }

    @Override
    public void onChannelClosed(Channel channel) {
        side.onChannelClosed(channel);
    }

    @Override
    public void onMasterLost() {
        follower.reset();
    }

    @Override
    public long lastRoundId() {
        return lastRoundId;
    }

    public HostPort masterAddress() {
        return side.masterAddress();
    }

    @Override
    public long upstreamRoundTripNanos() {
        return pollSpacing.roundTripNanos();
    }

    @Override
    public InetAddress upstreamAddress() {
        Channel m = side.masterChannel();
        return m != null && m.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    @Override
    public SlaveStatus status(long hostNanos) {
        return new SlaveStatus(new FollowedMasterStatus(side.status(hostNanos), correctionsApplied,
                follower.rejectedAdjusts()));
    }
}
