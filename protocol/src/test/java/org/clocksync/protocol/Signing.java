package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.clocksync.protocol.auth.ClusterKey;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.auth.KeyRing;

/** Keys, rings and signed bytes for the authentication tests. */
final class Signing {
    /** The example key's secret, bytes 0x00..0x1f (PROTOCOL.md section 1.2). */
    static final byte[] SECRET_1 = ProtocolExamples.exampleKeySecret();
    /** A second secret, bytes 0x20..0x3f. */
    static final byte[] SECRET_2 = secret(0x20);
    /** Yet another secret, for a key with the right id but the wrong bytes. */
    static final byte[] SECRET_WRONG = secret(0x80);
    static final long FIRST_SEQUENCE = ProtocolExamples.EXAMPLE_FIRST_SEQUENCE;

    private Signing() {
    }

    static byte[] secret(int first) {
        byte[] secret = new byte[ClusterKey.MIN_SECRET_BYTES];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (first + i);
        }
        return secret;
    }

    static ClusterKey key(int id, byte[] secret, boolean signing) {
        return new ClusterKey(id, secret, signing);
    }

    static KeyRing ring(ClusterKey... keys) {
        return new KeyRing(List.of(keys));
    }

    static FrameAuth auth(long firstSequence, ClusterKey... keys) {
        return new FrameAuth(ring(keys), firstSequence);
    }

    /** A node holding only key 1 (the example key), signing with it. */
    static FrameAuth node(long firstSequence) {
        return auth(firstSequence, key(1, SECRET_1, true));
    }

    /** {@code frame} encoded and signed with {@code auth} (which uses one sequence number), as bytes. */
    static byte[] sign(Frame frame, FrameAuth auth) {
        ByteBuf buf = Unpooled.buffer(FrameCodec.encodedLength(frame, true));
        try {
            FrameCodec.encode(frame, buf, auth);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** The frames written through a FrameEncoder pipeline with {@code auth}, one byte array per frame; every buffer released. */
    static List<byte[]> encodeThroughPipeline(FrameAuth auth, List<Frame> frames) {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(auth));
        assertThat(encoder.writeOutbound(frames.toArray())).isTrue();
        List<byte[]> out = new ArrayList<>();
        for (Object msg = encoder.readOutbound(); msg != null; msg = encoder.readOutbound()) {
            ByteBuf buf = (ByteBuf) msg;
            out.add(ByteBufUtil.getBytes(buf));
            assertThat(buf.release()).isTrue();
            assertThat(buf.refCnt()).isZero();
        }
        assertThat(encoder.finish()).isFalse();
        encoder.checkException();
        return out;
    }

    static int keyIdOf(byte[] signed) {
        return signed[signed.length - FrameAuth.TRAILER_BYTES] & 0xFF;
    }

    static long sequenceOf(byte[] signed) {
        long s = 0;
        for (int i = 0; i < FrameAuth.SEQUENCE_BYTES; i++) {
            s = s << 8 | (signed[signed.length - FrameAuth.TRAILER_BYTES + FrameAuth.KEY_ID_BYTES + i] & 0xFF);
        }
        return s;
    }

    /** The same bytes with the length prefix, flag 0x01 and trailer taken off: the frame as an unkeyed node sends it. */
    static byte[] unsigned(byte[] signed) {
        byte[] copy = Arrays.copyOf(signed, signed.length - FrameAuth.TRAILER_BYTES);
        int length = copy.length - ProtocolLimits.LENGTH_FIELD_BYTES;
        copy[0] = (byte) (length >>> 24);
        copy[1] = (byte) (length >>> 16);
        copy[2] = (byte) (length >>> 8);
        copy[3] = (byte) length;
        copy[ProtocolLimits.LENGTH_FIELD_BYTES + FrameCodec.FLAGS_AT] &= ~FrameCodec.FLAG_AUTH;
        return copy;
    }
}
