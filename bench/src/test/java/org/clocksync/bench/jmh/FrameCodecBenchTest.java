package org.clocksync.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.FrameRejectedException;
import org.clocksync.protocol.Message.SnapshotState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The benchmark's ops do what they claim (and release what they take) for every parameter pair; it never times anything. */
class FrameCodecBenchTest {
    @ParameterizedTest
    @CsvSource({"false, BERKELEY_REPLY", "true, BERKELEY_REPLY", "false, SNAPSHOT_STATE_4KiB", "true, SNAPSHOT_STATE_4KiB"})
    void everyOpHandlesItsFrameAndReleasesItsBuffers(boolean signed, String message) throws FrameRejectedException {
        FrameCodecBench bench = new FrameCodecBench();
        bench.signed = signed;
        bench.message = message;
        bench.setUp();
        int expectedBytes = FrameCodec.encodedLength(bench.frame, signed);
        // Past two wraps of the ring, so the decode's receiver reset is exercised too.
        for (int i = 0; i < 2 * FrameCodecBench.RING + 3; i++) {
            assertThat(bench.encode()).isEqualTo(expectedBytes);
            assertThat(bench.decode()).isEqualTo(bench.frame);
            assertThat(bench.roundTrip()).isEqualTo(bench.frame);
        }
        ByteBuf encoded = Unpooled.copiedBuffer(bench.encodeOut);
        try {
            assertThat(flagsByte(encoded) & FrameCodec.FLAG_AUTH).isEqualTo(signed ? FrameCodec.FLAG_AUTH : 0);
        } finally {
            encoded.release();
        }
        ByteBuf encodeOut = bench.encodeOut;
        ByteBuf ring = bench.ring;
        bench.tearDown();
        assertThat(encodeOut.refCnt()).isZero();
        assertThat(ring.refCnt()).isZero();
        assertThat(bench.channel.isOpen()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"4096"})
    void theLargeFrameCarriesExactlyFourKibibytesOfState(int bytes) {
        Frame frame = FrameCodecBench.frame(FrameCodecBench.LARGE);
        assertThat(SnapshotState.payloadBytes(((SnapshotState) frame.message()).recorded(), null)).isEqualTo(bytes);
    }

    private static int flagsByte(ByteBuf frame) {
        return frame.getUnsignedByte(4 + FrameCodec.FLAGS_AT);
    }
}
