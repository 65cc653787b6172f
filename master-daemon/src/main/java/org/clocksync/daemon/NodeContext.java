package org.clocksync.daemon;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.clock.ClockAdjustment;
import org.clocksync.core.clock.ClockDiscipline;
import org.clocksync.core.clock.ServiceClock;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every role of a node shares: identity, clocks, epoch, Lamport counter and metrics.
 * Touched only on the node's single protocol event loop, so it needs no locks.
 */
public final class NodeContext {
    private static final Logger LOG = LoggerFactory.getLogger(NodeContext.class);

    public final DaemonOptions options;
    public final EventLoop loop;
    public final SimulatedHardwareClock hardwareClock;
    public final ServiceClock clock;
    /** Applies corrections to {@link #clock} and learns the hardware drift from them. */
    public final ClockDiscipline discipline;
    public final DaemonMetrics metrics;
    public final long startedHostNanos;
    private long epoch = 1;
    private long lamport;
    private long lastAdjustHostNanos;
    private long lastAdjustNanos;

    public NodeContext(DaemonOptions options, EventLoop loop, SimulatedHardwareClock hardwareClock,
            ServiceClock clock, DaemonMetrics metrics, long startedHostNanos) {
        this.options = options;
        this.loop = loop;
        this.hardwareClock = hardwareClock;
        this.clock = clock;
        this.discipline = new ClockDiscipline(clock);
        this.metrics = metrics;
        this.startedHostNanos = startedHostNanos;
    }

    public int selfId() {
        return options.id;
    }

    public String name() {
        return options.displayName();
    }

    public long epoch() {
        return epoch;
    }

    /** Set by the cluster agent: every frame sent from now on carries this epoch. */
    public void setEpoch(long epoch) {
        this.epoch = epoch;
    }

    public long lamport() {
        return lamport;
    }

    /** Wraps a message in a frame stamped with this node's id, epoch and next Lamport time. */
    public Frame frame(Message message) {
        lamport++;
        return new Frame(options.id, epoch, lamport, message);
    }

    /** Lamport receive rule: the local counter jumps past the sender's. */
    public void received(Frame frame) {
        lamport = Math.max(lamport, frame.lamport()) + 1;
    }

    public void write(Channel channel, Message message) {
        if (channel.isActive()) {
            channel.write(frame(message), channel.voidPromise());
            metrics.framesSent.increment();
        }
    }

    public void send(Channel channel, Message message) {
        write(channel, message);
        channel.flush();
    }

    /** Applies a correction decided by an algorithm and logs what the clock did. */
    public void adjust(AdjustClock adjust, long hostNanos) {
        ClockAdjustment done;
        try {
            done = discipline.apply(adjust.correctionNanos(), hostNanos,
                    adjust.learnDrift() && "on".equals(options.driftEstimation));
        } catch (IllegalArgumentException e) {
            LOG.warn("event=correction_refused correction={} cause=\"{}\" why=\"{}\"",
                    DurationParser.format(adjust.correctionNanos()), adjust.cause(), e.getMessage());
            return;
        }
        lastAdjustHostNanos = hostNanos;
        lastAdjustNanos = adjust.correctionNanos();
        if (done.kind() == ClockAdjustment.Kind.STEP) {
            metrics.clockSteps.increment();
            LOG.info("event=clock_step correction={} cause=\"{}\" note=\"first large offset, stepped once\"",
                    DurationParser.format(adjust.correctionNanos()), adjust.cause());
        } else {
            metrics.clockSlews.increment();
            if (done.largeButSlewed()) {
                LOG.warn("event=clock_slew_large correction={} slewSeconds={} cause=\"{}\""
                                + " note=\"over the step threshold but the one step is used; slewing\"",
                        DurationParser.format(adjust.correctionNanos()), done.slewDurationNanos() / 1e9,
                        adjust.cause());
            } else {
                LOG.debug("event=clock_slew correction={} cause=\"{}\"",
                        DurationParser.format(adjust.correctionNanos()), adjust.cause());
            }
        }
    }

    public long lastAdjustHostNanos() {
        return lastAdjustHostNanos;
    }

    public long lastAdjustNanos() {
        return lastAdjustNanos;
    }
}
