package org.clocksync.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.clocksync.node.HostileFrames.Input;
import org.clocksync.node.HostileFrames.Mode;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.config.PeerSpec;
import org.clocksync.node.net.FrameHandler;
import org.clocksync.node.net.ProtocolChannels;
import org.clocksync.node.role.MasterRole;
import org.clocksync.node.role.Role;
import org.clocksync.node.role.SlaveRole;
import org.clocksync.node.role.logical.LogicalMasterRole;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Pushes a million seeded random and mutated frames into real in-process nodes, through exactly the pipeline
 * {@link ProtocolChannels#configureInbound} builds (limiter, read timeout, decoder, encoder, {@link FrameHandler}) on
 * {@link EmbeddedChannel}s driven from each node's own protocol event loop. Checks that no exception escapes (to the
 * channel, the loop, or {@link FrameHandler}'s catch-all), that every input buffer is released and the leak detector
 * (paranoid in tests) reports nothing, that keyed nodes change no state for frames not signed with their key, that
 * hostile but authenticated frames never move a node's epoch or service clock backwards, and that the rejections are
 * counted by reason. {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.frames=N} sets its size.
 */
class HostileFrameFuzzTest {
    private static final long DEFAULT_SEED = 0xC10C_F022_5EEDL;
    private static final int BATCH = 10_000;
    /** Connections kept open per node at once; each input goes to one of them at random. */
    private static final int SLOTS = 4;
    private static final int KEYED_MASTER_ID = 1;
    private static final int[] KEYED_MASTER_PEERS = {2, 3};
    private static final int KEYED_SLAVE_ID = 4;
    private static final int UNKEYED_MASTER_ID = 5;
    private static final int LOGICAL_MASTER_ID = 6;

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> loggedErrors = new ConcurrentLinkedQueue<>();
    private ResourceLeakDetector<?> byteBufLeakDetector;
    private LogCapture logCapture;
    private QuietWarnings quiet;
    private final Map<String, Level> savedLevels = new LinkedHashMap<>();
    private byte[] secret;

    @BeforeEach
    void setUp() throws Exception {
        byteBufLeakDetector = byteBufLeakDetector();
        if (byteBufLeakDetector != null) {
            byteBufLeakDetector.setLeakListener((type, records) -> leaks.add(type + ": " + records));
        }
        LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
        logCapture = new LogCapture(loggedErrors);
        logCapture.setContext(logs);
        logCapture.start();
        logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logCapture);
        // A million hostile frames make the roles log at INFO (members joining and leaving) and WARN (refusals);
        // keep only what carries an exception, which the capture above sees.
        Logger clocksync = logs.getLogger("org.clocksync");
        savedLevels.put("org.clocksync", clocksync.getLevel());
        clocksync.setLevel(Level.WARN);
        quiet = new QuietWarnings();
        quiet.setContext(logs);
        quiet.start();
        logs.addTurboFilter(quiet);
        secret = new byte[32];
        new SplittableRandom(7).nextBytes(secret);
    }

    @AfterEach
    void tearDown() {
        for (Node node : nodes) {
            node.close();
        }
        if (byteBufLeakDetector != null) {
            byteBufLeakDetector.setLeakListener(null);
        }
        LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logCapture);
        logCapture.stop();
        logs.getTurboFilterList().remove(quiet);
        quiet.stop();
        savedLevels.forEach((name, level) -> logs.getLogger(name).setLevel(level));
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aMillionHostileFramesChangeNothingTheyShouldNotAndLeakNothing() throws Exception {
        long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
        int total = Integer.getInteger("fuzz.frames", 1_000_000);
        System.out.printf("HostileFrameFuzzTest seed=%d (0x%x) frames=%d (replay with -Dfuzz.seed=%d)%n", seed, seed,
                total, seed);
        assertThat(ResourceLeakDetector.getLevel()).as("tests run with -Dio.netty.leakDetection.level=paranoid")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(byteBufLeakDetector).as("the ByteBuf leak detector, to listen for leaks").isNotNull();

        Path keyFile = keyFile();
        Node keyedMaster = start(KEYED_MASTER_ID, "KM", keyFile, o -> {
            o.peers = List.of(PeerSpec.parse("2@127.0.0.1:9"), PeerSpec.parse("3@127.0.0.1:9"));
        }, MasterRole::new);
        Node keyedSlave = start(KEYED_SLAVE_ID, "KS", keyFile, o -> o.master = new HostPort("127.0.0.1", 9),
                SlaveRole::new);
        Node unkeyedMaster = start(UNKEYED_MASTER_ID, "UM", null, o -> {
            o.intervalNanos = 100_000_000L;
            o.roundTimeoutNanos = 50_000_000L;
        }, MasterRole::new);
        Node logicalMaster = start(LOGICAL_MASTER_ID, "LM", null, o -> o.clockKind = "logical",
                LogicalMasterRole::new);

        Target km = new Target("keyed-master", keyedMaster, seed, KEYED_MASTER_PEERS, secret, loggedErrors);
        Target ks = new Target("keyed-slave", keyedSlave, seed + 1, new int[0], secret, loggedErrors);
        Target um = new Target("unkeyed-master", unkeyedMaster, seed + 2, new int[] {2, 3, 4, 7}, secret,
                loggedErrors);
        Target lm = new Target("unkeyed-logical-master", logicalMaster, seed + 3, new int[] {2, 3, 4}, secret,
                loggedErrors);
        Map<Target, Map<RejectReason, Long>> before = new LinkedHashMap<>();
        for (Target t : List.of(km, ks, um, lm)) {
            before.put(t, rejected(t.node));
        }

        long started = System.nanoTime();
        // (c) Frames not signed with the key: the keyed nodes must not change at all.
        KeyedState kmBefore = KeyedState.of(keyedMaster);
        KeyedState ksBefore = KeyedState.of(keyedSlave);
        assertThat(kmBefore.roleName).isEqualTo("MASTER");
        assertThat(kmBefore.correctionNanos).isZero();
        assertThat(ksBefore.correctionNanos).isZero();
        run(km, Mode.UNAUTHENTICATED, total * 25 / 100, (t, r) -> KeyedState.of(keyedMaster).assertSameAs(kmBefore));
        run(ks, Mode.UNAUTHENTICATED, total * 15 / 100, (t, r) -> KeyedState.of(keyedSlave).assertSameAs(ksBefore));
        Map<RejectReason, Long> kmAfterC = rejected(keyedMaster);
        Map<RejectReason, Long> ksAfterC = rejected(keyedSlave);

        // (d) Correctly signed frames with hostile content: up, answering, epoch and service clock never backwards.
        run(km, Mode.AUTHENTICATED, total * 20 / 100, HostileFrameFuzzTest::forwardOnly);
        run(ks, Mode.AUTHENTICATED, total * 10 / 100, HostileFrameFuzzTest::forwardOnly);
        // Nodes without a key take unsigned frames: their roles get every message type.
        run(um, Mode.UNKEYED, total * 20 / 100, HostileFrameFuzzTest::forwardOnly);
        run(lm, Mode.UNKEYED, total - total * 90 / 100, HostileFrameFuzzTest::forwardOnly);
        long elapsedNanos = System.nanoTime() - started;

        List<Target> targets = List.of(km, ks, um, lm);
        for (Target t : targets) {
            t.retireAll();
        }
        long inputs = 0;
        Map<Target, Map<String, Object>> finalStatus = new LinkedHashMap<>();
        for (Target t : targets) {
            inputs += t.inputs;
            Map<String, Object> status = StatusDocument.read(t.node);
            finalStatus.put(t, status);
            assertThat(connectionsClosedWithError(t.node)).as("%s: exceptions caught by FrameHandler", t.label)
                    .isZero();
            // Every connection is closed again: the limiter and the roles must have forgotten all of them.
            assertThat(t.node.limiter().openConnections()).as("%s: connections the limiter counts", t.label).isZero();
            assertThat(t.node.metrics().openConnections().get()).as("%s: open connections gauge", t.label).isZero();
            if (status.get("members") instanceof List<?> members) {
                assertThat(members).as("%s: members left after every connection closed", t.label).isEmpty();
            }
        }

        // (e) Every injected reason was counted.
        assertGrew(before.get(km), kmAfterC, "keyed master, unauthenticated", RejectReason.MISSING_TAG,
                RejectReason.BAD_TAG, RejectReason.UNKNOWN_KEY, RejectReason.BAD_MAGIC, RejectReason.BAD_VERSION,
                RejectReason.UNKNOWN_TYPE, RejectReason.BAD_HEADER, RejectReason.OVERSIZE, RejectReason.TRUNCATED);
        assertThat(kmAfterC.get(RejectReason.REPLAYED)).isEqualTo(before.get(km).get(RejectReason.REPLAYED));
        assertThat(kmAfterC.get(RejectReason.BAD_PAYLOAD)).as("no frame got past the tag check to its payload")
                .isEqualTo(before.get(km).get(RejectReason.BAD_PAYLOAD));
        assertGrew(before.get(ks), ksAfterC, "keyed slave, unauthenticated", RejectReason.MISSING_TAG,
                RejectReason.BAD_TAG, RejectReason.UNKNOWN_KEY, RejectReason.BAD_MAGIC, RejectReason.OVERSIZE,
                RejectReason.BAD_HEADER);
        assertGrew(kmAfterC, rejected(keyedMaster), "keyed master, authenticated", RejectReason.REPLAYED,
                RejectReason.BAD_PAYLOAD, RejectReason.BAD_TAG);
        assertGrew(ksAfterC, rejected(keyedSlave), "keyed slave, authenticated", RejectReason.REPLAYED,
                RejectReason.BAD_PAYLOAD);
        assertGrew(before.get(um), rejected(unkeyedMaster), "unkeyed master", RejectReason.UNEXPECTED_TAG,
                RejectReason.BAD_PAYLOAD, RejectReason.BAD_MAGIC, RejectReason.OVERSIZE, RejectReason.BAD_HEADER,
                RejectReason.UNKNOWN_TYPE, RejectReason.TRUNCATED);
        assertGrew(before.get(lm), rejected(logicalMaster), "unkeyed logical master", RejectReason.UNEXPECTED_TAG,
                RejectReason.BAD_PAYLOAD);

        // Report before the leak check, which closes the nodes.
        System.out.printf("HostileFrameFuzzTest pushed %d inputs (%d writes) in %.1f s: %.0f inputs/s, seed=%d%n",
                inputs, targets.stream().mapToLong(t -> t.writes).sum(), elapsedNanos / 1e9,
                inputs / (elapsedNanos / 1e9), seed);
        for (Target t : targets) {
            System.out.printf("  %-23s seconds=%.1f inputs=%d writes=%d connections=%d closedByNode=%d"
                            + " framesDecoded=%.0f repliesRead=%d rejected=%s%n", t.label, t.nanos / 1e9, t.inputs,
                    t.writes, t.opened, t.closedByNode,
                    t.node.metrics().framesReceived.count(), t.replies, t.node.metrics().rejectedCounts());
            Map<String, Object> status = finalStatus.get(t);
            System.out.printf("  %-23s final role=%s epoch=%s coordinatorId=%s lamport=%s clockSteps=%s%n", "",
                    status.get("role"), status.get("epoch"), status.get("coordinatorId"), status.get("lamport"),
                    ((Map<?, ?>) status.get("clock")).get("stepsTaken"));
            System.out.printf("  %-23s generated=%s%n", "", t.generator.kinds());
        }

        // (b) No leaks: close everything, collect, and allocate so the detector looks at what was collected.
        for (Node node : nodes) {
            node.close();
        }
        nodes.clear();
        for (int i = 0; i < 5; i++) {
            // A collection has run once a fresh weakly held object is gone: wait for that, not for a fixed time.
            WeakReference<Object> probe = new WeakReference<>(new Object());
            Awaitility.await("a garbage collection").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        System.gc();
                        return probe.get() == null;
                    });
            for (int j = 0; j < 200; j++) {
                Unpooled.directBuffer(16).release();
                PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
                PooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        assertThat(leaks).as("leaks reported by the paranoid leak detector").isEmpty();
        assertThat(loggedErrors).as("exceptions logged (event loop tasks, FrameHandler, Netty)").isEmpty();
        assertThat(inputs).isGreaterThanOrEqualTo(total);
    }

    // ---------------------------------------------------------------- driving

    @FunctionalInterface
    private interface BatchCheck {
        void check(Target target, BatchResult result) throws Exception;
    }

    /** What a batch saw of its node at its end, read on the node's loop. */
    private record BatchResult(long epoch, long serviceNanos, int steps) {
    }

    /**
     * Pushes {@code count} inputs in batches, each as one task on the node's loop; the next batch is generated on this
     * thread meanwhile. After each batch: the task completed normally, /status answers, and {@code check} holds.
     */
    private static void run(Target t, Mode mode, int count, BatchCheck check) throws Exception {
        long started = System.nanoTime();
        List<Input> next = t.generator.batch(mode, Math.min(BATCH, count));
        int done = 0;
        while (done < count) {
            List<Input> batch = next;
            Future<BatchResult> result = t.node.context().loop.submit(() -> t.push(batch));
            done += batch.size();
            next = done < count ? t.generator.batch(mode, Math.min(BATCH, count - done)) : null;
            BatchResult r = result.get(60, TimeUnit.SECONDS);
            assertThat(StatusDocument.read(t.node)).as("%s answers /status", t.label)
                    .containsKey("epoch");
            assertThat(connectionsClosedWithError(t.node)).as("%s: exceptions caught by FrameHandler", t.label)
                    .isZero();
            assertThat(t.errors).as("%s: exceptions logged", t.label).isEmpty();
            check.check(t, r);
            t.last = r;
        }
        t.nanos += System.nanoTime() - started;
    }

    /** Epoch and service clock only move forward (the clock may step back once by design; none is expected). */
    private static void forwardOnly(Target t, BatchResult r) {
        if (t.last != null) {
            assertThat(r.epoch).as("%s epoch", t.label).isGreaterThanOrEqualTo(t.last.epoch);
            assertThat(r.serviceNanos).as("%s service clock", t.label).isGreaterThanOrEqualTo(t.last.serviceNanos);
            assertThat(r.steps).as("%s clock steps", t.label).isEqualTo(t.last.steps);
        }
    }

    /** One node under attack: its open embedded connections, all touched only on the node's loop. */
    private static final class Target {
        final String label;
        final Node node;
        final HostileFrames generator;
        final SplittableRandom pick;
        final Slot[] slots = new Slot[SLOTS];
        /** Preludes of the current batch already written (inputs are records over arrays: identity equality). */
        final Set<Input> preludesUsed = new java.util.HashSet<>();
        BatchResult last;
        long inputs;
        long writes;
        long opened;
        long closedByNode;
        long replies;
        long nanos;
        /** Exceptions logged anywhere so far (shared by all targets). */
        final java.util.Collection<String> errors;

        Target(String label, Node node, long seed, int[] peers, byte[] secret,
                java.util.Collection<String> errors) {
            this.label = label;
            this.errors = errors;
            this.node = node;
            this.generator = new HostileFrames(seed, secret, node.options().id, peers);
            this.pick = new SplittableRandom(~seed);
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = new Slot();
            }
        }

        /** On the node's loop. */
        BatchResult push(List<Input> batch) {
            assertThat(node.context().loop.inEventLoop()).isTrue();
            preludesUsed.clear();
            for (int i = 0; i < batch.size(); i++) {
                Input in = batch.get(i);
                Slot s = slots[pick.nextInt(SLOTS)];
                if (s.channel == null || !s.channel.isOpen()) {
                    if (s.channel != null) {
                        closedByNode++;
                        retire(s);
                    }
                    open(s, batch, i);
                }
                inputs++;
                write(s, in);
                if (in.closeAfter()) {
                    retire(s);
                }
            }
            for (Slot s : slots) {
                if (s.channel != null) {
                    drain(s);
                    s.channel.checkException();
                }
            }
            long hostNanos = HostClock.nowNanos();
            return new BatchResult(node.context().epoch(), node.context().clock.readNanos(hostNanos),
                    node.context().clock.stepsTaken());
        }

        private void open(Slot s, List<Input> batch, int at) {
            EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance(), new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel c) {
                    node.channels().configureInbound(c, node.limiter(), node.options().helloTimeoutNanos);
                }
            });
            assertThat(ch.pipeline().names()).containsSubsequence("limit", ProtocolChannels.TIMEOUT, "decoder",
                    "encoder", "node");
            s.channel = ch;
            opened++;
            // A HELLO first, when one of the next inputs brought one (generated in sequence order, for signed ones).
            for (int j = at; j < Math.min(batch.size(), at + 32); j++) {
                byte[] prelude = batch.get(j).prelude();
                if (prelude != null && preludesUsed.add(batch.get(j))) {
                    inputs++;
                    writePiece(s, prelude, 0, prelude.length, false);
                    break;
                }
            }
        }

        private void write(Slot s, Input in) {
            byte[] bytes = in.bytes();
            int from = 0;
            for (int cut : in.cuts()) {
                if (!writePiece(s, bytes, from, cut - from, in.direct())) {
                    return;
                }
                from = cut;
            }
            writePiece(s, bytes, from, bytes.length - from, in.direct());
        }

        /** Writes one piece unless the node closed the connection; then at most one input buffer may be held. */
        private boolean writePiece(Slot s, byte[] bytes, int from, int length, boolean direct) {
            if (!s.channel.isOpen()) {
                return false;
            }
            ByteBuf buf;
            if (direct) {
                buf = Unpooled.directBuffer(length);
                buf.writeBytes(bytes, from, length);
            } else {
                buf = Unpooled.wrappedBuffer(bytes, from, length);
            }
            s.written.add(buf);
            writes++;
            s.channel.writeInbound(buf);
            s.written.removeIf(b -> b.refCnt() == 0);
            if (s.written.size() > 1 || (s.written.size() == 1 && s.written.peek().refCnt() != 1)) {
                throw new AssertionError(label + ": input buffers still held after a write: " + s.written.size()
                        + " (the decoder may keep only the one it accumulates into), refCnts "
                        + s.written.stream().map(ByteBuf::refCnt).toList());
            }
            return true;
        }

        private void drain(Slot s) {
            Object out;
            while ((out = s.channel.readOutbound()) != null) {
                replies++;
                ReferenceCountUtil.release(out);
            }
            Object in;
            while ((in = s.channel.readInbound()) != null) {
                ReferenceCountUtil.release(in);
            }
        }

        /** Closes the connection (a partial frame counts as TRUNCATED) and checks every input buffer was released. */
        private void retire(Slot s) {
            drain(s);
            s.channel.finishAndReleaseAll();
            s.channel.checkException();
            for (ByteBuf b : s.written) {
                if (b.refCnt() != 0) {
                    throw new AssertionError(label + ": an input buffer was not released when its connection closed: "
                            + b);
                }
            }
            s.written.clear();
            s.channel = null;
        }

        void retireAll() throws Exception {
            node.context().loop.submit(() -> {
                for (Slot s : slots) {
                    if (s.channel != null) {
                        retire(s);
                    }
                }
            }).get(10, TimeUnit.SECONDS);
        }
    }

    private static final class Slot {
        EmbeddedChannel channel;
        final ArrayDeque<ByteBuf> written = new ArrayDeque<>();
    }

    // ---------------------------------------------------------------- invariants of keyed nodes

    /** What a keyed node must keep while it only receives frames not signed with its key. */
    private record KeyedState(long epoch, Role role, String roleName, int coordinatorId, double framesReceived,
            int steps, long lastAdjustNanos, long lastAdjustHostNanos, long correctionNanos, double frequencyPpm,
            Object members, Object master) {

        static KeyedState of(Node node) throws Exception {
            Map<String, Object> status = StatusDocument.read(node);
            return node.context().loop.submit(() -> {
                NodeContext c = node.context();
                long hostNanos = HostClock.nowNanos();
                return new KeyedState(c.epoch(), node.role(), (String) status.get("role"),
                        ((Number) status.get("coordinatorId")).intValue(), node.metrics().framesReceived.count(),
                        c.clock.stepsTaken(), c.lastAdjustNanos(), c.lastAdjustHostNanos(),
                        c.clock.correctionNanos(hostNanos), c.clock.frequencyPpm(), status.get("members"),
                        masterWithoutTimes(status.get("master")));
            }).get(5, TimeUnit.SECONDS);
        }

        @SuppressWarnings("unchecked")
        private static Object masterWithoutTimes(Object master) {
            if (!(master instanceof Map<?, ?> m)) {
                return master;
            }
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
            copy.remove("connectAttempts"); // the link to the absent master keeps retrying
            return copy;
        }

        void assertSameAs(KeyedState before) {
            assertThat(this).as("a keyed node's state after frames not signed with its key").isEqualTo(before);
        }
    }

    // ---------------------------------------------------------------- helpers

    private interface OptionsTweak {
        void apply(DaemonOptions o);
    }

    private Node start(int id, String name, Path keyFile, OptionsTweak tweak,
            java.util.function.Function<org.clocksync.node.role.RoleHost, Role> role) {
        DaemonOptions o = TestNodeOptions.loopback(id, name);
        o.keyFile = keyFile;
        tweak.apply(o);
        assertThat(o.problem()).isNull();
        Node node = new Node(o, role).start();
        nodes.add(node);
        return node;
    }

    private Path keyFile() throws Exception {
        Path file = dir.resolve("cluster.key");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "1 " + HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
        return file;
    }

    private static Map<RejectReason, Long> rejected(Node node) {
        Map<RejectReason, Long> counts = new EnumMap<>(RejectReason.class);
        for (RejectReason r : RejectReason.values()) {
            counts.put(r, node.metrics().rejectedCount(r));
        }
        return counts;
    }

    private static void assertGrew(Map<RejectReason, Long> before, Map<RejectReason, Long> after, String what,
            RejectReason... reasons) {
        for (RejectReason r : reasons) {
            assertThat(after.get(r)).as("%s: frames rejected as %s", what, r.metricLabel())
                    .isGreaterThan(before.get(r));
        }
    }

    /** The connections FrameHandler closed because a handler threw: its catch-all counts them as why=error. */
    private static double connectionsClosedWithError(Node node) {
        return node.metrics().counter("clocksync.connections.closed",
                "Connections the daemon closed on purpose, by reason", "why", "error").count();
    }

    /** The detector every ByteBuf allocation reports to; its listener hears of each leak found. */
    private static ResourceLeakDetector<?> byteBufLeakDetector() {
        try {
            Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
            f.setAccessible(true);
            return (ResourceLeakDetector<?>) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Drops this project's log events that carry no exception (the refusals a flood of bad frames causes). */
    private static final class QuietWarnings extends ch.qos.logback.classic.turbo.TurboFilter {
        @Override
        public ch.qos.logback.core.spi.FilterReply decide(org.slf4j.Marker marker, Logger logger, Level level,
                String format, Object[] params, Throwable t) {
            if (!logger.getName().startsWith("org.clocksync") || level.isGreaterOrEqual(Level.ERROR) || t != null
                    || (params != null && params.length > 0 && params[params.length - 1] instanceof Throwable)) {
                return ch.qos.logback.core.spi.FilterReply.NEUTRAL;
            }
            return ch.qos.logback.core.spi.FilterReply.DENY;
        }
    }

    /** Collects every logged exception and every leak report, from any logger. */
    private static final class LogCapture extends AppenderBase<ILoggingEvent> {
        private final ConcurrentLinkedQueue<String> sink;

        LogCapture(ConcurrentLinkedQueue<String> sink) {
            this.sink = sink;
        }

        @Override
        protected void append(ILoggingEvent e) {
            boolean leak = e.getLoggerName().startsWith("io.netty.util.ResourceLeakDetector");
            if (e.getThrowableProxy() != null || leak) {
                sink.add(e.getLevel() + " " + e.getLoggerName() + " [" + e.getThreadName() + "] "
                        + e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
            }
        }
    }
}
