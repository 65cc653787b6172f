package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Flag 0x02: a vector timestamp after the payload, round trips, split reads, and every malformed variant. */
class VectorFrameTest {
    private static final Frame EXAMPLE = ProtocolExamples.withVector().get(0);
    private static final byte[] HELLO = Wire.bytes(ProtocolExamples.all().get(0));
    /** BERKELEY_POLL's payload: requestId 8, roundId 12. */
    private static final byte[] POLL_PAYLOAD = Wire.payload(8L, 12L);

    @Test
    void theExampleHasTheDocumentedLayout() {
        assertThat(ProtocolExamples.hex(EXAMPLE)).isEqualTo("0000004f c10c 01 03 02 00000003 0000000000000002"
                + " 000000000000002a 0000000000000008 000000000000000c 0003 00000001 0000000000000004 00000003"
                + " 0000000000000009 00000005 0000000000000007");
        assertThat(Wire.bytes(EXAMPLE)).hasSize(FrameCodec.encodedLength(EXAMPLE)).hasSize(4 + 0x4f);
    }

    @Test
    void framesWithAndWithoutAVectorRoundTripThroughTheCodec() throws Exception {
        List<Frame> frames = new ArrayList<>();
        for (Frame f : ProtocolExamples.all()) {
            frames.add(new Frame(f.senderId(), f.epoch(), f.lamport(), f.message(),
                    VectorTimestamp.of(new int[] {f.senderId(), 9}, new long[] {f.lamport(), 1})));
        }
        frames.add(new Frame(3, 2, 42, new Message.CristianRequest(1), VectorTimestamp.empty()));
        frames.add(new Frame(3, 2, 42, new Message.CristianRequest(1), VectorTimestamp.of(
                new int[] {1, Integer.MAX_VALUE}, new long[] {0, Long.MAX_VALUE})));
        frames.add(EXAMPLE.withoutVector());
        for (Frame frame : frames) {
            ByteBuf buf = Unpooled.buffer();
            try {
                FrameCodec.encode(frame, buf);
                assertThat(buf.readableBytes()).isEqualTo(FrameCodec.encodedLength(frame));
                assertThat(buf.getUnsignedByte(8)).isEqualTo((short) (frame.hasVector() ? 0x02 : 0x00));
                buf.skipBytes(4);
                assertThat(FrameCodec.decodeBody(buf)).isEqualTo(frame);
                assertThat(buf.isReadable()).isFalse();
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void theLargestVectorFitsBesideASmallPayloadAndRoundTrips() throws Exception {
        Map<Integer, Long> entries = new TreeMap<>();
        for (int id = 1; id <= ProtocolLimits.MAX_VECTOR_ENTRIES; id++) {
            entries.put(id, (long) id * 1_000_000_007L);
        }
        Frame frame = new Frame(3, 2, 42, new Message.BerkeleyPoll(8, 12), VectorTimestamp.of(entries));
        byte[] bytes = Wire.bytes(frame);
        assertThat(bytes.length).isEqualTo(4 + 25 + 16 + 2 + 12 * ProtocolLimits.MAX_VECTOR_ENTRIES);
        DecoderHarness h = new DecoderHarness().write(bytes);
        assertThat(h.frames()).containsExactly(frame);
        h.finish();
    }

    @Test
    void aVectorThatMakesTheFrameTooLargeIsRefusedByTheEncoderWithoutWritingAnything() {
        Map<Integer, Long> entries = new TreeMap<>();
        for (int id = 1; id <= ProtocolLimits.MAX_VECTOR_ENTRIES; id++) {
            entries.put(id, 1L);
        }
        Frame frame = new Frame(3, 2, 42, ProtocolExamples.snapshotStateFilling(ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES),
                VectorTimestamp.of(entries));
        assertThat(FrameCodec.encodedLength(frame)).isGreaterThan(4 + ProtocolLimits.MAX_FRAME_BYTES);
        ByteBuf buf = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> FrameCodec.encode(frame, buf)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the limit is 16384");
            assertThat(buf.writerIndex()).isZero();
        } finally {
            buf.release();
        }
        assertThat(FrameCodec.encodedLength(frame.withoutVector())).isLessThanOrEqualTo(4 + ProtocolLimits.MAX_FRAME_BYTES);
    }

    @Test
    void theEncoderPipelineAndTheDecoderAgreeWholeAndByteByByte() {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
        encoder.writeOutbound(EXAMPLE, ProtocolExamples.all().get(0), EXAMPLE);
        List<byte[]> chunks = new ArrayList<>();
        for (Object buf = encoder.readOutbound(); buf != null; buf = encoder.readOutbound()) {
            ByteBuf bytes = (ByteBuf) buf;
            try {
                chunks.add(ByteBufUtil.getBytes(bytes));
            } finally {
                bytes.release();
            }
        }
        assertThat(encoder.finish()).isFalse();
        byte[] all = Wire.concat(chunks.toArray(byte[][]::new));
        List<Frame> expected = List.of(EXAMPLE, ProtocolExamples.all().get(0), EXAMPLE);

        DecoderHarness whole = new DecoderHarness().write(all);
        assertThat(whole.frames()).containsExactlyElementsOf(expected);
        whole.finish();
        DecoderHarness byteByByte = new DecoderHarness().writeByteByByte(all);
        assertThat(byteByByte.frames()).containsExactlyElementsOf(expected);
        byteByByte.finish();
        assertThat(whole.counters.total() + byteByByte.counters.total()).isZero();
        for (int split = 0; split <= all.length; split++) {
            DecoderHarness h = new DecoderHarness()
                    .write(Arrays.copyOfRange(all, 0, split), Arrays.copyOfRange(all, split, all.length));
            assertThat(h.frames()).as("split at %d", split).containsExactlyElementsOf(expected);
            h.finish();
        }
    }

    @Test
    void vectorTimestampsCannotBeBuiltBroken() {
        assertThatThrownBy(() -> VectorTimestamp.of(new int[] {3, 3}, new long[] {1, 1}))
                .hasMessageContaining("not strictly ascending: 3 after 3");
        assertThatThrownBy(() -> VectorTimestamp.of(new int[] {0}, new long[] {1})).hasMessageContaining("node ids are positive");
        assertThatThrownBy(() -> VectorTimestamp.of(new int[] {1}, new long[] {-1})).hasMessageContaining("is negative");
        assertThatThrownBy(() -> VectorTimestamp.of(new int[] {1}, new long[0])).hasMessageContaining("1 node ids but 0 counters");
        int[] ids = new int[ProtocolLimits.MAX_VECTOR_ENTRIES + 1];
        Arrays.setAll(ids, i -> i + 1);
        assertThatThrownBy(() -> VectorTimestamp.of(ids, new long[ids.length])).hasMessageContaining("1025 entries, the limit is 1024");
        VectorTimestamp v = VectorTimestamp.of(Map.of(5, 7L, 1, 4L));
        assertThat(v.nodeId(0)).isEqualTo(1);
        assertThat(v.counterOf(5)).isEqualTo(7);
        assertThat(v.counterOf(2)).isZero();
        assertThat(v).hasToString("{1=4, 5=7}").isEqualTo(VectorTimestamp.of(new int[] {1, 5}, new long[] {4, 7}));
    }

    /** A BERKELEY_POLL from node 3 with flags {@code flags} and {@code afterPayload} following its payload. */
    private static byte[] poll(int flags, byte[] afterPayload) {
        return Wire.frame(ProtocolLimits.MAGIC, ProtocolLimits.VERSION, MessageType.BERKELEY_POLL.code(), flags, 3, 2, 42,
                Wire.concat(POLL_PAYLOAD, afterPayload));
    }

    static Stream<Arguments> malformedVectors() {
        byte[] tooMany = Wire.payload((short) 1025);
        List<Object> descending = List.of((short) 2, 5, 1L, 3, 1L);
        return Stream.of(
                Arguments.of("flag without vector", poll(0x02, new byte[0]), RejectReason.BAD_PAYLOAD,
                        "flag 0x02 announces a vector timestamp after the payload, but the frame ends with the payload"),
                Arguments.of("half a count", poll(0x02, new byte[] {0}), RejectReason.BAD_PAYLOAD, "ends inside its count"),
                Arguments.of("count over the limit", poll(0x02, tooMany), RejectReason.BAD_PAYLOAD,
                        "vector timestamp has 1025 entries, the limit is 1024"),
                Arguments.of("entries past the end", poll(0x02, Wire.payload((short) 2, 1, 4L)), RejectReason.BAD_PAYLOAD,
                        "vector timestamp of 2 entries needs 24 bytes, 12 left in the frame"),
                Arguments.of("half an entry", poll(0x02, Wire.payload((short) 1, 1)), RejectReason.BAD_PAYLOAD,
                        "vector timestamp of 1 entries needs 12 bytes, 4 left"),
                Arguments.of("node id zero", poll(0x02, Wire.payload((short) 1, 0, 4L)), RejectReason.BAD_PAYLOAD,
                        "vector timestamp entry 0 names node 0, node ids are positive"),
                Arguments.of("negative node id", poll(0x02, Wire.payload((short) 2, 1, 4L, -7, 1L)), RejectReason.BAD_PAYLOAD,
                        "entry 1 names node -7"),
                Arguments.of("ids descending", poll(0x02, Wire.payload(descending.toArray())), RejectReason.BAD_PAYLOAD,
                        "not strictly ascending: 3 after 5"),
                Arguments.of("duplicate id", poll(0x02, Wire.payload((short) 2, 4, 1L, 4, 2L)), RejectReason.BAD_PAYLOAD,
                        "not strictly ascending: 4 after 4"),
                Arguments.of("negative counter", poll(0x02, Wire.payload((short) 1, 4, -1L)), RejectReason.BAD_PAYLOAD,
                        "counter -1 of node 4 is negative"),
                Arguments.of("trailing bytes after the vector", poll(0x02, Wire.payload((short) 1, 4, 1L, (short) 0)),
                        RejectReason.BAD_PAYLOAD, "2 trailing bytes after the vector timestamp"),
                Arguments.of("vector without the flag", poll(0x00, Wire.payload((short) 1, 4, 1L)), RejectReason.BAD_PAYLOAD,
                        "the payload has 14 trailing bytes"),
                Arguments.of("undefined bit with the vector", poll(0x06, Wire.payload((short) 1, 4, 1L)), RejectReason.BAD_HEADER,
                        "flag bits 0x04 not supported"),
                Arguments.of("bit 2", poll(0x04, new byte[0]), RejectReason.BAD_HEADER, "flag bits 0x04 not supported"),
                Arguments.of("every other bit", poll(0xFE, new byte[0]), RejectReason.BAD_HEADER, "flag bits 0xfc not supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedVectors")
    void aMalformedVectorIsRejectedOnceAndClosesTheChannel(String name, byte[] bad, RejectReason reason, String messagePart) {
        assertThatThrownBy(() -> FrameCodecTest.decode(bad)).isInstanceOfSatisfying(FrameRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason)).hasMessageContaining(messagePart);

        DecoderHarness h = new DecoderHarness().write(Wire.concat(HELLO, bad, HELLO));
        assertThat(h.frames()).containsExactly(ProtocolExamples.all().get(0));
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.counters.count(reason)).isEqualTo(1);
        h.finish();
        assertThat(h.counters.total()).isEqualTo(1);

        DecoderHarness slow = new DecoderHarness().writeByteByByte(Wire.concat(bad, HELLO));
        assertThat(slow.frames()).isEmpty();
        assertThat(slow.channel.isOpen()).isFalse();
        slow.finish();
        assertThat(slow.counters.snapshot()).containsEntry(reason, 1L);
        assertThat(slow.counters.total()).isEqualTo(1);
    }
}
