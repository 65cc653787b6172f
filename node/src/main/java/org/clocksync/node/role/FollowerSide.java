package org.clocksync.node.role;

import io.netty.channel.Channel;
import java.util.Objects;
import org.clocksync.node.log.LogText;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;

/**
 * What every follower (the Berkeley slave, the logical process object) does the same way: the link to its master,
 * joining on WELCOME, refusals, answering the peers and clients that connect to it, losing the master, and the
 * {@code master} block of /status. The role supplies only what it does with its master's frames. Event loop only.
 */
public final class FollowerSide {
    /** The role's part: called on joining, for each frame of the joined master, and when the master is lost. */
    public interface Follower {
        /** This node just joined: the link's read timeout and the role's state machine start over. */
        void onJoined(Channel master, Message.Welcome welcome, long hostNanos);

        /** A frame from the master after joining (not its WELCOME or ERROR). */
        void onMasterFrame(Channel master, Frame frame, long hostNanos);

        /** The connection to the master closed; the link reconnects by itself. */
        void onMasterLost();
    }

    private final RoleHost host;
    private final NodeContext ctx;
    private final HostPort masterAddress;
    private final MasterLink link;
    private final Logger log;
    private final String refusalText;
    private final String lostNote;
    private Follower follower;
    private boolean joined;
    private int coordinatorId;
    private long joinedHostNanos;

    /**
     * @param log the role's logger, so the lines keep naming the role
     * @param refusalText the ERROR a peer gets for anything but HELLO and time requests
     * @param lostNote the note of the {@code master_lost} line
     */
    public FollowerSide(RoleHost host, HostPort masterAddress, Logger log, String refusalText, String lostNote) {
        this.host = host;
        this.ctx = host.context();
        this.masterAddress = Objects.requireNonNull(masterAddress, "masterAddress");
        this.log = log;
        this.refusalText = refusalText;
        this.lostNote = lostNote;
        this.link = new MasterLink(host, masterAddress, log);
    }

    /** Set once, by the role that owns this side, before {@link #start()}. */
    public void follow(Follower role) {
        this.follower = Objects.requireNonNull(role, "role");
    }

    public void start() {
        link.start();
    }

    public void stop() {
        link.stop();
    }

    public HostPort masterAddress() {
        return masterAddress;
    }

    /** The connection to the master while it is up, else null. */
    public Channel masterChannel() {
        return link.channel();
    }

    public boolean joined() {
        return joined;
    }

    public int coordinatorId() {
        return coordinatorId;
    }

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
            follower.onJoined(channel, welcome, hostNanos);
            host.coordinatorKnown(coordinatorId);
        } else if (message instanceof Message.ErrorMessage error) {
            log.warn("event=master_refused master={} code={} text=\"{}\"", masterAddress, error.code(),
                    LogText.of(error.text()));
            channel.close();
        } else if (!joined) {
            log.debug("event=ignored type={} note=\"not joined yet\"", frame.type());
        } else {
            follower.onMasterFrame(channel, frame, hostNanos);
        }
    }

    /** Inbound connections to a follower: peers and clients (and the warm-up); introductions and time requests. */
    private void onPeerFrame(Channel channel, Frame frame, long hostNanos) {
        Message message = frame.message();
        if (message instanceof Message.Hello hello) {
            ProtocolChannels.setReadTimeout(channel, ctx.options.readTimeoutNanos);
            ctx.send(channel, new Message.Welcome(hello.requestId(), coordinatorId, 0));
        } else if (message instanceof Message.CristianRequest request) {
            ctx.send(channel, new Message.CristianResponse(request.requestId(), ctx.clock.readNanos(hostNanos)));
        } else {
            ctx.send(channel, new Message.ErrorMessage(0, ErrorCode.NOT_COORDINATOR, refusalText));
        }
    }

    public void onChannelClosed(Channel channel) {
        if (channel != link.channel()) {
            return;
        }
        boolean wasJoined = joined;
        joined = false;
        follower.onMasterLost();
        if (wasJoined) {
            log.warn("event=master_lost master={} note=\"{}\"", masterAddress, lostNote);
        }
        link.lost(wasJoined ? "connection closed" : "closed before joining");
    }

    /** The {@code master} block of /status, which a role may extend. */
    public MasterLinkStatus status(long hostNanos) {
        return new MasterLinkStatus(masterAddress.toString(), link.channel() != null && link.channel().isActive(),
                joined, joined ? (hostNanos - joinedHostNanos) / 1_000_000_000L : null, link.connectAttempts());
    }
}
