package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FrameCodecTest {

    static Stream<Frame> examples() {
        return ProtocolExamples.all().stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleRoundTripsThroughTheCodec(Frame frame) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buf);
            assertThat(buf.readableBytes()).isEqualTo(FrameCodec.encodedLength(frame));
            assertThat(buf.readUnsignedInt()).isEqualTo(buf.readableBytes());
            assertThat(FrameCodec.decodeBody(buf)).isEqualTo(frame);
            assertThat(buf.isReadable()).as("body fully consumed").isFalse();
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void hexIsTheEncodedBytesGroupedByField(Frame frame) {
        byte[] bytes = Wire.bytes(frame);
        String hex = ProtocolExamples.hex(frame);
        assertThat(hex.replace(" ", "")).isEqualTo(ByteBufUtil.hexDump(bytes));
        assertThat(hex).matches("[0-9a-f]{8} c10c 01 [0-9a-f]{2} 00 [0-9a-f]{8} [0-9a-f]{16} [0-9a-f]{16}( [0-9a-f]+)+");
    }

    @Test
    void examplesCoverEveryMessageTypeOnceInCodeOrder() {
        assertThat(ProtocolExamples.all()).extracting(Frame::type).containsExactly(MessageType.values());
    }

    @Test
    void headerFieldsSitAtTheDocumentedOffsets() {
        Frame frame = new Frame(0x01020304, 0x0506, 0x0708, new Message.CristianRequest(0x090A));
        assertThat(ByteBufUtil.hexDump(Wire.bytes(frame))).isEqualTo(
                "00000021" + "c10c" + "01" + "06" + "00" + "01020304" + "0000000000000506" + "0000000000000708" + "000000000000090a");
    }

    @Test
    void encodeAppendsAfterExistingContent() throws Exception {
        Frame frame = ProtocolExamples.all().get(0);
        ByteBuf buf = Unpooled.buffer().writeByte(0x55);
        try {
            FrameCodec.encode(frame, buf);
            assertThat(buf.readByte()).isEqualTo((byte) 0x55);
            buf.skipBytes(4);
            assertThat(FrameCodec.decodeBody(buf)).isEqualTo(frame);
        } finally {
            buf.release();
        }
    }

    @Test
    void largestPayloadsRoundTrip() throws Exception {
        List<Integer> ids = IntStream.rangeClosed(1, ProtocolLimits.MAX_IDS).boxed().toList();
        Message.SnapshotState state = ProtocolExamples.snapshotStateFilling(ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES);
        String name = "é".repeat(ProtocolLimits.MAX_NAME_BYTES / 2);
        for (Message message : List.of(new Message.RingCoordinator(1, 2, ids), state,
                new Message.Hello(1, name), new Message.Hello(2, ""), new Message.RingElection(3, 4, List.of()),
                new Message.ErrorMessage(0, ErrorCode.INTERNAL, "\uD83D\uDD50 ".repeat(ProtocolLimits.MAX_ERROR_TEXT_BYTES / 5)))) {
            Frame frame = new Frame(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, message);
            assertThat(decode(Wire.bytes(frame))).isEqualTo(frame);
        }
    }

    @Test
    void extremeNumbersRoundTrip() throws Exception {
        Frame frame = new Frame(1, 0, 0, new Message.BerkeleyAdjust(Long.MIN_VALUE, -1, Long.MIN_VALUE));
        assertThat(decode(Wire.bytes(frame))).isEqualTo(frame);
    }

    @Test
    void bodyShorterThanTheHeaderIsBadHeader() {
        assertRejected(new byte[10], RejectReason.BAD_HEADER, "shorter than the 25-byte header");
    }

    @Test
    void bodyLongerThanTheFrameLimitIsOversize() {
        byte[] body = new byte[ProtocolLimits.MAX_FRAME_BYTES + 1];
        assertThatThrownBy(() -> FrameCodec.decodeBody(Unpooled.wrappedBuffer(body)))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.OVERSIZE));
    }

    @Test
    void payloadShorterThanItsTypeNeedsIsBadPayload() {
        byte[] frame = Wire.frame(MessageType.BERKELEY_REPLY, Wire.payload(8L, 12L, 5));
        assertRejected(body(frame), RejectReason.BAD_PAYLOAD, "clockNanos at payload offset 16 needs 8 bytes, 4 left");
    }

    @Test
    void unassignedErrorCodeIsBadPayload() {
        byte[] frame = Wire.frame(MessageType.ERROR, Wire.payload(1L, (short) 99, (short) 0));
        assertRejected(body(frame), RejectReason.BAD_PAYLOAD, "error code 99 is not assigned");
    }

    @Test
    void recordValidationFailureIsBadPayloadWithItsMessage() {
        byte[] frame = Wire.frame(MessageType.WELCOME, Wire.payload(1L, 5, -1L));
        assertRejected(body(frame), RejectReason.BAD_PAYLOAD, "roundIntervalMillis must not be negative");
        byte[] ring = Wire.frame(MessageType.RING_ELECTION, Wire.payload(1L, 3, (short) 2, 3, 0));
        assertRejected(body(ring), RejectReason.BAD_PAYLOAD, "candidateIds holds 0");
    }

    @Test
    void tooManyIdsIsBadPayload() {
        List<Object> fields = new ArrayList<>(List.of(1L, 3, (short) (ProtocolLimits.MAX_IDS + 1)));
        fields.addAll(Collections.nCopies(ProtocolLimits.MAX_IDS + 1, 7));
        byte[] frame = Wire.frame(MessageType.RING_ELECTION, Wire.payload(fields.toArray()));
        assertRejected(body(frame), RejectReason.BAD_PAYLOAD, "candidateIds has 1025 ids, the limit is 1024");
    }

    @Test
    void unpairedSurrogatesCannotBeBuilt() {
        assertThatThrownBy(() -> new Message.Hello(1, "a\uD800b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate at index 1");
    }

    @Test
    void rejectionNamesItsReasonAndMetricLabel() {
        FrameRejectedException e = new FrameRejectedException(RejectReason.BAD_MAGIC, "bad magic");
        assertThat(e.reason().metricLabel()).isEqualTo("bad_magic");
        assertThat(e).hasToString("FrameRejectedException[bad_magic]: bad magic");
        assertThat(e.getStackTrace()).isEmpty();
    }

    static Frame decode(byte[] frame) throws FrameRejectedException {
        return FrameCodec.decodeBody(Unpooled.wrappedBuffer(body(frame)));
    }

    static byte[] body(byte[] frame) {
        return java.util.Arrays.copyOfRange(frame, 4, frame.length);
    }

    static void assertRejected(byte[] body, RejectReason reason, String messagePart) {
        assertThatThrownBy(() -> FrameCodec.decodeBody(Unpooled.wrappedBuffer(body)))
                .isInstanceOfSatisfying(FrameRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
    }
}
