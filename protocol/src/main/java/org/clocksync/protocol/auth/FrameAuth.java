package org.clocksync.protocol.auth;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import org.clocksync.protocol.RejectReason;

/**
 * Frame authentication for one node (PROTOCOL.md section 1.2): signs outbound frames with the newest key and a
 * sequence number, checks the tag of inbound frames, and remembers each sender's recent sequence numbers so a
 * recorded frame sent again is refused. One instance per node, shared by all its connections; thread-safe.
 *
 * <p>The sequence is one counter for the whole node, started at the host time in nanoseconds when the node starts: it
 * grows on every connection (so each connection's numbers strictly increase) and a restarted node continues above
 * every number its previous run used, without storing anything.
 */
public final class FrameAuth {
    public static final int KEY_ID_BYTES = 1;
    public static final int SEQUENCE_BYTES = 8;
    public static final int TAG_BYTES = 32;
    /** Key id, sequence and tag, after the payload (and vector) of a signed frame. */
    public static final int TRAILER_BYTES = KEY_ID_BYTES + SEQUENCE_BYTES + TAG_BYTES;
    /** Senders whose replay windows are kept; only authenticated frames create one, so only key holders count. */
    public static final int MAX_SENDERS = 4096;

    private volatile KeyRing ring;
    private final AtomicLong nextSequence;
    private final Map<Integer, ReplayWindow> windows = new HashMap<>();

    public FrameAuth(KeyRing ring, long firstSequence) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.nextSequence = new AtomicLong(firstSequence);
    }

    public KeyRing keyRing() {
        return ring;
    }

    /** Takes a reloaded key file: frames from now on are signed with its newest key and checked against its keys. */
    public void replaceKeyRing(KeyRing next) {
        this.ring = Objects.requireNonNull(next, "next");
    }

    /**
     * Appends the trailer to the frame that starts at {@code frameStart} (its length prefix) and ends at the writer
     * index, and adds the trailer to the length prefix. The frame's flags must already have bit 0 set.
     */
    public void sign(ByteBuf out, int frameStart) {
        ClusterKey key = ring.signingKey();
        out.writeByte(key.id());
        out.writeLong(nextSequence.getAndIncrement());
        out.setInt(frameStart, out.getInt(frameStart) + TRAILER_BYTES);
        Mac mac = key.mac();
        update(mac, out, frameStart, out.writerIndex() - frameStart);
        out.ensureWritable(TAG_BYTES);
        byte[] tag = mac.doFinal();
        out.writeBytes(tag);
    }

    /**
     * Checks the trailer of the signed frame at {@code [frameStart, frameStart + frameBytes)} (length prefix included,
     * flag bit 0 set, at least a header and a trailer long). Returns null when the tag is right, else why not.
     */
    public RejectReason verify(ByteBuf in, int frameStart, int frameBytes) {
        int trailerAt = frameStart + frameBytes - TRAILER_BYTES;
        ClusterKey key = ring.key(in.getUnsignedByte(trailerAt));
        if (key == null) {
            return RejectReason.UNKNOWN_KEY;
        }
        Mac mac = key.mac();
        int signedBytes = frameBytes - TAG_BYTES;
        update(mac, in, frameStart, signedBytes);
        byte[] expected = new byte[TAG_BYTES];
        try {
            mac.doFinal(expected, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        byte[] actual = new byte[TAG_BYTES];
        in.getBytes(frameStart + signedBytes, actual);
        return MessageDigest.isEqual(expected, actual) ? null : RejectReason.BAD_TAG;
    }

    /** The sequence number in the trailer of the signed frame at {@code [frameStart, frameStart + frameBytes)}. */
    public static long sequenceOf(ByteBuf in, int frameStart, int frameBytes) {
        return in.getLong(frameStart + frameBytes - TRAILER_BYTES + KEY_ID_BYTES);
    }

    /** The key id in the trailer of the signed frame at {@code [frameStart, frameStart + frameBytes)}. */
    public static int keyIdOf(ByteBuf in, int frameStart, int frameBytes) {
        return in.getUnsignedByte(frameStart + frameBytes - TRAILER_BYTES);
    }

    /**
     * Records an authenticated frame's sequence for its sender; false when that sender already used the number, or
     * sent it more than {@link ReplayWindow#WINDOW} frames ago: a replay (or, when the table of senders is full, a
     * sender this node has no room to track).
     */
    public synchronized boolean fresh(int senderId, long sequence) {
        ReplayWindow window = windows.get(senderId);
        if (window == null) {
            if (windows.size() >= MAX_SENDERS) {
                return false;
            }
            window = new ReplayWindow();
            windows.put(senderId, window);
        }
        return window.accept(sequence);
    }

    /** The sequence number the next signed frame will carry. */
    public long nextSequence() {
        return nextSequence.get();
    }

    private static void update(Mac mac, ByteBuf buf, int index, int length) {
        if (buf.hasArray()) {
            mac.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.nioBuffer(index, length);
            mac.update(nio);
        } else {
            for (ByteBuffer nio : buf.nioBuffers(index, length)) {
                mac.update(nio);
            }
        }
    }
}
