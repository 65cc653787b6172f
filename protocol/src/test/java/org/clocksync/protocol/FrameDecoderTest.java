package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

class FrameDecoderTest {
    private static final List<Frame> EXAMPLES = ProtocolExamples.all();
    private static final byte[] HELLO = Wire.bytes(EXAMPLES.get(0));
    private static final byte[] ALL = Wire.concat(EXAMPLES.stream().map(Wire::bytes).toArray(byte[][]::new));

    @Test
    void everyExampleRoundTripsThroughEncoderAndDecoder() {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
        encoder.writeOutbound(EXAMPLES.toArray());
        DecoderHarness decoder = new DecoderHarness();
        for (Object buf = encoder.readOutbound(); buf != null; buf = encoder.readOutbound()) {
            ByteBuf bytes = (ByteBuf) buf;
            try {
                decoder.write(ByteBufUtil.getBytes(bytes));
            } finally {
                bytes.release();
            }
        }
        assertThat(encoder.finish()).isFalse();
        assertThat(decoder.frames()).containsExactlyElementsOf(EXAMPLES);
        decoder.finish();
        assertThat(decoder.counters.total()).isZero();
    }

    @Test
    void oneEncoderServesManyChannels() {
        FrameEncoder shared = new FrameEncoder();
        assertThat(shared.isSharable()).isTrue();
        EmbeddedChannel a = new EmbeddedChannel(shared);
        EmbeddedChannel b = new EmbeddedChannel(shared);
        assertThat(a.writeOutbound(EXAMPLES.get(1))).isTrue();
        assertThat(b.writeOutbound(EXAMPLES.get(2))).isTrue();
        assertThat(a.finishAndReleaseAll()).isTrue();
        assertThat(b.finishAndReleaseAll()).isTrue();
    }

    @Test
    void backToBackFramesInOneReadAllDecode() {
        DecoderHarness h = new DecoderHarness().write(ALL);
        assertThat(h.frames()).containsExactlyElementsOf(EXAMPLES);
        h.finish();
        assertThat(h.counters.total()).isZero();
    }

    @Test
    void byteByByteFeedingYieldsTheSameFrames() {
        DecoderHarness h = new DecoderHarness().writeByteByByte(ALL);
        assertThat(h.channel.isOpen()).isTrue();
        assertThat(h.frames()).containsExactlyElementsOf(EXAMPLES);
        h.finish();
        assertThat(h.counters.total()).isZero();
    }

    @Test
    void framesSplitAcrossReadsAtEveryOffsetDecode() {
        for (int split = 0; split <= ALL.length; split++) {
            DecoderHarness h = new DecoderHarness()
                    .write(Arrays.copyOfRange(ALL, 0, split), Arrays.copyOfRange(ALL, split, ALL.length));
            assertThat(h.frames()).as("split at %d", split).containsExactlyElementsOf(EXAMPLES);
            h.finish();
        }
    }

    @Test
    void examplesAreDistinctOnTheWire() {
        List<String> hex = new ArrayList<>();
        EXAMPLES.forEach(frame -> hex.add(ProtocolExamples.hex(frame)));
        assertThat(hex).doesNotHaveDuplicates();
    }

