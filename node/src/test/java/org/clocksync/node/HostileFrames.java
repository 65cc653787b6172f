package org.clocksync.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.clocksync.core.cluster.Epochs;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.MessageType;
import org.clocksync.protocol.ProtocolLimits;
import org.clocksync.protocol.VectorTimestamp;
import org.clocksync.protocol.auth.ClusterKey;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.auth.KeyRing;

/**
 * Generates hostile inbound byte streams for one node from a seed: valid frames of every type with random fields
 * (unsigned, signed with the node's key, with another secret under the same key id, with a key id the node lacks),
 * then mutated: bit flips, truncations followed by other bytes, swapped type codes, absurd length prefixes, rewritten
 * sender ids, epochs and Lamport times, flags, trailers, plus garbage, replays and payloads signed but malformed.
 * Not thread-safe; one generator per target node.
 */
final class HostileFrames {
    /** What the stream may contain. */
    enum Mode {
        /** For a keyed node: nothing signed with its key gets through unchanged. */
        UNAUTHENTICATED,
        /** For a keyed node: mostly frames correctly signed with its key, with hostile content. */
        AUTHENTICATED,
        /** For a node without a key: mostly unsigned frames, which it takes. */
        UNKEYED
    }

    /**
     * One input: its bytes, written in pieces split at {@code cuts}; {@code direct} ones are copied into leak-tracked
     * direct buffers; after a {@code closeAfter} input the connection is closed (mid-frame: TRUNCATED). A
     * {@code prelude} (a HELLO) is written first when the input happens to open a new connection.
     */
    record Input(byte[] bytes, int[] cuts, boolean direct, boolean closeAfter, byte[] prelude) {
    }

    static final int[] ABSURD_LENGTHS = {0, 24, 16_385, 0x7fff_ffff, 0xffff_ffff};
    private static final int LENGTH_AT = 0;
    private static final int MAGIC_AT = 4;
    private static final int VERSION_AT = 6;
    private static final int TYPE_AT = 7;
    private static final int FLAGS_AT = 8;
    private static final int SENDER_AT = 9;
    private static final int EPOCH_AT = 13;
    private static final int LAMPORT_AT = 21;
    private static final int HEADER_END = 29;
    private static final MessageType[] TYPES = MessageType.values();
    private static final String[] TEXT_PIECES = {"a", "Z", "0", " ", "-", "\"", "{", "}", "\\", "\u00e9", "\u65e5",
        "\ud83d\ude00", "\u0000", "\n", "node", "\u202e"};

    private final SplittableRandom rnd;
    private final int selfId;
    private final int[] peers;
    private final FrameAuth right;
    private final FrameAuth wrongSecret;
    private final FrameAuth unknownKeyId;
    /** Recent frames signed with the right key, replayed verbatim. */
    private final byte[][] signedHistory = new byte[256][];
    private int signedCount;
    private final Map<String, Long> kinds = new TreeMap<>();

    HostileFrames(long seed, byte[] secret, int selfId, int[] peers) {
        this.rnd = new SplittableRandom(seed);
        this.selfId = selfId;
        this.peers = peers.clone();
        byte[] other = secret.clone();
        other[0] ^= 0x5a;
        // Own sequence spaces, far below the nodes' (which start at the host time in ns): only order matters.
        this.right = new FrameAuth(new KeyRing(List.of(new ClusterKey(1, secret, true))), 1);
        this.wrongSecret = new FrameAuth(new KeyRing(List.of(new ClusterKey(1, other, true))), 1);
        this.unknownKeyId = new FrameAuth(new KeyRing(List.of(new ClusterKey(77, secret, true))), 1);
    }

    /** How many inputs of each kind (base and mutation) were generated. */
    Map<String, Long> kinds() {
        return kinds;
    }

