package org.clocksync.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.BerkeleyFollower;
import org.clocksync.core.clock.ServiceClock;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.Message;

/**
 * One lightweight Berkeley member: a single channel to the master, its own simulated clock and follower, and no
 * admin server, metrics or logging. It does what SlaveRole does on the wire: HELLO, wait for WELCOME, answer every
 * poll at once (one flush per reply, as a slave does) and apply every adjust.
 */
final class BenchMember extends SimpleChannelInboundHandler<Frame> {
    private static final long HELLO_REQUEST_ID = 1;

    private final int id;
    private final String name;
    private final ServiceClock clock;
    private final BerkeleyFollower follower;
    private final RoundTracker tracker;
    private long lamport;
    private boolean joined;

    BenchMember(int id, long simOffsetNanos, double simDriftPpm, RoundTracker tracker) {
        this.id = id;
        this.name = "bench-" + id;
        SimulatedHardwareClock hardware = new SimulatedHardwareClock(simOffsetNanos, simDriftPpm, HostClock.nowNanos());
        this.clock = new ServiceClock(hardware, ServiceClockConfig.defaults());
        this.follower = new BerkeleyFollower(clock);
        this.tracker = tracker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        send(ctx.channel(), new Message.Hello(HELLO_REQUEST_ID, name));
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        long hostNanos = HostClock.nowNanos();
        lamport = Math.max(lamport, frame.lamport()) + 1;
        Message message = frame.message();
        if (message instanceof Message.Welcome welcome && welcome.requestId() == HELLO_REQUEST_ID && !joined) {
            joined = true;
            tracker.joined();
        } else if (message instanceof Message.ErrorMessage) {
            tracker.refused();
            ctx.close();
        } else if (!joined) {
            return;
        } else if (message instanceof Message.BerkeleyPoll poll) {
            tracker.polled(poll.roundId());
            execute(ctx.channel(), follower.onPoll(frame.senderId(), poll, hostNanos), hostNanos);
        } else if (message instanceof Message.BerkeleyAdjust adjust) {
            execute(ctx.channel(), follower.onAdjust(frame.senderId(), adjust, hostNanos), hostNanos);
            tracker.adjusted(adjust.roundId());
        }
    }

    private void execute(Channel channel, List<Action> actions, long hostNanos) {
        for (Action action : actions) {
            if (action instanceof Send send) {
                send(channel, send.message());
            } else if (action instanceof AdjustClock adjust) {
                clock.adjust(adjust.correctionNanos(), hostNanos);
            }
        }
    }

    private void send(Channel channel, Message message) {
        lamport++;
        channel.writeAndFlush(new Frame(id, 1, lamport, message), channel.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        tracker.disconnected();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