    static Stream<Arguments> malformedFrames() {
        byte[] helloPayload = Wire.payload(7L, (short) 6, "node-3".getBytes(StandardCharsets.US_ASCII));
        return Stream.of(
                Arguments.of("wrong magic", Wire.with(HELLO, 4, 0x47), RejectReason.BAD_MAGIC, "bad magic 0x470C, expected 0xC10C"),
                Arguments.of("magic as text", Wire.with(Wire.with(HELLO, 4, 'G'), 5, 'E'), RejectReason.BAD_MAGIC, "read as text \"GE\""),
                Arguments.of("wrong version", Wire.with(HELLO, 6, 2), RejectReason.BAD_VERSION, "protocol version 2, this node speaks version 1"),
                Arguments.of("version zero", Wire.with(HELLO, 6, 0), RejectReason.BAD_VERSION, "version 0"),
                Arguments.of("unknown type", Wire.with(HELLO, 7, 99), RejectReason.UNKNOWN_TYPE, "type code 99 is not assigned"),
                Arguments.of("type zero", Wire.with(HELLO, 7, 0), RejectReason.UNKNOWN_TYPE, "type code 0"),
                Arguments.of("undefined flag bit 2", Wire.with(HELLO, 8, 0x04), RejectReason.BAD_HEADER, "flag bits 0x04 not supported"),
                Arguments.of("signed frame without a key", Wire.with(HELLO, 8, 0x01), RejectReason.UNEXPECTED_TAG, "the frame is signed (flag 0x01) but this node has no --key-file"),
                Arguments.of("high flag", Wire.with(HELLO, 8, 0x80), RejectReason.BAD_HEADER, "flag bits 0x80 not supported"),
                Arguments.of("sender id 0", Wire.frame(0xC10C, 1, 1, 0, 0, 2, 42, helloPayload), RejectReason.BAD_HEADER, "sender id 0 is not a positive"),
                Arguments.of("negative sender", Wire.frame(0xC10C, 1, 1, 0, -3, 2, 42, helloPayload), RejectReason.BAD_HEADER, "sender id -3"),
                Arguments.of("negative epoch", Wire.frame(0xC10C, 1, 1, 0, 3, -2, 42, helloPayload), RejectReason.BAD_HEADER, "epoch -2 is negative"),
                Arguments.of("negative lamport", Wire.frame(0xC10C, 1, 1, 0, 3, 2, Long.MIN_VALUE, helloPayload), RejectReason.BAD_HEADER, "Lamport timestamp"),
                Arguments.of("length below header", Wire.concat(Wire.lengthPrefix(24), new byte[24]), RejectReason.BAD_HEADER, "length 24 is shorter than the 25-byte header"),
                Arguments.of("length zero", Wire.lengthPrefix(0), RejectReason.BAD_HEADER, "length 0"),
                Arguments.of("oversize by one", Wire.concat(Wire.lengthPrefix(16385), new byte[100]), RejectReason.OVERSIZE, "length 16385 exceeds the 16384-byte frame limit"),
                Arguments.of("2 GB prefix", Wire.lengthPrefix(0x7FFFFFFFL), RejectReason.OVERSIZE, "length 2147483647"),
                Arguments.of("4 GB prefix", Wire.lengthPrefix(0xFFFFFFFFL), RejectReason.OVERSIZE, "length 4294967295"),
                Arguments.of("http client", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), RejectReason.OVERSIZE, "read as text \"GET \""),
                Arguments.of("tls client", new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}, RejectReason.OVERSIZE, "TLS handshake"),
                Arguments.of("trailing bytes", Wire.frame(MessageType.HELLO, Wire.concat(helloPayload, new byte[] {0, 0})), RejectReason.BAD_PAYLOAD, "2 trailing bytes"),
                Arguments.of("payload too short", Wire.frame(MessageType.CRISTIAN_RESPONSE, Wire.payload(9L)), RejectReason.BAD_PAYLOAD, "clockNanos at payload offset 8 needs 8 bytes, 0 left"),
                Arguments.of("empty payload", Wire.frame(MessageType.HEARTBEAT, new byte[0]), RejectReason.BAD_PAYLOAD, "sequence"),
                Arguments.of("string past payload end", Wire.frame(MessageType.HELLO, Wire.payload(7L, (short) 16, "node-3".getBytes(StandardCharsets.US_ASCII))), RejectReason.BAD_PAYLOAD, "name at payload offset 10 needs 16 bytes, 6 left"),
                Arguments.of("invalid utf-8", Wire.frame(MessageType.HELLO, Wire.payload(7L, (short) 2, new byte[] {(byte) 0xFF, (byte) 0xFE})), RejectReason.BAD_PAYLOAD, "name is not valid UTF-8"),
                Arguments.of("overlong utf-8", Wire.frame(MessageType.HELLO, Wire.payload(7L, (short) 2, new byte[] {(byte) 0xC0, (byte) 0xAF})), RejectReason.BAD_PAYLOAD, "not valid UTF-8"),
                Arguments.of("utf-8 surrogate", Wire.frame(MessageType.SNAPSHOT_STATE, Wire.payload(7L, 1, 3, 0L, new byte[] {1}, (short) 3, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})), RejectReason.BAD_PAYLOAD, "refusal is not valid UTF-8"),
                Arguments.of("over-long name", Wire.frame(MessageType.HELLO, Wire.payload(7L, (short) 65, new byte[65])), RejectReason.BAD_PAYLOAD, "name is 65 bytes, the limit is 64"),
                Arguments.of("over-long error text", Wire.frame(MessageType.ERROR, Wire.payload(7L, (short) 1, (short) 257, new byte[257])), RejectReason.BAD_PAYLOAD, "text is 257 bytes, the limit is 256"),
                Arguments.of("unassigned error code", Wire.frame(MessageType.ERROR, Wire.payload(7L, (short) 0, (short) 0)), RejectReason.BAD_PAYLOAD, "error code 0"),
                Arguments.of("invalid suspect id", Wire.frame(MessageType.FAILURE_NOTICE, Wire.payload(0, 1L)), RejectReason.BAD_PAYLOAD, "suspectId must be a positive node id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void malformedInputIsRejectedOnceAndClosesTheChannel(String name, byte[] bad, RejectReason reason, String messagePart) {
        ListAppender<ILoggingEvent> log = captureDecoderLog();
        try {
            DecoderHarness h = new DecoderHarness().write(Wire.concat(HELLO, bad, HELLO));
            assertThat(h.frames()).as("only the frame before the bad one").containsExactly(EXAMPLES.get(0));
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.counters.count(reason)).isEqualTo(1);
            assertThat(h.counters.total()).isEqualTo(1);
            h.finish();
            assertThat(h.counters.total()).as("closing does not count again").isEqualTo(1);
            assertThat(log.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getFormattedMessage())
                        .contains("embedded", reason.metricLabel(), messagePart, reason.advice());
            });
        } finally {
            releaseDecoderLog(log);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void malformedInputFedByteByByteIsRejectedTheSameWay(String name, byte[] bad, RejectReason reason, String messagePart) {
        DecoderHarness h = new DecoderHarness().writeByteByByte(Wire.concat(bad, HELLO));
        assertThat(h.frames()).isEmpty();
        assertThat(h.channel.isOpen()).isFalse();
        h.finish();
        assertThat(h.counters.snapshot()).containsEntry(reason, 1L);
        assertThat(h.counters.total()).isEqualTo(1);
    }

    @Test
    void aTwoGigabytePrefixIsRejectedWithoutWaitingForData() {
        DecoderHarness h = new DecoderHarness().write(new byte[] {0x7F, (byte) 0xFF}, new byte[] {(byte) 0xFF, (byte) 0xFF});
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.counters.count(RejectReason.OVERSIZE)).isEqualTo(1);
        h.finish();
    }

    @Test
    void aBadMagicIsRejectedBeforeTheRestOfTheFrameArrives() {
        DecoderHarness h = new DecoderHarness().write(Arrays.copyOf(Wire.with(HELLO, 5, 0), 6));
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.counters.count(RejectReason.BAD_MAGIC)).isEqualTo(1);
        h.finish();
    }

    @Test
    void aSmallerConfiguredLimitRejectsLargerFrames() {
        byte[] ring = Wire.bytes(EXAMPLES.get(MessageType.RING_COORDINATOR.ordinal()));
        int limit = ring.length - 5;
        DecoderHarness h = new DecoderHarness(limit).write(HELLO, ring);
        assertThat(h.frames()).containsExactly(EXAMPLES.get(0));
        assertThat(h.counters.count(RejectReason.OVERSIZE)).isEqualTo(1);
        h.finish();
        assertThatThrownBy(() -> new FrameDecoder(24, new RejectionCounters())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameDecoder(16385, new RejectionCounters())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void halfAFrameThenCloseCountsTruncatedOnce() {
        DecoderHarness h = new DecoderHarness().write(HELLO, Arrays.copyOf(HELLO, HELLO.length / 2));
        assertThat(h.channel.isOpen()).isTrue();
        assertThat(h.frames()).containsExactly(EXAMPLES.get(0));
        assertThat(h.counters.total()).isZero();
        h.channel.close();
        assertThat(h.counters.count(RejectReason.TRUNCATED)).isEqualTo(1);
        h.finish();
        assertThat(h.counters.total()).isEqualTo(1);
    }

    @Test
    void aPartialLengthPrefixThenCloseCountsTruncated() {
        DecoderHarness h = new DecoderHarness().write(new byte[] {0, 0}).finish();
        assertThat(h.counters.snapshot()).containsEntry(RejectReason.TRUNCATED, 1L);
        assertThat(h.counters.total()).isEqualTo(1);
    }

    @Test
    void closingBetweenFramesCountsNothing() {
        DecoderHarness h = new DecoderHarness().write(HELLO).finish();
        assertThat(h.frames()).containsExactly(EXAMPLES.get(0));
        assertThat(h.counters.total()).isZero();
    }

    @Test
    void nothingIsDecodedOrCountedAfterARejectionEvenIfTheCloseIsSlow() {
        SwallowClose swallow = new SwallowClose();
        DecoderHarness h = new DecoderHarness(ProtocolLimits.MAX_FRAME_BYTES, swallow);
        h.write(Wire.with(HELLO, 6, 9));
        assertThat(swallow.closes).isEqualTo(1);
        h.write(HELLO, HELLO, Wire.with(HELLO, 4, 0), Arrays.copyOf(HELLO, 7));
        assertThat(h.frames()).isEmpty();
        assertThat(h.counters.total()).isEqualTo(1);
        assertThat(h.counters.count(RejectReason.BAD_VERSION)).isEqualTo(1);
        assertThat(swallow.closes).as("closes once").isEqualTo(1);
        h.channel.pipeline().remove(swallow);
        h.finish();
        assertThat(h.counters.total()).isEqualTo(1);
    }

    /** Stands in for a close that has not completed yet, so the channel keeps delivering reads to the decoder. */
    private static final class SwallowClose extends ChannelOutboundHandlerAdapter {
        int closes;

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            closes++;
        }
    }

    private static ListAppender<ILoggingEvent> captureDecoderLog() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(FrameDecoder.class)).addAppender(appender);
        return appender;
    }

    private static void releaseDecoderLog(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(FrameDecoder.class)).detachAppender(appender);
        appender.stop();
    }
}
