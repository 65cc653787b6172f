package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.clocksync.protocol.Signing.FIRST_SEQUENCE;
import static org.clocksync.protocol.Signing.SECRET_1;
import static org.clocksync.protocol.Signing.SECRET_2;
import static org.clocksync.protocol.Signing.SECRET_WRONG;
import static org.clocksync.protocol.Signing.auth;
import static org.clocksync.protocol.Signing.key;
import static org.clocksync.protocol.Signing.node;
import static org.clocksync.protocol.Signing.sign;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.clocksync.protocol.auth.FrameAuth;
import org.junit.jupiter.api.Test;

/** Flag 0x01 end to end: FrameEncoder with a key signs, FrameDecoder with a key verifies, drops, counts and closes. */
class SignedFrameTest {
    private static final List<Frame> EXAMPLES = Stream.concat(ProtocolExamples.all().stream(),
            ProtocolExamples.withVector().stream()).toList();
    private static final Frame HELLO = ProtocolExamples.all().get(0);
    private static final Frame POLL = ProtocolExamples.all().get(MessageType.BERKELEY_POLL.ordinal());
    private static final Frame CRISTIAN = ProtocolExamples.all().get(MessageType.CRISTIAN_REQUEST.ordinal());

    /** Reasons a corrupted frame may end in besides a tag failure: the header checks that come first. */
    private static final Set<RejectReason> STRUCTURAL = EnumSet.of(RejectReason.OVERSIZE, RejectReason.BAD_MAGIC,
            RejectReason.BAD_VERSION, RejectReason.UNKNOWN_TYPE, RejectReason.BAD_HEADER, RejectReason.TRUNCATED);

    @Test
    void everyExampleRoundTripsSigned() {
        FrameAuth sender = node(FIRST_SEQUENCE);
        List<byte[]> signed = Signing.encodeThroughPipeline(sender, EXAMPLES);
        assertThat(signed).hasSize(EXAMPLES.size());
        for (int i = 0; i < signed.size(); i++) {
            byte[] bytes = signed.get(i);
            Frame frame = EXAMPLES.get(i);
            assertThat(bytes).hasSize(FrameCodec.encodedLength(frame, true))
                    .hasSize(FrameCodec.encodedLength(frame) + FrameAuth.TRAILER_BYTES);
            assertThat(bytes[8] & 0xFF).isEqualTo(FrameCodec.FLAG_AUTH | (frame.hasVector() ? FrameCodec.FLAG_VECTOR : 0));
            assertThat(Signing.keyIdOf(bytes)).isEqualTo(1);
            assertThat(Signing.sequenceOf(bytes)).isEqualTo(FIRST_SEQUENCE + i);
            assertThat(Signing.unsigned(bytes)).as("the signed frame is the unsigned one plus the trailer")
                    .isEqualTo(Wire.bytes(frame));
        }
        assertThat(sender.nextSequence()).isEqualTo(FIRST_SEQUENCE + EXAMPLES.size());

        Receiver whole = new Receiver(node(1));
        whole.send(Wire.concat(signed.toArray(byte[][]::new)));
        assertThat(whole.frames()).containsExactlyElementsOf(EXAMPLES);
        whole.finish();
        assertThat(whole.counters.total()).isZero();

        Receiver oneByOne = new Receiver(node(1));
        signed.forEach(oneByOne::send);
        assertThat(oneByOne.frames()).containsExactlyElementsOf(EXAMPLES);
        oneByOne.finish();

        Receiver byteByByte = new Receiver(node(1));
        byteByByte.sendByteByByte(Wire.concat(signed.toArray(byte[][]::new)));
        assertThat(byteByByte.frames()).containsExactlyElementsOf(EXAMPLES);
        byteByByte.finish();
        assertThat(byteByByte.counters.total()).isZero();
    }

    @Test
    void theDocumentedExampleIsWhatTheEncoderWrites() {
        byte[] viaPipeline = Signing.encodeThroughPipeline(ProtocolExamples.exampleAuth(), List.of(HELLO)).get(0);
        String hex = ProtocolExamples.hex(HELLO, ProtocolExamples.exampleAuth());
        assertThat(ByteBufUtil.hexDump(viaPipeline)).isEqualTo(hex.replace(" ", ""));
        Receiver r = new Receiver(node(1)).send(viaPipeline);
        assertThat(r.frames()).containsExactly(HELLO);
        r.finish();
    }

