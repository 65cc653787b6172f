package org.clocksync.protocol.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NtpCodecTest {
    /** A client request as chrony sends one: version 4, mode 3, poll 6, all zero but its (random) transmit timestamp. */
    private static final String CLIENT_REQUEST_HEX = "23000600" + "00000000" + "00000000" + "00000000"
            + "0000000000000000" + "0000000000000000" + "0000000000000000" + "e9a1b2c3d4e5f607";

    private static final NtpPacket SERVER_REPLY = new NtpPacket(0, 4, NtpPacket.MODE_SERVER, 2, 6, -20, 0x0000_0123,
            0x0000_0456, 0x7F00_0001, 0xE9A1_B2C0_0000_0000L, 0xE9A1_B2C3_D4E5_F607L, 0xE9A1_B2C4_0000_0001L,
            0xE9A1_B2C4_0000_8000L);

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    private static NtpDecoded decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            int before = buf.readerIndex();
            NtpDecoded d = NtpCodec.decode(buf);
            assertThat(buf.readerIndex()).as("decode does not consume").isEqualTo(before);
            return d;
        } finally {
            buf.release();
        }
    }

    private static byte[] request(Consumer<byte[]> edit, int length) {
        byte[] b = new byte[length];
        byte[] base = ByteBufUtil.decodeHexDump(CLIENT_REQUEST_HEX);
        System.arraycopy(base, 0, b, 0, Math.min(length, base.length));
        edit.accept(b);
        return b;
    }

    @Test
    void decodesAClientRequest() {
        ByteBuf buf = hex(CLIENT_REQUEST_HEX);
        try {
            NtpDecoded d = NtpCodec.decode(buf);
            assertThat(d.isPacket()).isTrue();
            NtpPacket p = d.packet();
            assertThat(p.leapIndicator()).isZero();
            assertThat(p.version()).isEqualTo(4);
            assertThat(p.mode()).isEqualTo(NtpPacket.MODE_CLIENT);
            assertThat(p.poll()).isEqualTo(6);
            assertThat(p.transmitTimestamp()).isEqualTo(0xE9A1_B2C3_D4E5_F607L);
            assertThat(d.length()).isEqualTo(48);
        } finally {
            buf.release();
        }
    }

    @Test
    void encodeThenReadIsTheSamePacketByteForByte() {
        ByteBuf buf = Unpooled.buffer();
        try {
            NtpCodec.encode(SERVER_REPLY, buf);
            assertThat(buf.readableBytes()).isEqualTo(NtpPacket.LENGTH);
            assertThat(ByteBufUtil.hexDump(buf)).isEqualTo("240206ec" + "00000123" + "00000456" + "7f000001"
                    + "e9a1b2c000000000" + "e9a1b2c3d4e5f607" + "e9a1b2c400000001" + "e9a1b2c400008000");
            assertThat(NtpCodec.decodeAnyMode(buf)).isEqualTo(SERVER_REPLY);
        } finally {
            buf.release();
        }
    }

    @Test
    void everyFieldSurvivesARoundTripIncludingSignedAndTopBits() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 2_000; i++) {
            NtpPacket p = new NtpPacket(random.nextInt(4), random.nextInt(8), random.nextInt(8), random.nextInt(256),
                    random.nextInt(-128, 128), random.nextInt(-128, 128), random.nextInt(), random.nextInt(),
                    random.nextInt(), random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
            ByteBuf buf = Unpooled.buffer(48);
            try {
                NtpCodec.encode(p, buf);
                assertThat(NtpCodec.decodeAnyMode(buf)).isEqualTo(p);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void clientRequestRoundTripsThroughTheServerDecoder() {
        NtpPacket request = NtpPacket.clientRequest(3, 4, 0x0123_4567_89AB_CDEFL);
        ByteBuf buf = Unpooled.buffer();
        try {
            NtpCodec.encode(request, buf);
            assertThat(NtpCodec.decode(buf).packet()).isEqualTo(request);
        } finally {
            buf.release();
        }
    }

    @Test
    void transmitTimestampIsPatchedInPlace() {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeZero(3); // a header need not start at index 0
            buf.readerIndex(3);
            NtpCodec.encode(SERVER_REPLY, buf);
            NtpCodec.setTransmitTimestamp(buf, 3, 42L);
            assertThat(NtpCodec.decodeAnyMode(buf)).isEqualTo(SERVER_REPLY.withTransmitTimestamp(42L));
        } finally {
            buf.release();
        }
    }

    @Test
    void shorterThan48BytesIsTooShort() {
        assertThat(decode(new byte[0]).reject()).isEqualTo(NtpRejectReason.TOO_SHORT);
        assertThat(decode(request(b -> { }, 47)).reject()).isEqualTo(NtpRejectReason.TOO_SHORT);
        assertThat(decode(request(b -> { }, 47)).length()).isEqualTo(47);
        assertThat(NtpCodec.decodeAnyMode(Unpooled.EMPTY_BUFFER)).isNull();
    }

    @Test
    void extensionFieldsUpToTheLimitAreIgnoredBeyondItRefused() {
        NtpDecoded withMac = decode(request(b -> { }, 48 + 20));
        assertThat(withMac.isPacket()).isTrue();
        assertThat(withMac.packet().transmitTimestamp()).isEqualTo(0xE9A1_B2C3_D4E5_F607L);
        assertThat(decode(request(b -> { }, NtpCodec.MAX_PACKET_BYTES)).isPacket()).isTrue();
        assertThat(decode(request(b -> { }, NtpCodec.MAX_PACKET_BYTES + 1)).reject())
                .isEqualTo(NtpRejectReason.TOO_LONG);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 6, 7})
    void versionsOutsideOneToFourAreRefused(int version) {
        NtpDecoded d = decode(request(b -> b[0] = (byte) ((version << 3) | 3), 48));
        assertThat(d.reject()).isEqualTo(NtpRejectReason.BAD_VERSION);
        assertThat(d.reject().metricResult()).isEqualTo("malformed");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void versionsOneToFourAreRead(int version) {
        NtpDecoded d = decode(request(b -> b[0] = (byte) ((version << 3) | 3), 48));
        assertThat(d.packet().version()).isEqualTo(version);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 4, 5, 6, 7})
    void everyModeButClientIsRefused(int mode) {
        NtpDecoded d = decode(request(b -> b[0] = (byte) ((4 << 3) | mode), 48));
        assertThat(d.reject()).isEqualTo(NtpRejectReason.WRONG_MODE);
        assertThat(d.reject().metricResult()).isEqualTo("wrong_mode");
        assertThat(d.reject().label()).isEqualTo("wrong_mode");
    }

    @Test
    void randomBytesNeverThrowAndAreReadOnlyWhenTheyLookLikeARequest() {
        SplittableRandom random = new SplittableRandom(11);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(0, 1200)];
            random.nextBytes(bytes);
            NtpDecoded d = decode(bytes);
            if (d.isPacket()) {
                accepted++;
                assertThat(bytes.length).isBetween(48, NtpCodec.MAX_PACKET_BYTES);
                assertThat(d.packet().mode()).isEqualTo(3);
                assertThat(d.packet().version()).isBetween(1, 4);
            }
        }
        // One in 16 first bytes has mode 3 and version 1..4 (4 of 64 combinations of those six bits).
        assertThat(accepted).isBetween(300, 1_500);
    }

    @Test
    void referenceIdsAsTextAndBack() {
        assertThat(NtpPacket.referenceIdOf("LOCL")).isEqualTo(0x4C4F_434C);
        assertThat(NtpPacket.referenceIdText(0x4C4F_434C)).isEqualTo("LOCL");
        assertThat(NtpPacket.referenceIdText(NtpPacket.referenceIdOf("GPS"))).isEqualTo("GPS");
        assertThat(NtpPacket.referenceIdText(0x7F00_0001)).isEqualTo("127.0.0.1");
        assertThat(NtpPacket.referenceIdText(0xC0A8_0105)).isEqualTo("192.168.1.5");
        assertThat(NtpPacket.referenceIdText(0)).isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> NtpPacket.referenceIdOf("TOOLONG")).hasMessageContaining("1 to 4");
    }

    @Test
    void theRecordRefusesOutOfRangeFields() {
        assertThatThrownBy(() -> new NtpPacket(4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .hasMessageContaining("leapIndicator");
        assertThatThrownBy(() -> new NtpPacket(0, 4, 3, 256, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .hasMessageContaining("stratum");
        assertThatThrownBy(() -> new NtpPacket(0, 4, 3, 0, 128, 0, 0, 0, 0, 0, 0, 0, 0))
                .hasMessageContaining("poll");
        assertThatThrownBy(() -> new NtpDecoded(null, null, 0)).hasMessageContaining("exactly one");
    }
}
