package org.clocksync.node.runtime;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Durations;
import org.clocksync.core.clock.ClockAdjustment;
import org.clocksync.core.clock.ClockDiscipline;
import org.clocksync.core.clock.ServiceClock;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.core.clock.TrackingStats;
import org.clocksync.core.logical.LamportClock;
import org.clocksync.core.logical.TraceRecorder;
import org.clocksync.core.logical.VectorClock;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.metrics.DaemonMetrics;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.ProtocolLimits;
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
    /** RMS of recent corrections, last round, reach: the {@code tracking} block of /status. */
    public final TrackingStats tracking;
    public final DaemonMetrics metrics;
    public final long startedHostNanos;
    private long epoch = 1;
    private final LamportClock lamport = new LamportClock();
    /** The --trace file's writer; null without --trace. */
    private final TraceWriter traceWriter;
    /** Vector clock and trace events; null until tracing starts (after the warm-up) and once it has stopped. */
    private TraceRecorder trace;
    private final Counter traceVectorsDropped;
    private long lastAdjustHostNanos;
    private long lastAdjustNanos;

    public NodeContext(DaemonOptions options, EventLoop loop, SimulatedHardwareClock hardwareClock,
            ServiceClock clock, DaemonMetrics metrics, long startedHostNanos) {
        this.options = options;
        this.loop = loop;
        this.hardwareClock = hardwareClock;
        this.clock = clock;
        this.discipline = new ClockDiscipline(clock);
        this.tracking = new TrackingStats(options.intervalNanos);
        this.metrics = metrics;
        this.startedHostNanos = startedHostNanos;
        this.traceWriter = options.trace == null ? null
                : TraceWriter.open(options.trace, options.traceMaxMb * 1024 * 1024, metrics);
        this.traceVectorsDropped = options.trace == null ? null : metrics.counter("clocksync.trace.vectors.dropped",
                "Vector timestamps left out: a frame too large to carry one, or a received one that could not be merged");
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
        return lamport.time();
    }

    /**
     * Wraps a message in a frame stamped with this node's id, epoch and next Lamport time; while tracing, also with
     * its vector timestamp, and the send is traced.
     */
    public Frame frame(Message message) {
        return frame(message, null);
    }

    private Frame frame(Message message, SocketAddress to) {
        TraceRecorder t = tracing();
        if (t == null) {
            return new Frame(options.id, epoch, lamport.tick(), message);
        }
        var event = t.send(message.type() + " to=" + address(to) + " " + message);
        Frame frame = new Frame(options.id, epoch, event.lamport(), message, t.vector().toWire());
        if (FrameCodec.encodedLength(frame, options.keyFile != null) > ProtocolLimits.LENGTH_FIELD_BYTES + ProtocolLimits.MAX_FRAME_BYTES) {
            frame = frame.withoutVector();
            traceVectorsDropped.increment();
        }
        traceWriter.offer(event);
        return frame;
    }

    /** Lamport receive rule: the local counter jumps past the sender's; while tracing, the vectors merge too. */
    public void received(Frame frame) {
        TraceRecorder t = tracing();
        if (t == null) {
            lamport.receive(frame.lamport());
            return;
        }
        long ignoredBefore = t.vectorsIgnored();
        var event = t.receive(frame.senderId(), frame.lamport(),
                frame.hasVector() ? VectorClock.fromWire(frame.vector()) : null,
                frame.type() + " from=" + frame.senderId() + " " + frame.message());
        if (t.vectorsIgnored() != ignoredBefore) {
            traceVectorsDropped.increment();
        }
        traceWriter.offer(event);
    }

    /** Traces an internal event (a clock correction, a role change) when tracing; otherwise does nothing. */
    public void traceInternal(String description) {
        TraceRecorder t = tracing();
        if (t != null) {
            traceWriter.offer(t.internal(description));
        }
    }

    /**
     * Starts tracing with a {@code start} event naming this node, on the event loop once the warm-up (which talks to
     * itself) is over; nothing happens without --trace.
     */
    public void startTrace(String role) {
        if (traceWriter != null && trace == null && traceWriter.accepting()) {
            trace = new TraceRecorder(name(), options.id, lamport);
            traceWriter.offer(trace.internal("start id=" + options.id + " node=" + name() + " role=" + role
                    + " pid=" + ProcessHandle.current().pid()));
        }
    }

    /** Writes out what is queued and closes the trace file; for shutdown, after the event loop has stopped. */
    public void closeTrace() {
        if (traceWriter != null) {
            traceWriter.close();
        }
    }

    /** The recorder while tracing runs; once the writer has stopped (size cap, full queue) tracing is off for good. */
    private TraceRecorder tracing() {
        if (trace != null && !traceWriter.accepting()) {
            trace = null;
        }
        return trace;
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return a == null ? "?" : a.toString();
    }

    public void write(Channel channel, Message message) {
        if (channel.isActive() && !channel.isWritable()) {
            // The peer stopped reading: its queue reached --max-outbound-bytes; more would only grow memory.
            metrics.framesDroppedOutbound.increment();
            return;
        }
        if (channel.isActive()) {
            channel.write(frame(message, channel.remoteAddress()), channel.voidPromise());
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
                    adjust.learnDrift() && options.driftEstimation.on());
        } catch (IllegalArgumentException e) {
            LOG.warn("event=correction_refused correction={} cause=\"{}\" why=\"{}\"",
                    Durations.signed(adjust.correctionNanos()), adjust.cause(), e.getMessage());
            return;
        }
        lastAdjustHostNanos = hostNanos;
        lastAdjustNanos = adjust.correctionNanos();
        tracking.onCorrection(adjust.correctionNanos(), done.kind() == ClockAdjustment.Kind.STEP, hostNanos);
        traceInternal((done.kind() == ClockAdjustment.Kind.STEP ? "clock_step" : "clock_slew") + " correctionNanos="
                + adjust.correctionNanos() + " cause=\"" + adjust.cause() + "\"");
        if (done.kind() == ClockAdjustment.Kind.STEP) {
            metrics.clockSteps.increment();
            LOG.info("event=clock_step correction={} cause=\"{}\" note=\"first large offset, stepped once\"",
                    Durations.signed(adjust.correctionNanos()), adjust.cause());
        } else {
            metrics.clockSlews.increment();
            if (done.largeButSlewed()) {
                LOG.warn("event=clock_slew_large correction={} slewSeconds={} cause=\"{}\""
                                + " note=\"over the step threshold but the one step is used; slewing\"",
                        Durations.signed(adjust.correctionNanos()), done.slewDurationNanos() / 1e9,
                        adjust.cause());
            } else {
                LOG.debug("event=clock_slew correction={} cause=\"{}\"",
                        Durations.signed(adjust.correctionNanos()), adjust.cause());
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