    @Test
    void aFlippedBitAnywhereNeverYieldsAFrame() {
        for (Frame frame : List.of(HELLO, ProtocolExamples.withVector().get(0), CRISTIAN)) {
            byte[] signed = sign(frame, node(FIRST_SEQUENCE));
            for (int bit = 0; bit < signed.length * 8; bit++) {
                byte[] flipped = signed.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                Receiver r = new Receiver(node(1)).send(flipped);
                String what = frame.type() + " with bit " + bit + " flipped";
                assertThat(r.frames()).as(what).isEmpty();
                r.finish();
                assertThat(r.counters.total()).as(what).isGreaterThanOrEqualTo(1);
                int at = bit / 8;
                if (at >= ProtocolLimits.LENGTH_FIELD_BYTES + ProtocolLimits.HEADER_BYTES) {
                    // Payload, vector, key id, sequence, tag: the length still frames it, so exactly one tag failure.
                    RejectReason expected = at == signed.length - FrameAuth.TRAILER_BYTES ? RejectReason.UNKNOWN_KEY
                            : RejectReason.BAD_TAG;
                    assertThat(r.counters.snapshot()).as(what).containsEntry(expected, 1L);
                    assertThat(r.counters.total()).as(what).isEqualTo(1);
                    assertThat(r.closedByDecoder).as(what).isFalse();
                } else if (at == ProtocolLimits.LENGTH_FIELD_BYTES + FrameCodec.FLAGS_AT && bit % 8 == 0) {
                    assertThat(r.counters.snapshot()).as(what).containsEntry(RejectReason.MISSING_TAG, 1L);
                    assertThat(r.counters.total()).as(what).isEqualTo(1);
                } else {
                    Set<RejectReason> allowed = EnumSet.copyOf(STRUCTURAL);
                    allowed.addAll(EnumSet.of(RejectReason.BAD_TAG, RejectReason.MISSING_TAG, RejectReason.UNKNOWN_KEY));
                    r.counters.snapshot().forEach((reason, count) -> {
                        if (count > 0) {
                            assertThat(allowed).as(what).contains(reason);
                        }
                    });
                }
            }
        }
    }

