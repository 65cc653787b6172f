package org.clocksync.simulator;

import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.BerkeleyConfig;
import org.clocksync.core.berkeley.BerkeleyCoordinator;
import org.clocksync.core.clock.LocalClock;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Message;

/** Runs a {@link BerkeleyCoordinator} as a simulated master: a Hello makes the sender a member, as a connection does in the daemon. */
public final class BerkeleyMasterProcess implements SimProcess {
    private final int selfId;
    private final BerkeleyCoordinator coordinator;
    private long ignoredMessages;

    public BerkeleyMasterProcess(int selfId, BerkeleyConfig config, LocalClock clock) {
        this.selfId = selfId;
        this.coordinator = new BerkeleyCoordinator(selfId, config, clock);
    }

    @Override
    public List<Action> onStart(long hostNanos) {
        return List.of();
    }

    @Override
    public List<Action> onMessage(int fromId, Message message, long hostNanos) {
        if (message instanceof Message.Hello hello) {
            try {
                coordinator.addMember(fromId);
            } catch (IllegalStateException full) {
                return List.of(new Send(fromId, new Message.ErrorMessage(hello.requestId(), ErrorCode.OVERLOADED, "too many members")));
            }
            long intervalMillis = coordinator.config().intervalNanos() / 1_000_000L;
            return List.of(new Send(fromId, new Message.Welcome(hello.requestId(), selfId, intervalMillis)));
        }
        if (message instanceof Message.BerkeleyReply reply) {
            return coordinator.onReply(fromId, reply, hostNanos);
        }
        ignoredMessages++;
        return List.of();
    }

    @Override
    public List<Action> onTick(long hostNanos) {
        return coordinator.tick(hostNanos);
    }

    public BerkeleyCoordinator coordinator() {
        return coordinator;
    }

    /** Messages of types a Berkeley master does not handle. */
    public long ignoredMessages() {
        return ignoredMessages;
    }
}
