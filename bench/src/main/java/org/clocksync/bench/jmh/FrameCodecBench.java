package org.clocksync.bench.jmh;

import static org.clocksync.protocol.ProtocolLimits.LENGTH_FIELD_BYTES;
import static org.clocksync.protocol.ProtocolLimits.MAX_FRAME_BYTES;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.FrameDecoder;
import org.clocksync.protocol.FrameRejectedException;
import org.clocksync.protocol.MessageType;
import org.clocksync.protocol.ProtocolExamples;
import org.clocksync.protocol.RejectReason;
import org.clocksync.protocol.auth.ClusterKey;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.auth.KeyRing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of frame authentication (HMAC-SHA256 trailer, replay window) in frames per second through the codec, one
 * thread, unsigned ({@code signed=false}) against signed ({@code signed=true}); one op is one frame.
 *
 * <ul>
 *   <li>{@link #encode}: {@link FrameCodec#encode} into one reused pooled heap buffer (cleared per op); signed, that
 *       includes the sequence number and the tag.</li>
 *   <li>{@link #decode}: what {@link FrameDecoder#decode} does with a whole frame, without a channel: the tag check
 *       ({@link FrameAuth#verify}), {@link FrameCodec#decodeBody} on a slice, and the per-connection and per-sender
 *       replay checks ({@link FrameAuth#fresh}). The frames come from a ring of {@value #RING} frames encoded up
 *       front (signed: {@value #RING} distinct sequence numbers); the replay window refuses a sequence it has seen,
 *       so when the ring wraps the receiver starts afresh (a new {@link FrameAuth}, as after a restart), a cost
 *       spread over {@value #RING} ops.</li>
 *   <li>{@link #roundTrip}: what a connection does: the frame is encoded as {@link org.clocksync.protocol.FrameEncoder}
 *       does it (length, then a buffer from the channel's allocator, {@code ioBuffer}: pooled and direct), written
 *       into an {@link EmbeddedChannel} whose pipeline is a {@link FrameDecoder} with the receiver's key, and read
 *       back as a {@link Frame}; the decoder releases the buffer.</li>
 * </ul>
 *
 * Every op checks that the frame was taken (a rejection fails the run), so only the path of a good frame is measured.
 * {@link #main} prints the encoded frame sizes and the allocator for the report.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class FrameCodecBench {
    /** Pre-encoded frames {@link #decode} cycles through. */
    static final int RING = 512;
    /** Node id of the sender of every frame (ProtocolExamples' frames are sent by node 3). */
    static final int SENDER_ID = 3;
    /** Bytes of state JSON in the large frame. */
    static final int LARGE_STATE_BYTES = 4096;

    public static final String SMALL = "BERKELEY_REPLY";
    public static final String LARGE = "SNAPSHOT_STATE_4KiB";

    @Param({"false", "true"})
    public boolean signed;

    /** BERKELEY_REPLY: ProtocolExamples' example (24-byte payload); SNAPSHOT_STATE_4KiB: a 4096-byte payload of snapshot state. */
    @Param({SMALL, LARGE})
    public String message;

    Frame frame;

    /** encode: the sender's key (null unsigned) and the reused output buffer. */
    private FrameAuth encodeAuth;
    ByteBuf encodeOut;

    /** decode: the ring of encoded frames, the receiver's key and the last sequence taken on "this connection". */
    ByteBuf ring;
    private final int[] ringStart = new int[RING];
    private int next;
    private KeyRing receiverKeys;
    private FrameAuth receiverAuth;
    private long lastSequence;

    /** roundTrip: the sender's key and the receiving channel. */
    private FrameAuth roundTripAuth;
    EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
        frame = frame(message);
        encodeAuth = signed ? new FrameAuth(keyRing(), 1) : null;
        encodeOut = PooledByteBufAllocator.DEFAULT.heapBuffer(FrameCodec.encodedLength(frame, true));

        int frameBytes = FrameCodec.encodedLength(frame, signed);
        ring = Unpooled.buffer(RING * frameBytes, RING * frameBytes);
        FrameAuth ringAuth = signed ? new FrameAuth(keyRing(), 1) : null;
        for (int i = 0; i < RING; i++) {
            ringStart[i] = ring.writerIndex();
            FrameCodec.encode(frame, ring, ringAuth);
        }
        next = 0;
        receiverKeys = signed ? keyRing() : null;
        resetReceiver();

        roundTripAuth = signed ? new FrameAuth(keyRing(), 1) : null;
        channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_BYTES, FrameCodecBench::rejected,
                signed ? new FrameAuth(keyRing(), 1) : null));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encodeOut.release();
        ring.release();
        if (channel.finishAndReleaseAll()) {
            throw new IllegalStateException("frames were left in the channel");
        }
    }

    @Benchmark
    public int encode() {
        ByteBuf out = encodeOut;
        out.clear();
        FrameCodec.encode(frame, out, encodeAuth);
        return out.writerIndex();
    }

    @Benchmark
    public Frame decode() throws FrameRejectedException {
        int i = next;
        next = i + 1 == RING ? 0 : i + 1;
        if (i == 0) {
            resetReceiver();
        }
        ByteBuf in = ring;
        int start = ringStart[i];
        int bodyBytes = (int) in.getUnsignedInt(start);
        int frameBytes = LENGTH_FIELD_BYTES + bodyBytes;
        boolean signedFrame = (in.getUnsignedByte(start + LENGTH_FIELD_BYTES + FrameCodec.FLAGS_AT) & FrameCodec.FLAG_AUTH) != 0;
        FrameAuth auth = receiverAuth;
        if (signedFrame != (auth != null)) {
            throw new IllegalStateException("signed frame " + signedFrame + ", receiver has a key " + (auth != null));
        }
        if (auth != null) {
            RejectReason failed = FrameCodec.verifyTag(auth, in, start, frameBytes);
            if (failed != null) {
                throw new IllegalStateException("frame " + i + " failed verification: " + failed);
            }
        }
        Frame decoded = FrameCodec.decodeBody(in.slice(start + LENGTH_FIELD_BYTES, bodyBytes));
        if (auth != null) {
            long sequence = FrameAuth.sequenceOf(in, start, frameBytes);
            if (sequence <= lastSequence || !auth.fresh(decoded.senderId(), sequence)) {
                throw new IllegalStateException("frame " + i + " refused as a replay: sequence " + sequence);
            }
            lastSequence = sequence;
        }
        return decoded;
    }

    @Benchmark
    public Frame roundTrip() {
        ByteBuf buf = channel.alloc().ioBuffer(FrameCodec.encodedLength(frame, roundTripAuth != null));
        try {
            FrameCodec.encode(frame, buf, roundTripAuth);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        channel.writeInbound(buf);
        Frame decoded = channel.readInbound();
        if (decoded == null) {
            throw new IllegalStateException("the decoder returned no frame");
        }
        return decoded;
    }

    /** A receiver that has seen nothing yet: a fresh replay window and connection. */
    private void resetReceiver() {
        receiverAuth = receiverKeys != null ? new FrameAuth(receiverKeys, 1) : null;
        lastSequence = Long.MIN_VALUE;
    }

    private static void rejected(RejectReason reason) {
        throw new IllegalStateException("FrameDecoder rejected a frame: " + reason);
    }

    /** A one-key ring; every call builds its own ClusterKey (and so its own Macs), as another node would. */
    static KeyRing keyRing() {
        byte[] secret = new byte[ClusterKey.MIN_SECRET_BYTES];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (0x5A ^ i * 7);
        }
        return new KeyRing(List.of(new ClusterKey(1, secret, true)));
    }

    static Frame frame(String message) {
        switch (message) {
            case SMALL:
                return ProtocolExamples.all().stream().filter(f -> f.type() == MessageType.BERKELEY_REPLY)
                        .findFirst().orElseThrow();
            case LARGE:
                return new Frame(SENDER_ID, 2, 42, ProtocolExamples.snapshotStateFilling(LARGE_STATE_BYTES));
            default:
                throw new IllegalArgumentException("unknown message " + message + "; use " + SMALL + " or " + LARGE);
        }
    }

    /** Prints, per message, the encoded frame size unsigned and signed, and the allocator roundTrip uses. */
    public static void main(String[] args) {
        for (String m : List.of(SMALL, LARGE)) {
            Frame f = frame(m);
            System.out.println("SIZE message=" + m + " type=" + f.type() + " unsigned_bytes="
                    + FrameCodec.encodedLength(f, false) + " signed_bytes=" + FrameCodec.encodedLength(f, true));
        }
        EmbeddedChannel probe = new EmbeddedChannel();
        ByteBuf buf = probe.alloc().ioBuffer(64);
        System.out.println("ALLOCATOR roundtrip=" + probe.alloc().getClass().getSimpleName() + " buffer="
                + buf.getClass().getSimpleName() + " direct=" + buf.isDirect());
        buf.release();
        probe.finishAndReleaseAll();
    }
}
