package org.clocksync.simulator;

import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.BerkeleyFollower;
import org.clocksync.core.clock.LocalClock;
import org.clocksync.protocol.Message;

/**
 * Runs a {@link BerkeleyFollower} as a simulated slave: it says Hello on start, and again when the master has been silent
 * for a while (the master may have restarted and forgotten it), as a daemon reconnects.
 */
public final class BerkeleySlaveProcess implements SimProcess {
    private final int masterId;
    private final String name;
    private final long helloRetryNanos;
    private final BerkeleyFollower follower;
    private long nextHelloRequestId = 1;
    private long lastHeardHostNanos;
    private long ignoredMessages;

    public BerkeleySlaveProcess(int masterId, String name, LocalClock clock, long helloRetryNanos) {
        if (helloRetryNanos <= 0) {
            throw new IllegalArgumentException("helloRetryNanos must be positive, got " + helloRetryNanos);
        }
        this.masterId = masterId;
        this.name = name;
        this.helloRetryNanos = helloRetryNanos;
        this.follower = new BerkeleyFollower(clock);
    }

    @Override
    public List<Action> onStart(long hostNanos) {
        return hello(hostNanos);
    }

    @Override
    public List<Action> onMessage(int fromId, Message message, long hostNanos) {
        if (message instanceof Message.BerkeleyPoll poll) {
            lastHeardHostNanos = hostNanos;
            return follower.onPoll(fromId, poll, hostNanos);
        }
        if (message instanceof Message.BerkeleyAdjust adjust) {
            lastHeardHostNanos = hostNanos;
            return follower.onAdjust(fromId, adjust, hostNanos);
        }
        if (message instanceof Message.Welcome) {
            lastHeardHostNanos = hostNanos;
            return List.of();
        }
        ignoredMessages++;
        return List.of();
    }

    @Override
    public List<Action> onTick(long hostNanos) {
        return hostNanos - lastHeardHostNanos >= helloRetryNanos ? hello(hostNanos) : List.of();
    }

    public BerkeleyFollower follower() {
        return follower;
    }

    public long ignoredMessages() {
        return ignoredMessages;
    }

    /** A Hello opens a new session, as a new connection does in the daemon: a restarted master numbers its rounds afresh. */
    private List<Action> hello(long hostNanos) {
        follower.reset();
        lastHeardHostNanos = hostNanos;
        return List.of(new Send(masterId, new Message.Hello(nextHelloRequestId++, name)));
    }
}
