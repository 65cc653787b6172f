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

    /** A tag not bound to a receiver (the sender does not know it yet: HELLO, a client's request). */
    public static final int UNBOUND = 0;
    public static final int UNKNOWN_KEY_ID = -1;
    public static final int WRONG_TAG = -2;

    private final int selfId;
    private volatile KeyRing ring;
    private final AtomicLong nextSequence;
    private final Map<Integer, ReplayWindow> windows = new HashMap<>();

    /** For a client without a node id: it verifies unbound tags only. */
    public FrameAuth(KeyRing ring, long firstSequence) {
        this(ring, firstSequence, UNBOUND);
    }

    /** For node {@code selfId}: tags bound to it, and unbound ones, verify. */
    public FrameAuth(KeyRing ring, long firstSequence, int selfId) {
        if (selfId < UNBOUND) {
            throw new IllegalArgumentException("selfId must not be negative, got " + selfId);
        }
        this.selfId = selfId;
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

    /** Signs without naming the receiver; see {@link #sign(ByteBuf, int, int)}. */
    public void sign(ByteBuf out, int frameStart) {
        sign(out, frameStart, UNBOUND);
    }

    /**
     * Appends the trailer to the frame that starts at {@code frameStart} (its length prefix) and ends at the writer
     * index, and adds the trailer to the length prefix. The frame's flags must already have bit 0 set. A
     * {@code receiverId} above 0 binds the tag to that node: it is appended to what the MAC covers (not to the frame),
     * so the frame verifies only there and a frame redirected to another node fails its tag.
     */
    public void sign(ByteBuf out, int frameStart, int receiverId) {
        ClusterKey key = ring.signingKey();
        out.writeByte(key.id());
        out.writeLong(nextSequence.getAndIncrement());
        out.setInt(frameStart, out.getInt(frameStart) + TRAILER_BYTES);
        Mac mac = key.mac();
        update(mac, out, frameStart, out.writerIndex() - frameStart);
        if (receiverId > UNBOUND) {
            updateInt(mac, receiverId);
        }
        out.ensureWritable(TAG_BYTES);
        byte[] tag = mac.doFinal();
        out.writeBytes(tag);
    }

    /**
     * Checks the trailer of the signed frame at {@code [frameStart, frameStart + frameBytes)} (length prefix included,
     * flag bit 0 set, at least a header and a trailer long) and says what the tag is bound to: this node's id,
     * {@link #UNBOUND}, or {@link #UNKNOWN_KEY_ID} / {@link #WRONG_TAG} when it fails.
     */
    public int verifiedReceiver(ByteBuf in, int frameStart, int frameBytes) {
        int trailerAt = frameStart + frameBytes - TRAILER_BYTES;
        ClusterKey key = ring.key(in.getUnsignedByte(trailerAt));
        if (key == null) {
            return UNKNOWN_KEY_ID;
        }
        byte[] actual = new byte[TAG_BYTES];
        int signedBytes = frameBytes - TAG_BYTES;
        in.getBytes(frameStart + signedBytes, actual);
        if (selfId > UNBOUND && tagMatches(key, in, frameStart, signedBytes, selfId, actual)) {
            return selfId;
        }
        return tagMatches(key, in, frameStart, signedBytes, UNBOUND, actual) ? UNBOUND : WRONG_TAG;
    }

    private static boolean tagMatches(ClusterKey key, ByteBuf in, int frameStart, int signedBytes, int receiverId,
            byte[] actual) {
        Mac mac = key.mac();
        update(mac, in, frameStart, signedBytes);
        if (receiverId > UNBOUND) {
            updateInt(mac, receiverId);
        }
        byte[] expected = new byte[TAG_BYTES];
        try {
            mac.doFinal(expected, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return MessageDigest.isEqual(expected, actual);
    }

    /** This node's id: tags bound to it verify here; 0 for a client, which takes only unbound tags. */
    public int selfId() {
        return selfId;
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

    private static void updateInt(Mac mac, int value) {
        mac.update((byte) (value >>> 24));
        mac.update((byte) (value >>> 16));
        mac.update((byte) (value >>> 8));
        mac.update((byte) value);
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
