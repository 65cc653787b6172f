package org.clocksync.simulator;

import java.util.List;
import java.util.Objects;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.clock.LocalClock;
import org.clocksync.protocol.Message;

/** A simulated Cristian time server: answers every request with its clock, stamped once, as it leaves. */
public final class ProbabilisticServerProcess implements SimProcess {
    private final LocalClock clock;
    private long answered;

    public ProbabilisticServerProcess(LocalClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<Action> onStart(long hostNanos) {
        return List.of();
    }

    @Override
    public List<Action> onMessage(int fromId, Message message, long hostNanos) {
        if (message instanceof Message.CristianRequest request) {
            answered++;
            return List.of(new Send(fromId, new Message.CristianResponse(request.requestId(), clock.readNanos(hostNanos))));
        }
        return List.of();
    }

    @Override
    public List<Action> onTick(long hostNanos) {
        return List.of();
    }

    public long answered() {
        return answered;
    }
}
