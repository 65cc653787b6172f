package org.clocksync.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.clock.ServiceClock;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.core.logical.LamportClock;
import org.clocksync.core.logical.TraceAnalysis;
import org.clocksync.core.logical.TraceEvent;
import org.clocksync.core.logical.TraceFormat;
import org.clocksync.core.logical.TraceMerge;
import org.clocksync.core.logical.TraceRecorder;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.metrics.DaemonMetrics;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.ProtocolLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --trace in a node's context: frames carry vectors only while tracing, and what is written merges cleanly. */
class TracingTest {
    @TempDir
    Path dir;
    private final List<DefaultEventLoop> loops = new ArrayList<>();

    @AfterEach
    void stopLoops() {
        loops.forEach(DefaultEventLoop::shutdownGracefully);
    }

    private NodeContext context(int id, String name, Path trace, long maxMb) {
        DaemonOptions o = new DaemonOptions();
        o.id = id;
        o.name = name;
        o.trace = trace;
        o.traceMaxMb = maxMb;
        assertThat(o.problem()).isNull();
        SimulatedHardwareClock hw = new SimulatedHardwareClock(0, 0, 0);
        DefaultEventLoop loop = new DefaultEventLoop();
        loops.add(loop);
        return new NodeContext(o, loop, hw, new ServiceClock(hw, new ServiceClockConfig(50_000, 100_000_000L, 1)),
                new DaemonMetrics(id, name), 0);
    }