    List<Input> batch(Mode mode, int size) {
        List<Input> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(next(mode));
        }
        return out;
    }

    Input next(Mode mode) {
        byte[] bytes = switch (mode) {
            case UNAUTHENTICATED -> unauthenticated();
            case AUTHENTICATED -> authenticated();
            case UNKEYED -> unkeyed();
        };
        boolean closeAfter = false;
        if (rnd.nextInt(100) == 0 && bytes.length > 1) {
            // The connection ends mid-frame.
            bytes = Arrays.copyOf(bytes, 1 + rnd.nextInt(bytes.length - 1));
            closeAfter = true;
            count("close_mid_frame");
        }
        int[] cuts = rnd.nextInt(100) < 15 ? cuts(bytes.length) : new int[0];
        if (cuts.length > 0) {
            count("split");
        }
        boolean direct = rnd.nextInt(64) == 0;
        if (direct) {
            count("direct_buffer");
        }
        byte[] prelude = null;
        // Roles refuse most messages before a HELLO: an opening HELLO lets the rest of a connection reach them.
        if (mode != Mode.UNAUTHENTICATED && rnd.nextInt(mode == Mode.UNKEYED ? 2 : 5) == 0) {
            Frame hello = new Frame(sender(), epoch(), lamport(), new Message.Hello(longValue(), text(64)));
            prelude = encode(hello, mode == Mode.AUTHENTICATED ? right : null);
        }
        return new Input(bytes, cuts, direct, closeAfter, prelude);
    }

    /** Nothing here is signed with the node's key and left intact. */
    private byte[] unauthenticated() {
        int r = rnd.nextInt(100);
        if (r < 30) {
            count("unsigned");
            return maybeMutate(encode(randomFrame(), null));
        } else if (r < 50) {
            count("wrong_secret");
            return maybeMutate(encode(randomFrame(), wrongSecret));
        } else if (r < 60) {
            count("unknown_key_id");
            return maybeMutate(encode(randomFrame(), unknownKeyId));
        } else if (r < 85) {
            count("right_key_mutated");
            return mutateForSure(encode(randomFrame(), right));
        }
        count("garbage");
        return garbage();
    }

    private byte[] authenticated() {
        int r = rnd.nextInt(100);
        if (r < 50) {
            count("right_key");
            return remember(encode(randomFrame(), right));
        } else if (r < 58 && signedCount > 0) {
            count("replay");
            return signedHistory[rnd.nextInt(Math.min(signedCount, signedHistory.length))].clone();
        } else if (r < 66) {
            count("right_key_bad_payload");
            return signedRaw(right);
        } else if (r < 86) {
            count("right_key_mutated");
            return mutateForSure(encode(randomFrame(), right));
        } else if (r < 90) {
            count("unsigned");
            return maybeMutate(encode(randomFrame(), null));
        } else if (r < 95) {
            count("wrong_secret");
            return encode(randomFrame(), wrongSecret);
        }
        count("garbage");
        return garbage();
    }

    private byte[] unkeyed() {
        int r = rnd.nextInt(100);
        if (r < 55) {
            count("unsigned");
            return encode(randomFrame(), null);
        } else if (r < 80) {
            count("unsigned_mutated");
            return mutateForSure(encode(randomFrame(), null));
        } else if (r < 87) {
            count("unsigned_bad_payload");
            return unsignedRaw();
        } else if (r < 93) {
            count("signed");
            return maybeMutate(encode(randomFrame(), right));
        }
        count("garbage");
        return garbage();
    }

    private byte[] remember(byte[] signed) {
        signedHistory[signedCount++ % signedHistory.length] = signed;
        return signed;
    }

    private void count(String kind) {
        kinds.merge(kind, 1L, Long::sum);
    }

    // ---------------------------------------------------------------- frames

    Frame randomFrame() {
        MessageType type = type();
        Message message = message(type);
        VectorTimestamp vector = rnd.nextInt(10) == 0 ? vector() : null;
        return new Frame(sender(), epoch(), lamport(), message, vector);
    }

    private MessageType type() {
        int r = rnd.nextInt(100);
        if (r < 10) {
            return MessageType.HELLO;
        } else if (r < 16) {
            return MessageType.HEARTBEAT;
        } else if (r < 22) {
            return MessageType.BULLY_COORDINATOR;
        } else if (r < 26) {
            return MessageType.RING_COORDINATOR;
        } else if (r < 30) {
            return MessageType.BERKELEY_REPLY;
        }
        return TYPES[rnd.nextInt(TYPES.length)];
    }

    private Message message(MessageType type) {
        return switch (type) {
            case HELLO -> new Message.Hello(longValue(), text(ProtocolLimits.MAX_NAME_BYTES));
            case WELCOME -> new Message.Welcome(longValue(), nodeIdOrAny(), nonNegative());
            case BERKELEY_POLL -> new Message.BerkeleyPoll(longValue(), longValue());
            case BERKELEY_REPLY -> new Message.BerkeleyReply(longValue(), longValue(), clockNanos());
            case BERKELEY_ADJUST -> new Message.BerkeleyAdjust(longValue(), longValue(), correctionNanos());
            case CRISTIAN_REQUEST -> new Message.CristianRequest(longValue());
            case CRISTIAN_RESPONSE -> new Message.CristianResponse(longValue(), clockNanos());
            case HEARTBEAT -> new Message.Heartbeat(longValue(), nodeIdOrAny());
            case FAILURE_NOTICE -> new Message.FailureNotice(sender(), longValue());
            case BULLY_ELECTION -> new Message.BullyElection(longValue());
            case BULLY_ANSWER -> new Message.BullyAnswer(longValue());
            case BULLY_COORDINATOR -> new Message.BullyCoordinator(longValue(), sender());
            case RING_ELECTION -> new Message.RingElection(longValue(), sender(), ids());
            case RING_COORDINATOR -> new Message.RingCoordinator(longValue(), sender(), ids());
            case SNAPSHOT_MARKER -> new Message.SnapshotMarker(longValue(), sender());
            case SNAPSHOT_STATE -> rnd.nextBoolean()
                    ? Message.SnapshotState.refused(longValue(), sender(), sender(), longValue(), text(200))
                    : org.clocksync.protocol.ProtocolExamples.snapshotStateFilling(rnd.nextInt(50) == 0
                            ? ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES : org.clocksync.protocol.ProtocolExamples.MIN_SNAPSHOT_STATE_BYTES + rnd.nextInt(200));
            case ERROR -> new Message.ErrorMessage(longValue(),
                    ErrorCode.values()[rnd.nextInt(ErrorCode.values().length)],
                    text(ProtocolLimits.MAX_ERROR_TEXT_BYTES));
            case LOGICAL_REPORT -> new Message.LogicalReport(longValue(), nonNegative());
            case LOGICAL_CORRECTION_REQUEST -> new Message.LogicalCorrectionRequest(longValue());
            case LOGICAL_OFFSET -> new Message.LogicalOffset(longValue(), longValue(), longValue());
        };
    }

    /** Peers, this node, strangers, the largest ids and any positive int. */
    private int sender() {
        int r = rnd.nextInt(100);
        if (r < 40 && peers.length > 0) {
            return peers[rnd.nextInt(peers.length)];
        } else if (r < 50) {
            return selfId;
        } else if (r < 75) {
            return 1 + rnd.nextInt(10);
        } else if (r < 85) {
            int[] edge = {Epochs.MAX_NODE_ID, Epochs.MAX_NODE_ID + 1, (int) Epochs.STRIDE, Integer.MAX_VALUE};
            return edge[rnd.nextInt(edge.length)];
        }
        return 1 + rnd.nextInt(Integer.MAX_VALUE);
    }

    private int nodeIdOrAny() {
        return rnd.nextInt(4) == 0 ? rnd.nextInt() : sender();
    }

    /** 0 (a client), the initial epoch, elected epochs naming peers, this node or unknown nodes, absurd ones. */
    private long epoch() {
        int r = rnd.nextInt(100);
        if (r < 15) {
            return 0;
        } else if (r < 40) {
            return Epochs.INITIAL;
        } else if (r < 60) {
            int coordinator = peers.length > 0 && rnd.nextBoolean() ? peers[rnd.nextInt(peers.length)] : selfId;
            return Epochs.elected(1 + rnd.nextInt(4), coordinator);
        } else if (r < 70) {
            return Epochs.elected(1 + rnd.nextInt(4), 1 + rnd.nextInt(Epochs.MAX_NODE_ID));
        } else if (r < 75) {
            int coordinator = peers.length > 0 ? peers[rnd.nextInt(peers.length)] : selfId;
            return Epochs.elected(Epochs.MAX_TERM - rnd.nextInt(3), coordinator);
        } else if (r < 80) {
            return Epochs.STRIDE * (1 + rnd.nextInt(5)); // names node 0
        } else if (r < 85) {
            return Long.MAX_VALUE;
        }
        return rnd.nextLong(Long.MAX_VALUE);
    }

    private long lamport() {
        int r = rnd.nextInt(10);
        return r == 0 ? Long.MAX_VALUE : r < 5 ? rnd.nextInt(1000) : rnd.nextLong(Long.MAX_VALUE);
    }

    private long longValue() {
        int r = rnd.nextInt(10);
        return switch (r) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> Long.MIN_VALUE;
            case 3 -> -1;
            case 4, 5 -> rnd.nextInt(100);
            default -> rnd.nextLong();
        };
    }

    private long nonNegative() {
        long v = longValue();
        return v < 0 ? (v == Long.MIN_VALUE ? Long.MAX_VALUE : -v) : v;
    }

    private long clockNanos() {
        long now = System.currentTimeMillis() * 1_000_000L;
        int r = rnd.nextInt(4);
        return r == 0 ? longValue() : now + rnd.nextLong(-10_000_000_000L, 10_000_000_000L);
    }

    private long correctionNanos() {
        int r = rnd.nextInt(4);
        return r == 0 ? longValue() : rnd.nextLong(-1_000_000_000L, 1_000_000_000L);
    }

    private List<Integer> ids() {
        int n = rnd.nextInt(40) == 0 ? ProtocolLimits.MAX_IDS : rnd.nextInt(6);
        List<Integer> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(sender());
        }
        return ids;
    }

    private VectorTimestamp vector() {
        int n = 1 + rnd.nextInt(5);
        int[] ids = new int[n];
        long[] counters = new long[n];
        int id = 0;
        for (int i = 0; i < n; i++) {
            id += 1 + rnd.nextInt(5);
            ids[i] = id;
            counters[i] = rnd.nextInt(4) == 0 ? Long.MAX_VALUE : rnd.nextInt(1000);
        }
        try {
            return VectorTimestamp.of(ids, counters);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Well-formed text of at most {@code maxBytes} bytes of UTF-8: ASCII, accents, CJK, emoji, NUL, RTL marks. */
    private String text(int maxBytes) {
        int target = rnd.nextInt(4) == 0 ? maxBytes : rnd.nextInt(Math.min(maxBytes, 40) + 1);
        StringBuilder s = new StringBuilder();
        int bytes = 0;
        while (true) {
            String piece = TEXT_PIECES[rnd.nextInt(TEXT_PIECES.length)];
            int pieceBytes = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + pieceBytes > target) {
                return s.toString();
            }
            s.append(piece);
            bytes += pieceBytes;
        }
    }

    /** The frame's bytes, signed with {@code auth} unless it is null; too large frames are replaced by small ones. */
    byte[] encode(Frame frame, FrameAuth auth) {
        ByteBuf buf = Unpooled.buffer(FrameCodec.encodedLength(frame, auth != null));
        try {
            FrameCodec.encode(frame, buf, auth);
        } catch (IllegalArgumentException tooLarge) {
            buf.release();
            return encode(new Frame(frame.senderId(), frame.epoch(), frame.lamport(),
                    new Message.BullyElection(longValue())), auth);
        }
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** A header (any assigned type, maybe the vector flag) and random payload bytes, signed with {@code auth}. */
    private byte[] signedRaw(FrameAuth auth) {
        ByteBuf buf = Unpooled.buffer();
        try {
            rawBody(buf, FrameCodec.FLAG_AUTH);
            auth.sign(buf, 0);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private byte[] unsignedRaw() {
        ByteBuf buf = Unpooled.buffer();
        try {
            rawBody(buf, 0);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private void rawBody(ByteBuf buf, int flags) {
        buf.writeInt(0);
        buf.writeShort(ProtocolLimits.MAGIC);
        buf.writeByte(ProtocolLimits.VERSION);
        buf.writeByte(TYPES[rnd.nextInt(TYPES.length)].code());
        buf.writeByte(flags | (rnd.nextInt(4) == 0 ? FrameCodec.FLAG_VECTOR : 0));
        buf.writeInt(sender());
        buf.writeLong(epoch());
        buf.writeLong(lamport());
        int payload = rnd.nextInt(8) == 0 ? rnd.nextInt(2000) : rnd.nextInt(40);
        for (int i = 0; i < payload; i++) {
            // Small values make plausible counts and lengths, so the reader gets further in.
            buf.writeByte(rnd.nextInt(3) == 0 ? rnd.nextInt(4) : rnd.nextInt(256));
        }
        buf.setInt(0, buf.writerIndex() - ProtocolLimits.LENGTH_FIELD_BYTES);
    }

    private byte[] garbage() {
        int n = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 3000 : 80);
        byte[] g = new byte[n];
        rnd.nextBytes(g);
        if (rnd.nextBoolean() && n >= 8) {
            // A plausible length and magic, then noise.
            int length = rnd.nextInt(ProtocolLimits.MAX_FRAME_BYTES);
            putInt(g, LENGTH_AT, length);
            g[MAGIC_AT] = (byte) (ProtocolLimits.MAGIC >>> 8);
            g[MAGIC_AT + 1] = (byte) ProtocolLimits.MAGIC;
            if (rnd.nextBoolean()) {
                g[VERSION_AT] = (byte) ProtocolLimits.VERSION;
            }
        }
        return g;
    }

    // ---------------------------------------------------------------- mutations

    private byte[] maybeMutate(byte[] frame) {
        return rnd.nextInt(100) < 40 ? mutateForSure(frame) : frame;
    }

    /** One or two mutations; the result never starts with the whole original frame. */
    byte[] mutateForSure(byte[] original) {
        byte[] m = mutate(original);
        if (rnd.nextInt(5) == 0) {
            m = mutate(m);
        }
        if (startsWith(m, original)) {
            m = original.clone();
            int bit = rnd.nextInt(original.length * 8);
            m[bit >>> 3] ^= (byte) (1 << (bit & 7));
            count("mutation_bit_flip_fallback");
        }
        return m;
    }

    private byte[] mutate(byte[] f) {
        byte[] m = f.clone();
        int r = rnd.nextInt(11);
        switch (r) {
            case 0 -> {
                count("mutation_bit_flips");
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int bit = rnd.nextInt(m.length * 8);
                    m[bit >>> 3] ^= (byte) (1 << (bit & 7));
                }
            }
            case 1 -> {
                count("mutation_truncated_then_more");
                int keep = m.length <= 1 ? 0 : 1 + rnd.nextInt(m.length - 1);
                byte[] more;
                if (rnd.nextBoolean()) {
                    more = new byte[rnd.nextInt(48)];
                    rnd.nextBytes(more);
                } else {
                    byte[] other = encode(randomFrame(), rnd.nextBoolean() ? wrongSecret : null);
                    more = Arrays.copyOf(other, 1 + rnd.nextInt(other.length));
                }
                m = Arrays.copyOf(Arrays.copyOf(m, keep), keep + more.length);
                System.arraycopy(more, 0, m, keep, more.length);
            }
            case 2 -> {
                count("mutation_swapped_type");
                if (m.length > TYPE_AT) {
                    int code = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : TYPES[rnd.nextInt(TYPES.length)].code();
                    if ((m[TYPE_AT] & 0xff) == code) {
                        code = (code % TYPES.length) + 1;
                    }
                    m[TYPE_AT] = (byte) code;
                }
            }
            case 3 -> {
                count("mutation_absurd_length");
                if (m.length >= 4) {
                    int length = rnd.nextInt(3) == 0 ? rnd.nextInt()
                            : ABSURD_LENGTHS[rnd.nextInt(ABSURD_LENGTHS.length)];
                    putInt(m, LENGTH_AT, length);
                }
            }
            case 4 -> {
                count("mutation_sender");
                if (m.length >= EPOCH_AT) {
                    putInt(m, SENDER_AT, rnd.nextInt(3) == 0 ? -rnd.nextInt(3) : sender());
                }
            }
            case 5 -> {
                count("mutation_epoch");
                if (m.length >= LAMPORT_AT) {
                    putLong(m, EPOCH_AT, rnd.nextInt(4) == 0 ? -1 - rnd.nextLong(Long.MAX_VALUE) : epoch());
                }
            }
            case 6 -> {
                count("mutation_lamport");
                if (m.length >= HEADER_END) {
                    putLong(m, LAMPORT_AT, rnd.nextInt(4) == 0 ? Long.MIN_VALUE : lamport());
                }
            }
            case 7 -> {
                count("mutation_flags");
                if (m.length > FLAGS_AT) {
                    m[FLAGS_AT] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 8 -> {
                count("mutation_magic_or_version");
                if (m.length > VERSION_AT) {
                    m[MAGIC_AT + rnd.nextInt(3)] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            case 9 -> {
                count("mutation_trailer");
                int trailer = FrameAuth.TRAILER_BYTES;
                if (m.length > HEADER_END + trailer) {
                    int at = m.length - trailer + rnd.nextInt(1 + FrameAuth.SEQUENCE_BYTES);
                    m[at] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            default -> {
                count("mutation_payload_resized");
                if (m.length > HEADER_END) {
                    int delta = rnd.nextInt(-8, 9);
                    int length = Math.max(HEADER_END, m.length + delta);
                    byte[] resized = Arrays.copyOf(m, length);
                    for (int i = m.length; i < length; i++) {
                        resized[i] = (byte) rnd.nextInt(256);
                    }
                    putInt(resized, LENGTH_AT, length - ProtocolLimits.LENGTH_FIELD_BYTES);
                    m = resized;
                }
            }
        }
        return m;
    }

    private int[] cuts(int length) {
        if (length < 2) {
            return new int[0];
        }
        int n = 1 + rnd.nextInt(Math.min(4, length - 1));
        int[] cuts = rnd.ints(n, 1, length).sorted().distinct().toArray();
        return cuts;
    }

    private static boolean startsWith(byte[] m, byte[] prefix) {
        return m.length >= prefix.length && Arrays.equals(m, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }
}