    @Test
    void theSameIdWithAnotherSecretIsBadTagAndTheConnectionCarriesOn() {
        byte[] forged = sign(HELLO, auth(FIRST_SEQUENCE, key(1, SECRET_WRONG, true)));
        FrameAuth sender = node(FIRST_SEQUENCE + 100);
        Receiver r = new Receiver(node(1)).send(forged, sign(POLL, sender));
        assertThat(r.frames()).containsExactly(POLL);
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.BAD_TAG, 1L);
        assertThat(r.counters.total()).isEqualTo(1);
        assertThat(r.channel.isOpen()).isTrue();
        r.finish();
    }

    @Test
    void anUnknownKeyIdIsUnknownKey() {
        byte[] fromKey9 = sign(HELLO, auth(FIRST_SEQUENCE, key(9, SECRET_1, true)));
        assertThat(Signing.keyIdOf(fromKey9)).isEqualTo(9);
        Receiver r = new Receiver(node(1)).send(fromKey9);
        assertThat(r.frames()).isEmpty();
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.UNKNOWN_KEY, 1L);
        assertThat(r.counters.total()).isEqualTo(1);
        assertThat(r.channel.isOpen()).isTrue();
        r.finish();
    }

    @Test
    void unsignedFramesToAKeyedNodeAreDroppedAndTheThirdClosesTheConnection() {
        FrameAuth sender = node(FIRST_SEQUENCE);
        byte[] unsigned = Wire.bytes(HELLO);
        Receiver r = new Receiver(node(1));
        r.send(unsigned, sign(POLL, sender), unsigned, unsigned);
        assertThat(r.frames()).as("a signed frame between them decodes and starts the count again")
                .containsExactly(POLL);
        assertThat(r.channel.isOpen()).isTrue();
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.MISSING_TAG, 3L);
        r.send(Wire.concat(unsigned, sign(POLL, sender)));
        assertThat(r.closedByDecoder).isTrue();
        assertThat(r.frames()).as("nothing after the third failure").isEmpty();
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.MISSING_TAG, 4L);
        assertThat(r.counters.total()).isEqualTo(4);
        r.finish();
        assertThat(r.counters.total()).as("closing counts nothing more").isEqualTo(4);
    }

    @Test
    void theThreeFailuresMayHaveDifferentReasons() {
        FrameAuth sender = node(FIRST_SEQUENCE);
        byte[] good = sign(HELLO, sender);
        Receiver r = new Receiver(node(1));
        r.send(good, Wire.bytes(POLL), sign(POLL, auth(1, key(1, SECRET_WRONG, true))), sign(POLL, auth(1, key(4, SECRET_1, true))));
        assertThat(r.frames()).containsExactly(HELLO);
        assertThat(r.closedByDecoder).isTrue();
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.MISSING_TAG, 1L).containsEntry(RejectReason.BAD_TAG, 1L)
                .containsEntry(RejectReason.UNKNOWN_KEY, 1L);
        r.finish();
        assertThat(r.counters.total()).isEqualTo(3);
    }

    @Test
    void aSignedFrameToANodeWithoutAKeyIsUnexpectedTagAndClosesAtOnce() {
        Receiver r = new Receiver(null).send(Wire.bytes(POLL), sign(HELLO, node(FIRST_SEQUENCE)), Wire.bytes(POLL));
        assertThat(r.frames()).containsExactly(POLL);
        assertThat(r.closedByDecoder).isTrue();
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.UNEXPECTED_TAG, 1L);
        r.finish();
        assertThat(r.counters.total()).isEqualTo(1);
    }

    @Test
    void theSameBytesTwiceOnOneConnectionAreReplayed() {
        byte[] poll = sign(POLL, node(FIRST_SEQUENCE));
        Receiver r = new Receiver(node(1)).send(poll, poll);
        assertThat(r.frames()).containsExactly(POLL);
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.REPLAYED, 1L);
        assertThat(r.counters.total()).isEqualTo(1);
        assertThat(r.channel.isOpen()).isTrue();
        r.finish();
    }

    @Test
    void aLowerSequenceOnOneConnectionIsReplayedEvenIfTheSenderNeverUsedItThere() {
        FrameAuth sender = node(FIRST_SEQUENCE);
        byte[] first = sign(HELLO, sender);
        byte[] second = sign(POLL, sender);
        Receiver r = new Receiver(node(1)).send(second, first);
        assertThat(r.frames()).containsExactly(POLL);
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.REPLAYED, 1L);
        r.finish();
    }

    @Test
    void framesOfOneSenderMayInterleaveAcrossConnections() {
        FrameAuth receiver = node(1);
        FrameAuth sender = node(FIRST_SEQUENCE);
        byte[] first = sign(HELLO, sender);
        byte[] second = sign(POLL, sender);
        Receiver a = new Receiver(receiver).send(second);
        Receiver b = new Receiver(receiver).send(first);
        assertThat(a.frames()).containsExactly(POLL);
        assertThat(b.frames()).containsExactly(HELLO);
        a.finish();
        b.finish();
        assertThat(a.counters.total() + b.counters.total()).isZero();
    }

    @Test
    void theSameBytesOnASecondConnectionAreReplayed() {
        FrameAuth receiver = node(1);
        byte[] poll = sign(POLL, node(FIRST_SEQUENCE));
        Receiver a = new Receiver(receiver).send(poll);
        Receiver b = new Receiver(receiver, a.counters).send(poll);
        assertThat(a.frames()).containsExactly(POLL);
        assertThat(b.frames()).isEmpty();
        assertThat(b.counters.snapshot()).containsEntry(RejectReason.REPLAYED, 1L);
        assertThat(b.counters.total()).isEqualTo(1);
        a.finish();
        b.finish();
    }

    @Test
    void aFrameOlderThanItsSendersWindowIsReplayedOnANewConnection() {
        FrameAuth receiver = node(1);
        byte[] old = sign(POLL, node(FIRST_SEQUENCE));
        byte[] edge = sign(HELLO, node(FIRST_SEQUENCE + 1));
        byte[] newest = sign(POLL, node(FIRST_SEQUENCE + 1 + 8191));
        Receiver a = new Receiver(receiver).send(newest);
        Receiver b = new Receiver(receiver, a.counters).send(edge);
        Receiver c = new Receiver(receiver, a.counters).send(old);
        assertThat(a.frames()).containsExactly(POLL);
        assertThat(b.frames()).as("8191 behind: inside the window").containsExactly(HELLO);
        assertThat(c.frames()).as("8192 behind: outside").isEmpty();
        assertThat(a.counters.snapshot()).containsEntry(RejectReason.REPLAYED, 1L);
        assertThat(a.counters.total()).isEqualTo(1);
        a.finish();
        b.finish();
        c.finish();
    }

    @Test
    void aCristianRequestMayBeReplayedOnANewConnectionButNotTwiceOnOne() {
        FrameAuth receiver = node(1);
        byte[] request = sign(CRISTIAN, node(FIRST_SEQUENCE));
        Receiver a = new Receiver(receiver).send(request);
        Receiver b = new Receiver(receiver, a.counters).send(request, request);
        assertThat(a.frames()).containsExactly(CRISTIAN);
        assertThat(b.frames()).as("exempt from the sender's window").containsExactly(CRISTIAN);
        assertThat(a.counters.snapshot()).containsEntry(RejectReason.REPLAYED, 1L);
        assertThat(a.counters.total()).isEqualTo(1);
        a.finish();
        b.finish();
    }

    @Test
    void clientsSharingASenderIdEachGetTheirRequestsThrough() {
        FrameAuth server = node(1);
        FrameAuth olderRun = node(FIRST_SEQUENCE);
        FrameAuth newerRun = node(FIRST_SEQUENCE + 1_000_000_000L);
        Receiver newer = new Receiver(server).send(sign(CRISTIAN, newerRun));
        Receiver older = new Receiver(server, newer.counters).send(sign(CRISTIAN, olderRun), sign(CRISTIAN, olderRun));
        assertThat(newer.frames()).containsExactly(CRISTIAN);
        assertThat(older.frames()).containsExactly(CRISTIAN, CRISTIAN);
        newer.finish();
        older.finish();
        assertThat(newer.counters.total()).isZero();
    }

    @Test
    void aRotationNeverDropsAFrame() {
        // Step 1: every node holds {1 signing, 2 accept}; step 2: nodes move one by one to {1, 2 both signing}.
        FrameAuth step1 = auth(FIRST_SEQUENCE, key(1, SECRET_1, true), key(2, SECRET_2, false));
        FrameAuth step2 = auth(FIRST_SEQUENCE, key(1, SECRET_1, true), key(2, SECRET_2, true));
        byte[] fromStep1 = sign(HELLO, step1);
        byte[] fromStep2 = sign(HELLO, step2);
        assertThat(Signing.keyIdOf(fromStep1)).isEqualTo(1);
        assertThat(Signing.keyIdOf(fromStep2)).isEqualTo(2);

        Receiver atStep1 = new Receiver(auth(1, key(1, SECRET_1, true), key(2, SECRET_2, false))).send(fromStep2);
        Receiver atStep2 = new Receiver(auth(1, key(1, SECRET_1, true), key(2, SECRET_2, true))).send(fromStep1);
        assertThat(atStep1.frames()).as("an accept-only key verifies").containsExactly(HELLO);
        assertThat(atStep2.frames()).containsExactly(HELLO);
        atStep1.finish();
        atStep2.finish();
        assertThat(atStep1.counters.total() + atStep2.counters.total()).isZero();

        // Step 3: key 1 is gone; a node still signing with it is refused.
        Receiver atStep3 = new Receiver(auth(1, key(2, SECRET_2, true))).send(sign(POLL, step1), sign(POLL, step2));
        assertThat(atStep3.frames()).containsExactly(POLL);
        assertThat(atStep3.counters.snapshot()).containsEntry(RejectReason.UNKNOWN_KEY, 1L);
        atStep3.finish();
    }

    @Test
    void aReplacedKeyRingSignsAndChecksWithTheNewKeysAndKeepsTheSequence() {
        FrameAuth sender = auth(FIRST_SEQUENCE, key(1, SECRET_1, true));
        FrameAuth receiver = auth(1, key(1, SECRET_1, true));
        byte[] before = sign(HELLO, sender);
        sender.replaceKeyRing(Signing.ring(key(1, SECRET_1, true), key(2, SECRET_2, true)));
        byte[] after = sign(POLL, sender);
        assertThat(Signing.keyIdOf(after)).isEqualTo(2);
        assertThat(Signing.sequenceOf(after)).isEqualTo(Signing.sequenceOf(before) + 1);
        Receiver r = new Receiver(receiver).send(before, after);
        assertThat(r.frames()).containsExactly(HELLO);
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.UNKNOWN_KEY, 1L);
        receiver.replaceKeyRing(Signing.ring(key(1, SECRET_1, true), key(2, SECRET_2, false)));
        r.send(after);
        assertThat(r.frames()).containsExactly(POLL);
        r.finish();
        assertThat(r.counters.total()).isEqualTo(1);
    }

    @Test
    void aSignedFrameTooShortForTheTrailerIsBadHeaderAndCloses() {
        byte[] hello = Wire.with(Wire.bytes(HELLO), 8, FrameCodec.FLAG_AUTH);
        Receiver r = new Receiver(node(1)).send(hello);
        assertThat(r.closedByDecoder).isTrue();
        r.finish();
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.BAD_HEADER, 1L);
        assertThat(r.counters.total()).isEqualTo(1);
    }

    @Test
    void aCorrectlySignedFrameWithABadPayloadIsBadPayloadAndCloses() {
        // Sign a frame whose payload is broken (an unassigned error code) by signing raw bytes with the sender's key.
        byte[] raw = Wire.frame(ProtocolLimits.MAGIC, ProtocolLimits.VERSION, MessageType.ERROR.code(), FrameCodec.FLAG_AUTH,
                3, 2, 42, Wire.payload(7L, (short) 0, (short) 0));
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(raw);
            node(FIRST_SEQUENCE).sign(buf, 0);
            raw = ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
        Receiver r = new Receiver(node(1)).send(raw, sign(POLL, node(FIRST_SEQUENCE + 1)));
        assertThat(r.frames()).isEmpty();
        assertThat(r.closedByDecoder).isTrue();
        r.finish();
        assertThat(r.counters.snapshot()).containsEntry(RejectReason.BAD_PAYLOAD, 1L);
        assertThat(r.counters.total()).isEqualTo(1);
    }

    @Test
    void theEncoderRefusesAFrameThatTheTrailerWouldPushOverTheLimit() {
        int room = ProtocolLimits.MAX_FRAME_BYTES - ProtocolLimits.HEADER_BYTES;
        Frame fitsUnsigned = new Frame(3, 2, 42, ProtocolExamples.snapshotStateFilling(Math.min(room,
                ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES)), vectorFilling(room - ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES));
        assertThat(FrameCodec.encodedLength(fitsUnsigned)).isLessThanOrEqualTo(4 + ProtocolLimits.MAX_FRAME_BYTES);
        assertThat(FrameCodec.encodedLength(fitsUnsigned, true)).isGreaterThan(4 + ProtocolLimits.MAX_FRAME_BYTES);
        FrameAuth sender = node(FIRST_SEQUENCE);
        ByteBuf buf = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> FrameCodec.encode(fitsUnsigned, buf, sender))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the limit is 16384");
            assertThat(buf.writerIndex()).isZero();
        } finally {
            buf.release();
        }
        assertThat(sender.nextSequence()).as("no sequence number used").isEqualTo(FIRST_SEQUENCE);
    }

    /** A vector of as many entries as fit in {@code bytes} (at least the 2-byte count). */
    private static VectorTimestamp vectorFilling(int bytes) {
        int entries = Math.max(0, (bytes - 2) / 12);
        int[] ids = new int[entries];
        long[] counters = new long[entries];
        for (int i = 0; i < entries; i++) {
            ids[i] = i + 1;
        }
        return VectorTimestamp.of(ids, counters);
    }

    /** One connection into a FrameDecoder; every input buffer is checked to be released. */
    private static final class Receiver {
        final RejectionCounters counters;
        final EmbeddedChannel channel;
        final List<ByteBuf> inputs = new ArrayList<>();
        boolean closedByDecoder;

        Receiver(FrameAuth auth) {
            this(auth, new RejectionCounters());
        }

        Receiver(FrameAuth auth, RejectionCounters counters) {
            this.counters = counters;
            this.channel = new EmbeddedChannel(new FrameDecoder(ProtocolLimits.MAX_FRAME_BYTES, counters, auth));
        }

        Receiver send(byte[]... frames) {
            for (byte[] frame : frames) {
                if (!channel.isOpen()) {
                    break;
                }
                ByteBuf buf = Unpooled.buffer(frame.length).writeBytes(frame);
                inputs.add(buf);
                channel.writeInbound(buf);
                channel.checkException();
                closedByDecoder |= !channel.isOpen();
            }
            return this;
        }

        Receiver sendByteByByte(byte[] bytes) {
            for (byte b : bytes) {
                send(new byte[] {b});
            }
            return this;
        }

        List<Frame> frames() {
            List<Frame> frames = new ArrayList<>();
            for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
                assertThat(msg).isNotInstanceOf(ReferenceCounted.class);
                frames.add((Frame) msg);
            }
            return frames;
        }

        void finish() {
            channel.finish();
            channel.checkException();
            assertThat(frames()).as("frames left unread").isEmpty();
            for (ByteBuf input : inputs) {
                assertThat(input.refCnt()).as("input buffer released").isZero();
            }
        }
    }
}