    /** What the peer decodes: the frame through the real codec. */
    private static Frame wire(Frame frame) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buf);
            buf.skipBytes(ProtocolLimits.LENGTH_FIELD_BYTES);
            return FrameCodec.decodeBody(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void aPollReplyAdjustExchangeIsTracedAndMergesConsistently() throws Exception {
        Path labFile = dir.resolve("lab.trace");
        Path kmcFile = dir.resolve("kmc.trace");
        NodeContext lab = context(5, "LAB", labFile, 100);
        NodeContext kmc = context(1, "KMC", kmcFile, 100);

        Frame warmup = lab.frame(new Message.CristianRequest(1));
        assertThat(warmup.hasVector()).as("no vector before tracing starts (the warm-up)").isFalse();
        kmc.received(wire(warmup));

        lab.startTrace("MASTER");
        kmc.startTrace("SLAVE");
        Frame poll = wire(lab.frame(new Message.BerkeleyPoll(8, 12)));
        assertThat(poll.hasVector()).isTrue();
        assertThat(poll.vector().toMap()).containsExactly(Map.entry(5, 2L));
        kmc.received(poll);
        Frame reply = wire(kmc.frame(new Message.BerkeleyReply(8, 12, 1_000)));
        assertThat(reply.vector().toMap()).containsExactly(Map.entry(1, 3L), Map.entry(5, 2L));
        lab.received(reply);
        Frame adjust = wire(lab.frame(new Message.BerkeleyAdjust(8, 12, -1_500)));
        kmc.received(adjust);
        kmc.adjust(new AdjustClock(-1_500, "berkeley round 12"), 1_000_000_000L);
        lab.closeTrace();
        kmc.closeTrace();

        assertThat(Files.readString(kmcFile)).contains("\nKMC {\"KMC\":4,\"5\":4}\n")
                .contains("INTERNAL lamport=9 clock_slew correctionNanos=-1500 cause=\"berkeley round 12\"\nKMC {\"KMC\":5,\"5\":4}\n");
        List<TraceEvent> events = new ArrayList<>(TraceFormat.parse(Files.readString(labFile), "lab"));
        events.addAll(TraceFormat.parse(Files.readString(kmcFile), "kmc"));
        TraceMerge.Result merged = TraceMerge.merge(events);
        assertThat(merged.warnings()).isEmpty();
        assertThat(merged.nodeIds()).containsExactly(Map.entry("KMC", 1), Map.entry("LAB", 5));
        TraceAnalysis analysis = new TraceAnalysis(merged.events());
        assertThat(analysis.inconsistencies()).isEmpty();
        assertThat(analysis.recomputedVectorMismatches()).isEmpty();
        assertThat(analysis.messages()).hasSize(3);
        assertThat(analysis.unmatchedReceives()).isEmpty();
        assertThat(analysis.eventsOf("KMC")).extracting(TraceEvent::kind).containsExactly(TraceEvent.Kind.INTERNAL,
                TraceEvent.Kind.RECEIVE, TraceEvent.Kind.SEND, TraceEvent.Kind.RECEIVE, TraceEvent.Kind.INTERNAL);
        TraceEvent sendPoll = analysis.event("LAB:2");
        TraceEvent slaveAdjusted = analysis.event("KMC:5");
        assertThat(sendPoll.description()).startsWith("BERKELEY_POLL to=? BerkeleyPoll[requestId=8, roundId=12]");
        assertThat(analysis.happenedBefore(sendPoll, slaveAdjusted)).isTrue();
        assertThat(analysis.event("LAB:1").description()).startsWith("start id=5 node=LAB role=MASTER pid=");
    }

    @Test
    void withoutTraceFramesCarryNoVectorAndLamportStillWorks() throws Exception {
        NodeContext plain = context(2, "MIT", null, 100);
        plain.startTrace("SLAVE");
        Frame f = plain.frame(new Message.CristianRequest(1));
        assertThat(f.hasVector()).isFalse();
        assertThat(f.lamport()).isEqualTo(1);
        plain.received(new Frame(3, 1, 40, new Message.CristianRequest(2)));
        assertThat(plain.lamport()).isEqualTo(41);
        plain.traceInternal("nothing happens");
        plain.closeTrace();
        assertThat(plain.lamport()).isEqualTo(41);
    }

    @Test
    void aFrameTooLargeForItsVectorGoesWithoutItAndIsCounted() throws Exception {
        NodeContext lab = context(5, "LAB", dir.resolve("lab.trace"), 100);
        lab.startTrace("MASTER");
        Map<Integer, Long> many = new TreeMap<>();
        for (int id = 10; id < 10 + 1000; id++) {
            many.put(id, 1L);
        }
        TraceRecorder crowd = new TraceRecorder("CROWD", 9, new LamportClock());
        crowd.internal("start");
        Frame fromCrowd = new Frame(9, 1, 3, new Message.CristianRequest(1),
                org.clocksync.core.logical.VectorClock.of(many).merge(crowd.vector()).toWire());
        lab.received(fromCrowd);
        Frame big = lab.frame(org.clocksync.protocol.ProtocolExamples.snapshotStateFilling(ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES));
        assertThat(big.hasVector()).isFalse();
        assertThat(FrameCodec.encodedLength(big)).isLessThanOrEqualTo(ProtocolLimits.LENGTH_FIELD_BYTES + ProtocolLimits.MAX_FRAME_BYTES);
        Frame small = lab.frame(new Message.CristianRequest(2));
        assertThat(small.vector().size()).isEqualTo(1002);
        lab.closeTrace();
    }

    @Test
    void tracingStopsAtTheSizeCapAndLeavesALoadablePrefix() throws Exception {
        Path file = dir.resolve("capped.trace");
        NodeContext lab = context(5, "LAB", file, 1);
        lab.startTrace("MASTER");
        String padding = "y".repeat(400);
        for (int i = 0; i < 5_000; i++) {
            lab.traceInternal("filler " + i + " " + padding);
        }
        lab.closeTrace();
        long size = Files.size(file);
        assertThat(size).isLessThanOrEqualTo(1024 * 1024).isGreaterThan(1024 * 1024 - 1_000);
        List<TraceEvent> events = TraceFormat.parse(Files.readString(file, StandardCharsets.UTF_8), "capped");
        assertThat(events.get(events.size() - 1).index()).isEqualTo(events.size());
        assertThat(new TraceAnalysis(TraceMerge.merge(events).events()).inconsistencies()).isEmpty();
        Frame after = lab.frame(new Message.CristianRequest(1));
        assertThat(after.hasVector()).as("tracing is off for good").isFalse();
    }

    @Test
    void traceOptionsAreChecked() {
        DaemonOptions o = new DaemonOptions();
        new CommandLine(o).parseArgs("--id", "3", "--name", "line 3", "--trace", "x.trace");
        assertThat(o.problem()).startsWith("--trace needs a --name that starts with a letter");
        DaemonOptions numeric = new DaemonOptions();
        new CommandLine(numeric).parseArgs("--id", "3", "--name", "42", "--trace", "x.trace");
        assertThat(numeric.problem()).contains("got \"42\"");
        DaemonOptions defaults = new DaemonOptions();
        new CommandLine(defaults).parseArgs("--id", "3", "--trace", "x.trace");
        assertThat(defaults.problem()).isNull();
        assertThat(defaults.traceMaxMb).isEqualTo(100);
        DaemonOptions cap = new DaemonOptions();
        new CommandLine(cap).parseArgs("--id", "3", "--trace", "x.trace", "--trace-max-mb", "0");
        assertThat(cap.problem()).isEqualTo("--trace-max-mb must be between 1 and 100000, got 0");
    }

    @Test
    void anUnwritableTraceFileIsAClearError() {
        Path file = dir.resolve("no-such-dir").resolve("x.trace");
        try {
            context(5, "LAB", file, 1);
            throw new AssertionError("expected a failure");
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).startsWith("cannot write the trace file " + file + " (--trace): NoSuchFileException")
                    .endsWith("check that its directory exists and is writable");
        }
    }
}
