package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clocksync.protocol.Signing.FIRST_SEQUENCE;
import static org.clocksync.protocol.Signing.SECRET_1;
import static org.clocksync.protocol.Signing.SECRET_2;
import static org.clocksync.protocol.Signing.SECRET_WRONG;
import static org.clocksync.protocol.Signing.key;
import static org.clocksync.protocol.Signing.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.auth.KeyRing;
import org.clocksync.protocol.auth.ReplayWindow;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded protocol-level fuzz test: over a million frames of every type with random field values, signed and
 * unsigned, legitimate, replayed, forged and mutated (bit flips, truncations, swapped types, absurd lengths, random
 * epochs and sender ids, garbage), pushed through FrameDecoder on EmbeddedChannels, with and without a key.
 *
 * <p>A model of the decoder (PROTOCOL.md sections 1.2 and 4, written independently of the code) predicts for every
 * input which frames come out, which rejections are counted under which reason, and when the connection closes; where
 * a mutation makes that unpredictable (a changed length, inserted bytes, garbage), the input ends its connection and
 * the test checks the weaker rules: nothing decodes from it with a key, at least one more rejection is counted. Every
 * input buffer must be released and no exception may escape. A failure names the seed and the input.
 */
class FrameFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(FrameFuzzTest.class);
    private static final long SEED = 0x00F0_221C_10CL;
    private static final int KEYED_FRAMES = 600_000;
    private static final int UNKEYED_FRAMES = 450_000;
    private static final int FRAME_LIMIT = ProtocolLimits.LENGTH_FIELD_BYTES + ProtocolLimits.MAX_FRAME_BYTES;
    private static final int SIGNED_MIN_LENGTH = ProtocolLimits.HEADER_BYTES + FrameAuth.TRAILER_BYTES;
    private static final int HISTORY = 20_000;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    @Test
    void aKeyedDecoderTakesOnlyLegitimatelySignedFreshFrames() {
        Run run = new Run(SEED, true);
        run.run(KEYED_FRAMES);
        assertThat(run.pushed).isGreaterThanOrEqualTo(KEYED_FRAMES);
        assertThat(run.decoded).as("most legitimate frames get through").isGreaterThan(KEYED_FRAMES / 3);
        assertThat(run.totals.keySet()).as("every way to fail was exercised").containsAll(EnumSet.of(
                RejectReason.MISSING_TAG, RejectReason.UNKNOWN_KEY, RejectReason.BAD_TAG, RejectReason.REPLAYED,
                RejectReason.TRUNCATED, RejectReason.OVERSIZE, RejectReason.BAD_MAGIC, RejectReason.BAD_VERSION,
                RejectReason.UNKNOWN_TYPE, RejectReason.BAD_HEADER));
        assertThat(run.totals).doesNotContainKeys(RejectReason.UNEXPECTED_TAG, RejectReason.BAD_PAYLOAD);
        assertThat(run.windows).as("the receiver's table of senders filled up (frames from further senders are"
                + " REPLAYED)").hasSize(FrameAuth.MAX_SENDERS);
    }

    @Test
    void anUnkeyedDecoderTakesOnlyWellFormedUnsignedFrames() {
        Run run = new Run(SEED + 1, false);
        run.run(UNKEYED_FRAMES);
        assertThat(run.pushed).isGreaterThanOrEqualTo(UNKEYED_FRAMES);
        assertThat(run.decoded).isGreaterThan(UNKEYED_FRAMES / 2);
        assertThat(run.totals.keySet()).containsAll(EnumSet.of(RejectReason.UNEXPECTED_TAG, RejectReason.BAD_PAYLOAD,
                RejectReason.TRUNCATED, RejectReason.OVERSIZE, RejectReason.BAD_MAGIC, RejectReason.BAD_VERSION,
                RejectReason.UNKNOWN_TYPE, RejectReason.BAD_HEADER));
        assertThat(run.totals).doesNotContainKeys(RejectReason.MISSING_TAG, RejectReason.UNKNOWN_KEY,
                RejectReason.BAD_TAG, RejectReason.REPLAYED);
    }

    /** What the model expects of one item (one frame's worth of bytes, valid or not). */
    private enum Kind {
        /** Legitimately signed bytes (fresh or recorded): keyed, taken or REPLAYED as the model says; unkeyed, UNEXPECTED_TAG. */
        SIGNED,
        /** A well-formed unsigned frame: unkeyed, taken; keyed, MISSING_TAG. */
        UNSIGNED,
        /** Dropped under {@link Item#reason} (keyed only). */
        DROP,
        /** Refused under {@link Item#reason}; the connection closes. */
        CLOSE,
        /** Unkeyed, an aligned mutation whose header is fine: it decodes (to exactly its bytes) or is BAD_PAYLOAD. */
        UNCERTAIN,
        /** Ends the connection with exactly one more rejection, under {@link Item#reason} (TRUNCATED when it closes). */
        TERMINAL_EXACT,
        /** Ends the connection with at least one more rejection, reason unknown. */
        TERMINAL_ANY
    }

    private record Item(Kind kind, byte[] bytes, Frame frame, long sequence, RejectReason reason, String what) {
        static Item of(Kind kind, byte[] bytes, RejectReason reason, String what) {
            return new Item(kind, bytes, null, 0, reason, what);
        }

        boolean ends() {
            return kind == Kind.UNCERTAIN || kind == Kind.TERMINAL_EXACT || kind == Kind.TERMINAL_ANY;
        }

        @Override
        public String toString() {
            return what + " " + kind + (reason != null ? "(" + reason + ")" : "") + " " + ByteBufUtil.hexDump(bytes);
        }
    }

    private record Signed(byte[] bytes, Frame frame, long sequence) {
    }

    /** One connection: the channel and what the model knows of its decoder. */
    private static final class Conn {
        final EmbeddedChannel channel;
        final RejectionCounters counters = new RejectionCounters();
        final Map<RejectReason, Long> expected = new EnumMap<>(RejectReason.class);
        final List<ByteBuf> pending = new ArrayList<>();
        long lastSequence = Long.MIN_VALUE;
        int authFailures;
        boolean open = true;
        int itemsLeft;

        Conn(UnpooledByteBufAllocator alloc, FrameAuth auth, int items) {
            channel = new EmbeddedChannel();
            channel.config().setAllocator(alloc);
            channel.pipeline().addLast(new FrameDecoder(ProtocolLimits.MAX_FRAME_BYTES, counters, auth));
            for (RejectReason reason : RejectReason.values()) {
                expected.put(reason, 0L);
            }
            itemsLeft = items;
        }

        void count(RejectReason reason) {
            expected.merge(reason, 1L, Long::sum);
        }

        long expectedTotal() {
            return expected.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The same rule as ReplayWindow, written plainly over a set. */
    private static final class ReferenceWindow {
        final TreeSet<Long> seen = new TreeSet<>();
        long highest;

        boolean accept(long s) {
            if (seen.isEmpty() || s > highest) {
                highest = s;
                seen.add(s);
                if (highest - ReplayWindow.WINDOW > Long.MIN_VALUE) {
                    seen.headSet(highest - ReplayWindow.WINDOW, true).clear();
                }
                return true;
            }
            if (highest - s >= ReplayWindow.WINDOW || seen.contains(s)) {
                return false;
            }
            seen.add(s);
            return true;
        }
    }

    private static final class Run {
        final long seed;
        final boolean keyed;
        final Random random;
        /**
         * Inputs and the decoder's cumulations come from here. Its leak detector is off (paranoid tracking of a million
         * buffers would triple the run time); instead the test checks every input's refCnt and that the allocator's
         * used memory is back at 0 after every connection, which finds every leak the detector would, at once.
         */
        final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
        final ByteBuf scratch = Unpooled.buffer(FRAME_LIMIT);
        /** The receiving node: holds key 1 (signing) and key 2 (accept-only), as mid-rotation. */
        final FrameAuth receiver;
        /** The legitimate senders: one node-wide counter, signing with key 1 or, after a rotation step, key 2. */
        final FrameAuth sender = Signing.auth(FIRST_SEQUENCE, key(1, SECRET_1, true));
        final KeyRing ringKey1 = ring(key(1, SECRET_1, true));
        final KeyRing ringKey2 = ring(key(1, SECRET_1, true), key(2, SECRET_2, true));
        final FrameAuth unknownKey = Signing.auth(FIRST_SEQUENCE, key(9, SECRET_1, true));
        final FrameAuth wrongSecret1 = Signing.auth(FIRST_SEQUENCE, key(1, SECRET_WRONG, true));
        final FrameAuth wrongSecret2 = Signing.auth(FIRST_SEQUENCE, key(2, SECRET_1, true));
        final Map<Integer, ReferenceWindow> windows = new HashMap<>();
        final Signed[] history = new Signed[HISTORY];
        int historySize;
        int historyNext;

        int pushed;
        long decoded;
        int connections;
        final Map<RejectReason, Long> totals = new EnumMap<>(RejectReason.class);

        Run(long seed, boolean keyed) {
            this.seed = seed;
            this.keyed = keyed;
            this.random = new Random(seed);
            this.receiver = keyed ? Signing.auth(1, key(1, SECRET_1, true), key(2, SECRET_2, false)) : null;
        }

        void run(int frames) {
            long start = System.nanoTime();
            long startCpu = CPU.getCurrentThreadCpuTime();
            Conn conn = newConn();
            int input = 0;
            List<Item> items = new ArrayList<>();
            try {
                while (pushed < frames) {
                    items.clear();
                    int count = 1 + random.nextInt(8);
                    for (int i = 0; i < count; i++) {
                        Item item = nextItem();
                        items.add(item);
                        if (item.ends()) {
                            break;
                        }
                    }
                    pushed += items.size();
                    if (deliver(conn, items)) {
                        conn = newConn();
                    }
                    input++;
                }
                finish(conn);
                checkCounters(conn);
                addTotals(conn);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("FrameFuzzTest seed " + seed + " (" + (keyed ? "keyed" : "unkeyed") + "), input "
                        + input + ", connection " + connections + ": " + e.getMessage() + "\nthe input's items:\n  "
                        + String.join("\n  ", items.stream().map(Item::toString).toList()), e);
            } finally {
                scratch.release();
            }
            long nanos = System.nanoTime() - start;
            long cpuNanos = CPU.getCurrentThreadCpuTime() - startCpu;
            LOG.info("{} decoder: {} frames on {} connections in {} ms ({} ms of CPU), {} frames/s; {} decoded;"
                    + " rejections {}; {} senders tracked (seed {})", keyed ? "keyed" : "unkeyed", pushed, connections,
                    nanos / 1_000_000, cpuNanos / 1_000_000, Math.round(pushed / (nanos / 1e9)), decoded, totals,
                    windows.size(), seed);
        }

        Conn newConn() {
            connections++;
            return new Conn(alloc, receiver, 1 + random.nextInt(random.nextInt(10) == 0 ? 1000 : 60));
        }

        // ---------------------------------------------------------------- the model, and the checks

        /** Sends the items as one input (maybe in pieces); returns true when the connection is done. */
        boolean deliver(Conn conn, List<Item> items) {
            List<Frame> expectedFrames = new ArrayList<>();
            Item uncertain = null;
            Item terminal = null;
            for (Item item : items) {
                if (!conn.open) {
                    break;
                }
                switch (item.kind) {
                    case SIGNED -> {
                        if (!keyed) {
                            close(conn, RejectReason.UNEXPECTED_TAG);
                        } else if (item.sequence > conn.lastSequence
                                && (item.frame.message() instanceof Message.CristianRequest
                                        || windowAccepts(item.frame.senderId(), item.sequence))) {
                            expectedFrames.add(item.frame);
                            conn.lastSequence = item.sequence;
                            conn.authFailures = 0; // the limit counts failures in a row
                        } else {
                            drop(conn, RejectReason.REPLAYED);
                        }
                    }
                    case UNSIGNED -> {
                        if (keyed) {
                            drop(conn, RejectReason.MISSING_TAG);
                        } else {
                            expectedFrames.add(item.frame);
                        }
                    }
                    case DROP -> drop(conn, item.reason);
                    case CLOSE -> close(conn, item.reason);
                    case UNCERTAIN -> uncertain = item;
                    case TERMINAL_EXACT, TERMINAL_ANY -> terminal = item;
                }
            }
            write(conn, items);
            List<Frame> frames = read(conn);
            if (uncertain != null) {
                if (frames.size() == expectedFrames.size() + 1) {
                    Frame last = frames.get(frames.size() - 1);
                    check(Arrays.equals(encode(last, null), uncertain.bytes),
                            () -> "a mutated frame that decodes must re-encode to exactly its bytes: " + last);
                    expectedFrames.add(last);
                } else {
                    close(conn, RejectReason.BAD_PAYLOAD);
                }
            }
            if (terminal != null) {
                finish(conn);
                frames.addAll(read(conn));
                assertThat(frames.size()).as("frames decoded").isGreaterThanOrEqualTo(expectedFrames.size());
                assertThat(frames.subList(0, expectedFrames.size())).isEqualTo(expectedFrames);
                List<Frame> extra = frames.subList(expectedFrames.size(), frames.size());
                if (keyed) {
                    assertThat(extra).as("nothing decodes from a mutated frame with a key").isEmpty();
                } else {
                    byte[] reencoded = Wire.concat(extra.stream().map(f -> encode(f, null)).toArray(byte[][]::new));
                    assertThat(reencoded.length).isLessThan(terminal.bytes.length);
                    assertThat(Arrays.copyOf(terminal.bytes, reencoded.length)).as("frames from mutated bytes re-encode"
                            + " to exactly those bytes").isEqualTo(reencoded);
                }
                decoded += frames.size();
                Map<RejectReason, Long> actual = conn.counters.snapshot();
                if (terminal.kind == Kind.TERMINAL_EXACT) {
                    conn.count(terminal.reason);
                    assertThat(actual).isEqualTo(conn.expected);
                } else {
                    conn.expected.forEach((reason, n) -> assertThat(actual.get(reason)).as("%s", reason)
                            .isGreaterThanOrEqualTo(n));
                    assertThat(conn.counters.total()).as("at least one more rejection than expected")
                            .isGreaterThan(conn.expectedTotal());
                }
                addTotals(conn);
                return true;
            }
            check(frames.equals(expectedFrames), () -> "decoded " + frames + ", expected " + expectedFrames);
            decoded += frames.size();
            checkCounters(conn);
            check(conn.channel.isOpen() == conn.open, () -> "the connection is " + (conn.open ? "closed" : "open")
                    + ", expected " + (conn.open ? "open" : "closed"));
            conn.itemsLeft -= items.size();
            if (!conn.open || conn.itemsLeft <= 0) {
                finish(conn);
                check(read(conn).isEmpty(), () -> "frames after the last input");
                checkCounters(conn);
                addTotals(conn);
                return true;
            }
            return false;
        }

        void checkCounters(Conn conn) {
            Map<RejectReason, Long> actual = conn.counters.snapshot();
            check(actual.equals(conn.expected), () -> "counted " + actual + ", expected " + conn.expected);
        }

        void drop(Conn conn, RejectReason reason) {
            conn.count(reason);
            if (++conn.authFailures >= FrameDecoder.MAX_AUTH_FAILURES) {
                conn.open = false;
            }
        }

        void close(Conn conn, RejectReason reason) {
            conn.count(reason);
            conn.open = false;
        }

        boolean windowAccepts(int senderId, long sequence) {
            ReferenceWindow window = windows.get(senderId);
            if (window == null) {
                if (windows.size() >= FrameAuth.MAX_SENDERS) {
                    return false;
                }
                window = new ReferenceWindow();
                windows.put(senderId, window);
            }
            return window.accept(sequence);
        }

        /** Writes the items' bytes, whole or cut into pieces; checks that at most one input buffer (the decoder's
         * cumulation) is still referenced after each write. */
        void write(Conn conn, List<Item> items) {
            byte[] all = Wire.concat(items.stream().map(Item::bytes).toArray(byte[][]::new));
            List<byte[]> pieces = new ArrayList<>();
            if (random.nextInt(10) < 7) {
                pieces.add(all);
            } else {
                int at = 0;
                while (at < all.length) {
                    int size = random.nextBoolean() ? 1 + random.nextInt(8) : 1 + random.nextInt(all.length);
                    int end = Math.min(all.length, at + size);
                    pieces.add(Arrays.copyOfRange(all, at, end));
                    at = end;
                }
            }
            for (byte[] piece : pieces) {
                if (!conn.channel.isOpen()) {
                    break;
                }
                ByteBuf buf = alloc.heapBuffer(piece.length).writeBytes(piece);
                conn.pending.add(buf);
                conn.channel.writeInbound(buf);
                conn.channel.checkException();
                conn.pending.removeIf(b -> b.refCnt() == 0);
                check(conn.pending.size() <= 1, () -> conn.pending.size() + " input buffers still referenced after a"
                        + " read; only the decoder's cumulation may be");
            }
        }

        List<Frame> read(Conn conn) {
            List<Frame> frames = new ArrayList<>();
            for (Object msg = conn.channel.readInbound(); msg != null; msg = conn.channel.readInbound()) {
                Object m = msg;
                check(m instanceof Frame && !(m instanceof ReferenceCounted), () -> "decoded a " + m.getClass());
                frames.add((Frame) m);
            }
            return frames;
        }

        void finish(Conn conn) {
            conn.channel.finish();
            conn.channel.checkException();
            for (ByteBuf buf : conn.pending) {
                check(buf.refCnt() == 0, () -> "an input buffer was not released");
            }
            conn.pending.clear();
            check(alloc.metric().usedHeapMemory() == 0, () -> alloc.metric().usedHeapMemory()
                    + " heap bytes still allocated after the connection closed");
        }

        void addTotals(Conn conn) {
            conn.counters.snapshot().forEach((reason, n) -> {
                if (n > 0) {
                    totals.merge(reason, n, Long::sum);
                }
            });
        }

        // ---------------------------------------------------------------- inputs

        Item nextItem() {
            int k = random.nextInt(100);
            if (keyed) {
                if (k < 55) {
                    return fresh();
                } else if (k < 63) {
                    return replay();
                } else if (k < 67) {
                    Frame frame = RandomFrames.frame(random);
                    return new Item(Kind.UNSIGNED, encode(frame, null), frame, 0, null, "unsigned");
                } else if (k < 70) {
                    return Item.of(Kind.DROP, encode(RandomFrames.frame(random), unknownKey), RejectReason.UNKNOWN_KEY,
                            "key 9");
                } else if (k < 73) {
                    FrameAuth wrong = random.nextBoolean() ? wrongSecret1 : wrongSecret2;
                    return Item.of(Kind.DROP, encode(RandomFrames.frame(random), wrong), RejectReason.BAD_TAG,
                            "wrong secret");
                } else if (k < 90) {
                    return aligned(random.nextInt(6) > 0 ? fresh().bytes : encode(RandomFrames.frame(random), null));
                }
                return terminal(random.nextInt(4) > 0 ? fresh().bytes : encode(RandomFrames.frame(random), null));
            }
            if (k < 72) {
                Frame frame = RandomFrames.frame(random);
                return new Item(Kind.UNSIGNED, encode(frame, null), frame, 0, null, "unsigned");
            } else if (k < 75) {
                return fresh();
            } else if (k < 90) {
                return aligned(random.nextInt(10) > 0 ? encode(RandomFrames.frame(random), null) : fresh().bytes);
            }
            return terminal(random.nextInt(10) > 0 ? encode(RandomFrames.frame(random), null) : fresh().bytes);
        }

        /** A frame the legitimate senders sign now, remembered for replays. */
        Item fresh() {
            if (random.nextInt(500) == 0) {
                sender.replaceKeyRing(sender.keyRing() == ringKey1 ? ringKey2 : ringKey1);
            }
            Frame frame = RandomFrames.frame(random);
            long sequence = sender.nextSequence();
            byte[] bytes = encode(frame, sender);
            Signed signed = new Signed(bytes, frame, sequence);
            history[historyNext] = signed;
            historyNext = (historyNext + 1) % HISTORY;
            historySize = Math.min(HISTORY, historySize + 1);
            return new Item(Kind.SIGNED, bytes, frame, sequence, null, "fresh");
        }

        Item replay() {
            if (historySize == 0) {
                return fresh();
            }
            int back = random.nextBoolean() ? random.nextInt(Math.min(historySize, 64)) : random.nextInt(historySize);
            Signed s = history[Math.floorMod(historyNext - 1 - back, HISTORY)];
            return new Item(Kind.SIGNED, s.bytes, s.frame, s.sequence, null, "replay of " + back + " back");
        }

        /** A mutation that keeps the length prefix, so the frame still ends where it did. */
        Item aligned(byte[] source) {
            byte[] b = source.clone();
            String what;
            switch (random.nextInt(7)) {
                case 0 -> {
                    int flips = 1 + random.nextInt(3);
                    for (int i = 0; i < flips; i++) {
                        b[4 + random.nextInt(b.length - 4)] ^= (byte) (1 << random.nextInt(8));
                    }
                    what = flips + " bit flips";
                }
                case 1 -> {
                    int at = 4 + random.nextInt(b.length - 4);
                    b[at] = (byte) random.nextInt(256);
                    what = "byte " + at + " set";
                }
                case 2 -> {
                    b[7] = (byte) (random.nextBoolean() ? 1 + random.nextInt(MessageType.values().length) : random.nextInt(256));
                    what = "type swapped";
                }
                case 3 -> {
                    putLong(b, 4 + FrameCodec.EPOCH_AT, RandomFrames.anyLong(random));
                    what = "random epoch";
                }
                case 4 -> {
                    putInt(b, 4 + FrameCodec.SENDER_AT, random.nextBoolean() ? random.nextInt() : random.nextInt(40) - 20);
                    what = "random sender id";
                }
                case 5 -> {
                    putLong(b, 4 + FrameCodec.LAMPORT_AT, RandomFrames.anyLong(random));
                    what = "random Lamport";
                }
                default -> {
                    b[8] = (byte) random.nextInt(256);
                    what = "random flags";
                }
            }
            if (Arrays.equals(b, source)) {
                b[4 + random.nextInt(b.length - 4)] ^= (byte) (1 << random.nextInt(8));
                what += ", then a bit flip";
            }
            RejectReason header = headerProblem(b);
            boolean signedFlag = (b[8] & FrameCodec.FLAG_AUTH) != 0;
            if (header != null) {
                return Item.of(Kind.CLOSE, b, header, what);
            }
            if (!keyed) {
                return signedFlag ? Item.of(Kind.CLOSE, b, RejectReason.UNEXPECTED_TAG, what) : Item.of(Kind.UNCERTAIN, b, null, what);
            }
            if (!signedFlag) {
                return Item.of(Kind.DROP, b, RejectReason.MISSING_TAG, what);
            }
            if (b.length - 4 < SIGNED_MIN_LENGTH) {
                return Item.of(Kind.CLOSE, b, RejectReason.BAD_HEADER, what);
            }
            int keyId = b[b.length - FrameAuth.TRAILER_BYTES] & 0xFF;
            return Item.of(Kind.DROP, b, keyId == 1 || keyId == 2 ? RejectReason.BAD_TAG : RejectReason.UNKNOWN_KEY, what);
        }

        /** A mutation after which the stream can no longer be followed: the connection ends with it. */
        Item terminal(byte[] source) {
            switch (random.nextInt(6)) {
                case 0 -> {
                    return Item.of(Kind.TERMINAL_EXACT, Arrays.copyOf(source, 1 + random.nextInt(source.length - 1)),
                            RejectReason.TRUNCATED, "truncated");
                }
                case 1 -> {
                    long length = switch (random.nextInt(4)) {
                        case 0 -> 0x8000_0000L | random.nextInt() & 0xFFFF_FFFFL;
                        case 1 -> ProtocolLimits.MAX_FRAME_BYTES + 1 + random.nextInt(Integer.MAX_VALUE - ProtocolLimits.MAX_FRAME_BYTES);
                        case 2 -> random.nextInt(ProtocolLimits.HEADER_BYTES);
                        default -> ProtocolLimits.HEADER_BYTES + random.nextInt(ProtocolLimits.MAX_FRAME_BYTES - ProtocolLimits.HEADER_BYTES + 1);
                    };
                    byte[] b = source.clone();
                    putInt(b, 0, (int) length);
                    return withLength(b, source, "absurd length " + length);
                }
                case 2 -> {
                    byte[] b = source.clone();
                    b[random.nextInt(4)] ^= (byte) (1 << random.nextInt(8));
                    return withLength(b, source, "length bit flip");
                }
                case 3 -> {
                    byte[] garbage = new byte[1 + random.nextInt(120)];
                    random.nextBytes(garbage);
                    return Item.of(Kind.TERMINAL_ANY, garbage, null, "garbage");
                }
                case 4 -> {
                    int at = random.nextInt(source.length);
                    byte[] extra = new byte[1 + random.nextInt(4)];
                    random.nextBytes(extra);
                    return Item.of(Kind.TERMINAL_ANY, Wire.concat(Arrays.copyOf(source, at), extra,
                            Arrays.copyOfRange(source, at, source.length)), null, "inserted " + extra.length + " at " + at);
                }
                default -> {
                    int at = random.nextInt(source.length - 1);
                    int n = 1 + random.nextInt(Math.min(4, source.length - 1 - at));
                    return Item.of(Kind.TERMINAL_ANY, Wire.concat(Arrays.copyOf(source, at),
                            Arrays.copyOfRange(source, at + n, source.length)), null, "deleted " + n + " at " + at);
                }
            }
        }

        private static Item withLength(byte[] b, byte[] source, String what) {
            long length = ((long) (b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (length > ProtocolLimits.MAX_FRAME_BYTES) {
                return Item.of(Kind.TERMINAL_EXACT, b, RejectReason.OVERSIZE, what);
            }
            if (length < ProtocolLimits.HEADER_BYTES) {
                return Item.of(Kind.TERMINAL_EXACT, b, RejectReason.BAD_HEADER, what);
            }
            if (length == source.length - 4) {
                return Item.of(Kind.TERMINAL_ANY, Arrays.copyOf(b, b.length - 1), null, what + " (unchanged; cut)");
            }
            return Item.of(Kind.TERMINAL_ANY, b, null, what);
        }

        /** The header rule of PROTOCOL.md section 4 for a whole frame whose length prefix is right, or null. */
        private static RejectReason headerProblem(byte[] b) {
            if (((b[4] & 0xFF) << 8 | (b[5] & 0xFF)) != ProtocolLimits.MAGIC) {
                return RejectReason.BAD_MAGIC;
            }
            if ((b[6] & 0xFF) != ProtocolLimits.VERSION) {
                return RejectReason.BAD_VERSION;
            }
            int type = b[7] & 0xFF;
            if (type < 1 || type > MessageType.values().length) {
                return RejectReason.UNKNOWN_TYPE;
            }
            if ((b[8] & ~(FrameCodec.FLAG_AUTH | FrameCodec.FLAG_VECTOR) & 0xFF) != 0) {
                return RejectReason.BAD_HEADER;
            }
            if (getInt(b, 9) <= 0 || getLong(b, 13) < 0 || getLong(b, 21) < 0) {
                return RejectReason.BAD_HEADER;
            }
            return null;
        }

        byte[] encode(Frame frame, FrameAuth auth) {
            scratch.clear();
            FrameCodec.encode(frame, scratch, auth);
            return ByteBufUtil.getBytes(scratch);
        }
    }

    /** An assertion for the hot path: builds its message only when it fails. */
    private static void check(boolean condition, java.util.function.Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static int getInt(byte[] b, int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }

    /** Valid frames of every type with random field values, within every limit. */
    static final class RandomFrames {
        private RandomFrames() {
        }

        static Frame frame(Random r) {
            int sender = r.nextInt(50) == 0 ? 1 + r.nextInt(Integer.MAX_VALUE) : 1 + r.nextInt(16);
            long epoch = r.nextInt(4) == 0 ? 0 : nonNegative(r);
            Frame frame = new Frame(sender, epoch, nonNegative(r), message(r), r.nextInt(5) == 0 ? vector(r) : null);
            if (FrameCodec.encodedLength(frame, true) > FRAME_LIMIT) {
                frame = frame.withoutVector();
            }
            return frame;
        }

        static Message message(Random r) {
            MessageType type = MessageType.values()[r.nextInt(MessageType.values().length)];
            return switch (type) {
                case HELLO -> new Message.Hello(anyLong(r), text(r, ProtocolLimits.MAX_NAME_BYTES));
                case WELCOME -> new Message.Welcome(anyLong(r), anyInt(r), nonNegative(r));
                case BERKELEY_POLL -> new Message.BerkeleyPoll(anyLong(r), anyLong(r));
                case BERKELEY_REPLY -> new Message.BerkeleyReply(anyLong(r), anyLong(r), anyLong(r));
                case BERKELEY_ADJUST -> new Message.BerkeleyAdjust(anyLong(r), anyLong(r), anyLong(r));
                case CRISTIAN_REQUEST -> new Message.CristianRequest(anyLong(r));
                case CRISTIAN_RESPONSE -> new Message.CristianResponse(anyLong(r), anyLong(r));
                case HEARTBEAT -> new Message.Heartbeat(anyLong(r), anyInt(r));
                case FAILURE_NOTICE -> new Message.FailureNotice(nodeId(r), anyLong(r));
                case BULLY_ELECTION -> new Message.BullyElection(anyLong(r));
                case BULLY_ANSWER -> new Message.BullyAnswer(anyLong(r));
                case BULLY_COORDINATOR -> new Message.BullyCoordinator(anyLong(r), nodeId(r));
                case RING_ELECTION -> new Message.RingElection(anyLong(r), nodeId(r), ids(r));
                case RING_COORDINATOR -> new Message.RingCoordinator(anyLong(r), nodeId(r), ids(r));
                case SNAPSHOT_MARKER -> new Message.SnapshotMarker(anyLong(r), nodeId(r));
                case SNAPSHOT_STATE -> snapshotState(r);
                case ERROR -> new Message.ErrorMessage(anyLong(r), ErrorCode.values()[r.nextInt(ErrorCode.values().length)],
                        text(r, ProtocolLimits.MAX_ERROR_TEXT_BYTES));
                case LOGICAL_REPORT -> new Message.LogicalReport(anyLong(r), nonNegative(r));
                case LOGICAL_CORRECTION_REQUEST -> new Message.LogicalCorrectionRequest(anyLong(r));
                case LOGICAL_OFFSET -> new Message.LogicalOffset(anyLong(r), anyLong(r), anyLong(r));
            };
        }

        static long anyLong(Random r) {
            return switch (r.nextInt(5)) {
                case 0 -> r.nextLong();
                case 1 -> r.nextInt(1000);
                case 2 -> -r.nextInt(1000);
                case 3 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1}[r.nextInt(5)];
                default -> 1_700_000_000_000_000_000L + r.nextInt();
            };
        }

        static long nonNegative(Random r) {
            long v = anyLong(r);
            return v == Long.MIN_VALUE ? 0 : Math.abs(v);
        }

        static int anyInt(Random r) {
            return switch (r.nextInt(3)) {
                case 0 -> r.nextInt();
                case 1 -> r.nextInt(20) - 5;
                default -> new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0}[r.nextInt(3)];
            };
        }

        static int nodeId(Random r) {
            return r.nextInt(4) == 0 ? 1 + r.nextInt(Integer.MAX_VALUE) : 1 + r.nextInt(20);
        }

        /** A refusal, the largest state, or a few channels of random text; shrunk until it fits the payload limit. */
        static Message.SnapshotState snapshotState(Random r) {
            int pick = r.nextInt(200);
            if (pick == 0) {
                return ProtocolExamples.snapshotStateFilling(ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES);
            }
            if (pick < 40) {
                return Message.SnapshotState.refused(anyLong(r), nodeId(r), nodeId(r), anyLong(r),
                        text(r, ProtocolLimits.MAX_SNAPSHOT_REFUSAL_BYTES));
            }
            java.util.Map<String, String> extra = new java.util.HashMap<>();
            for (int i = r.nextInt(ProtocolLimits.MAX_SNAPSHOT_EXTRA_ENTRIES + 1); i > 0; i--) {
                extra.put(text(r, ProtocolLimits.MAX_SNAPSHOT_EXTRA_KEY_BYTES), text(r, ProtocolLimits.MAX_SNAPSHOT_EXTRA_VALUE_BYTES));
            }
            List<Message.SnapshotState.Channel> channels = new ArrayList<>();
            List<Integer> pending = new ArrayList<>();
            int channelCount = r.nextInt(50) == 0 ? r.nextInt(ProtocolLimits.MAX_SNAPSHOT_CHANNELS + 1) : r.nextInt(4);
            for (int c = 0; c < channelCount; c++) {
                List<String> messages = new ArrayList<>();
                for (int m = r.nextInt(6); m > 0; m--) {
                    messages.add(text(r, ProtocolLimits.MAX_SNAPSHOT_MESSAGE_BYTES));
                }
                int fromId = nodeId(r);
                channels.add(new Message.SnapshotState.Channel(fromId, messages.size() + (r.nextBoolean() ? 0 : nonNegative(r) / 2),
                        messages));
                if (r.nextInt(4) == 0) {
                    pending.add(fromId);
                }
            }
            while (true) {
                Message.SnapshotState.Recorded recorded = new Message.SnapshotState.Recorded(anyLong(r), nonNegative(r), anyLong(r),
                        anyLong(r), text(r, ProtocolLimits.MAX_SNAPSHOT_ROLE_BYTES), extra, channels, pending);
                if (Message.SnapshotState.payloadBytes(recorded, null) <= ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES) {
                    return Message.SnapshotState.recorded(anyLong(r), nodeId(r), nodeId(r), anyLong(r), recorded);
                }
                channels = channels.subList(0, channels.size() / 2);
                pending = List.of();
            }
        }

        static List<Integer> ids(Random r) {
            int count = r.nextInt(100) == 0 ? r.nextInt(ProtocolLimits.MAX_IDS + 1) : r.nextInt(6);
            List<Integer> ids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ids.add(nodeId(r));
            }
            return ids;
        }

        static VectorTimestamp vector(Random r) {
            int count = r.nextInt(100) == 0 ? r.nextInt(ProtocolLimits.MAX_VECTOR_ENTRIES + 1) : r.nextInt(6);
            int[] ids = new int[count];
            long[] counters = new long[count];
            long id = 0;
            int n = 0;
            for (int i = 0; i < count; i++) {
                id += 1 + (r.nextBoolean() ? r.nextInt(3) : r.nextInt(1_000_000));
                if (id > Integer.MAX_VALUE) {
                    break;
                }
                ids[n] = (int) id;
                counters[n] = nonNegative(r);
                n++;
            }
            return VectorTimestamp.of(Arrays.copyOf(ids, n), Arrays.copyOf(counters, n));
        }

        /** Well-formed text of at most {@code maxBytes} bytes of UTF-8: ASCII, controls, 2-, 3- and 4-byte characters. */
        static String text(Random r, int maxBytes) {
            int wanted = r.nextInt(20) == 0 ? r.nextInt(maxBytes + 1) : r.nextInt(Math.min(maxBytes, 24) + 1);
            StringBuilder s = new StringBuilder();
            int bytes = 0;
            while (true) {
                int cp = switch (r.nextInt(10)) {
                    case 0 -> r.nextInt(0x20);
                    case 1 -> 0x80 + r.nextInt(0x800 - 0x80);
                    case 2 -> {
                        int c = 0x800 + r.nextInt(0x10000 - 0x800);
                        yield Character.isSurrogate((char) c) ? 0xFFFD : c;
                    }
                    case 3 -> 0x10000 + r.nextInt(0x110000 - 0x10000);
                    default -> 0x20 + r.nextInt(0x7F - 0x20);
                };
                int width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (bytes + width > wanted) {
                    break;
                }
                s.appendCodePoint(cp);
                bytes += width;
            }
            String text = s.toString();
            assert text.getBytes(StandardCharsets.UTF_8).length <= maxBytes;
            return text;
        }
    }
}
