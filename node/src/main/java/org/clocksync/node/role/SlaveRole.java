package org.clocksync.node.role;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.BerkeleyFollower;
import org.clocksync.core.ntp.PollSpacing;
import org.clocksync.node.config.HostPort;
import org.clocksync.node.role.MasterLink;
import org.clocksync.node.log.LogText;
import org.clocksync.node.Node;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.role.Role;
import org.clocksync.node.ntp.NtpUpstream;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slave role: keeps one connection to the master (reconnecting with capped exponential backoff),
 * answers its polls and applies its corrections through the Berkeley follower.
 */
public final class SlaveRole implements Role, NtpUpstream {
    private static final Logger LOG = LoggerFactory.getLogger(SlaveRole.class);

    private final Node node;
    private final NodeContext ctx;
    private final HostPort masterAddress;
    private final MasterLink link;
    private final BerkeleyFollower follower;
    /** The round trip to the master, from the spacing of its polls; the NTP server's root delay. */
    private final PollSpacing pollSpacing = new PollSpacing();
    private final RateLimitedLog rejectedLog = new RateLimitedLog(LOG, 5_000_000_000L);
    private boolean joined;
    private int coordinatorId;
    private long joinedHostNanos;
    private long correctionsApplied;
    private long lastRoundId;

    /** Follows the configured master ({@code --master}). */
    public SlaveRole(Node node) {
        this(node, node.options().master);
    }

    /** Follows the master at {@code masterAddress}, e.g. the coordinator an election chose. */
    public SlaveRole(Node node, HostPort masterAddress) {
        this.node = node;
        this.ctx = node.context();
        this.masterAddress = java.util.Objects.requireNonNull(masterAddress, "masterAddress");
        this.follower = new BerkeleyFollower(ctx.clock);
        this.link = new MasterLink(node, this.masterAddress, LOG);
    }

    @Override
    public String name() {
        return "SLAVE";
    }

    @Override
    public int coordinatorId() {
        return coordinatorId;
    }

    @Override
    public void start() {
        link.start();
    }

    @Override
    public void stop() {
        link.stop();
    }

    @Override
    public void onFrame(Channel channel, Frame frame, long hostNanos) {
        if (channel != link.channel()) {
            onPeerFrame(channel, frame, hostNanos);
            return;
        }
        Message message = frame.message();
        if (message instanceof Message.Welcome welcome && link.answersHello(welcome) && !joined) {
            joined = true;
            link.joined();
            coordinatorId = welcome.coordinatorId();
            joinedHostNanos = hostNanos;
            if (welcome.roundIntervalMillis() > 0) {
                ctx.tracking.expectRoundsEvery(welcome.roundIntervalMillis() * 1_000_000L);
            }
            follower.reset();
            ProtocolChannels.setReadTimeout(channel,
                    Math.max(node.options().readTimeoutNanos, 3 * welcome.roundIntervalMillis() * 1_000_000L));
            LOG.info("event=joined master={} coordinatorId={} intervalMillis={}", masterAddress, coordinatorId,
                    welcome.roundIntervalMillis());
            node.coordinatorKnown(coordinatorId);
        } else if (message instanceof Message.ErrorMessage error) {
            LOG.warn("event=master_refused master={} code={} text=\"{}\"", masterAddress, error.code(),
                    LogText.of(error.text()));
            channel.close();
        } else if (!joined) {
            LOG.debug("event=ignored type={} note=\"not joined yet\"", frame.type());
        } else if (message instanceof Message.BerkeleyPoll poll) {
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

    /** Inbound connections to a slave: peers and clients; only introductions and time requests for now. */
    private void onPeerFrame(Channel channel, Frame frame, long hostNanos) {
        Message message = frame.message();
        if (message instanceof Message.Hello hello) {
            ProtocolChannels.setReadTimeout(channel, node.options().readTimeoutNanos);
            ctx.send(channel, new Message.Welcome(hello.requestId(), coordinatorId, 0));
        } else if (message instanceof Message.CristianRequest request) {
            ctx.send(channel, new Message.CristianResponse(request.requestId(), ctx.clock.readNanos(hostNanos)));
        } else {
            ctx.send(channel, new Message.ErrorMessage(0, ErrorCode.NOT_COORDINATOR,
                    "this node is a slave; its master is " + masterAddress));
        }
    }

    private void execute(List<Action> actions, long hostNanos) {
        for (Action action : actions) {
            if (action instanceof Send send) {
                if (link.channel() != null) {
                    ctx.send(link.channel(), send.message());
                }
            } else if (action instanceof AdjustClock adjust) {
                ctx.adjust(adjust, hostNanos);
                correctionsApplied++;
                ctx.tracking.onRound(hostNanos); // a round reached this node: its reach register
                node.correctionApplied(hostNanos);
            }
        }
    }

    @Override
    public void onChannelClosed(Channel channel) {
        if (channel != link.channel()) {
            return;
        }
        boolean wasJoined = joined;
        joined = false;
        follower.reset();
        if (wasJoined) {
            LOG.warn("event=master_lost master={} note=\"reconnecting with backoff\"", masterAddress);
        }
        link.lost(wasJoined ? "connection closed" : "closed before joining");
    }

    @Override
    public long lastRoundId() {
        return lastRoundId;
    }

    /** Corrections applied since this role started following its master. */
    public long correctionsApplied() {
        return correctionsApplied;
    }

    public HostPort masterAddress() {
        return masterAddress;
    }

    @Override
    public long upstreamRoundTripNanos() {
        return pollSpacing.roundTripNanos();
    }

    @Override
    public InetAddress upstreamAddress() {
        Channel m = link.channel();
        return m != null && m.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    @Override
    public void describe(Map<String, Object> status, long hostNanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", masterAddress.toString());
        m.put("connected", link.channel() != null && link.channel().isActive());
        m.put("joined", joined);
        m.put("joinedSeconds", joined ? (hostNanos - joinedHostNanos) / 1_000_000_000L : null);
        m.put("connectAttempts", link.connectAttempts());
        m.put("correctionsApplied", correctionsApplied);
        m.put("rejectedCorrections", follower.rejectedAdjusts());
        status.put("master", m);
    }
}
