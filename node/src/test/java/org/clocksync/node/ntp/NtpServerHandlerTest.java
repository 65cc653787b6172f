package org.clocksync.node.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import org.clocksync.core.ntp.NtpExchange;
import org.clocksync.core.ntp.NtpRateLimiter;
import org.clocksync.core.ntp.NtpReferences;
import org.clocksync.protocol.ntp.NtpCodec;
import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NtpServerHandlerTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 123);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40_000);
    private static final InetSocketAddress OTHER_CLIENT = new InetSocketAddress("127.0.0.2", 40_000);
    private static final long CLIENT_TRANSMIT = 0xDEAD_BEEF_0123_4567L;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NtpCounters counters = new NtpCounters(registry.counter("served"), registry.counter("limited"),
            registry.counter("malformed"), registry.counter("wrong_mode"));
    private final FixedTimeSource time = new FixedTimeSource();
    private EmbeddedChannel channel = channel(new NtpRateLimiter<>(0, 1, 16));

    private EmbeddedChannel channel(NtpRateLimiter<InetAddress> limiter) {
        return new EmbeddedChannel(new NtpServerHandler(time, limiter, counters));
    }

    @AfterEach
    void noBufferLeftBehind() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf request(int version, int poll) {
        ByteBuf buf = Unpooled.buffer(NtpPacket.LENGTH);
        NtpCodec.encode(NtpPacket.clientRequest(version, poll, CLIENT_TRANSMIT), buf);
        return buf;
    }

    private void send(ByteBuf content, InetSocketAddress from) {
        channel.writeInbound(new DatagramPacket(content, SERVER, from));
    }

    /** The next reply, decoded and released; null when there is none. */
    private NtpPacket reply(InetSocketAddress expectedRecipient) {
        DatagramPacket out = channel.readOutbound();
        if (out == null) {
            return null;
        }
        try {
            assertThat(out.recipient()).isEqualTo(expectedRecipient);
            assertThat(out.content().readableBytes()).isEqualTo(NtpPacket.LENGTH);
            return NtpCodec.decodeAnyMode(out.content());
        } finally {
            out.release();
        }
    }

    @Test
    void aClientRequestGetsAFullServerReply() {
        send(request(4, 6), CLIENT);
        NtpPacket reply = reply(CLIENT);
        assertThat(reply).isNotNull();
        assertThat(reply.mode()).isEqualTo(NtpPacket.MODE_SERVER);
        assertThat(reply.version()).isEqualTo(4);
        assertThat(reply.leapIndicator()).isZero();
        assertThat(reply.stratum()).isEqualTo(1);
        assertThat(reply.poll()).isEqualTo(6);
        assertThat(reply.precision()).isEqualTo(-20);
        assertThat(reply.referenceIdText()).isEqualTo("LOCL");
        assertThat(reply.originTimestamp()).isEqualTo(CLIENT_TRANSMIT);
        long receive = NtpTimestamp.toUnixNanos(reply.receiveTimestamp());
        long transmit = NtpTimestamp.toUnixNanos(reply.transmitTimestamp());
        // The first host read stamps arrival; the transmit time is read again after encoding.
        assertThat(receive).isEqualTo(FixedTimeSource.START_NANOS + 1_000 + FixedTimeSource.OFFSET_NANOS);
        assertThat(transmit).isGreaterThan(receive);
        assertThat(NtpTimestamp.toUnixNanos(reply.referenceTimestamp())).isLessThan(receive);
        assertThat(counters.servedCount()).isEqualTo(1);
    }

    @Test
    void aClientOnTheHostClockMeasuresTheServiceClockOffset() {
        long t1 = time.hostNanos();
        ByteBuf request = Unpooled.buffer(NtpPacket.LENGTH);
        NtpCodec.encode(NtpPacket.clientRequest(4, 0, NtpTimestamp.fromUnixNanos(t1)), request);
        send(request, CLIENT);
        NtpPacket reply = reply(CLIENT);
        NtpExchange x = NtpExchange.of(reply, time.hostNanos());
        assertThat(x.offsetNanos()).isEqualTo(FixedTimeSource.OFFSET_NANOS);
        assertThat(x.delayNanos()).isEqualTo(2_000);
    }

    @Test
    void versionThreeIsAnsweredAsVersionThree() {
        send(request(3, 4), CLIENT);
        assertThat(reply(CLIENT).version()).isEqualTo(3);
    }

    @Test
    void anUnsynchronizedNodeSaysSo() {
        time.reference = NtpReferences.unsynchronized();
        send(request(4, 6), CLIENT);
        NtpPacket reply = reply(CLIENT);
        assertThat(reply.leapIndicator()).isEqualTo(NtpPacket.LEAP_UNSYNCHRONIZED);
        assertThat(reply.stratum()).isEqualTo(NtpPacket.STRATUM_UNSYNCHRONIZED);
    }

    @Test
    void shortWrongModeAndRandomPacketsAreCountedDroppedAndTheServerStillAnswers() {
        send(Unpooled.wrappedBuffer(new byte[47]), CLIENT);
        ByteBuf serverMode = request(4, 6);
        serverMode.setByte(0, (4 << 3) | 4);
        send(serverMode, CLIENT);
        ByteBuf control = request(2, 0);
        control.setByte(0, (2 << 3) | 6); // ntpq
        send(control, CLIENT);
        ByteBuf badVersion = request(4, 6);
        badVersion.setByte(0, (7 << 3) | 3);
        send(badVersion, CLIENT);
        send(Unpooled.wrappedBuffer(new byte[2_000]), CLIENT);
        assertThat(reply(CLIENT)).isNull();
        assertThat(counters.malformedCount()).isEqualTo(3);
        assertThat(counters.wrongModeCount()).isEqualTo(2);

        SplittableRandom random = new SplittableRandom(3);
        long served = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[random.nextInt(0, 1100)];
            random.nextBytes(junk);
            send(Unpooled.wrappedBuffer(junk), CLIENT);
            NtpPacket r = reply(CLIENT);
            if (r != null) {
                served++;
                assertThat(r.mode()).isEqualTo(NtpPacket.MODE_SERVER);
            }
        }
        assertThat(counters.servedCount()).isEqualTo(served);
        assertThat(counters.servedCount() + counters.malformedCount() + counters.wrongModeCount())
                .isEqualTo(5_000 + 5);
        assertThat(channel.isOpen()).isTrue();
        send(request(4, 6), CLIENT);
        assertThat(reply(CLIENT)).isNotNull();
    }

    @Test
    void aFloodingClientIsLimitedAndOthersAreNot() {
        channel.finishAndReleaseAll();
        channel = channel(new NtpRateLimiter<>(8_000_000_000L, 2, 16));
        for (int i = 0; i < 10; i++) {
            send(request(4, 6), CLIENT);
        }
        assertThat(reply(CLIENT)).isNotNull();
        assertThat(reply(CLIENT)).isNotNull();
        assertThat(reply(CLIENT)).isNull();
        assertThat(counters.rateLimitedCount()).isEqualTo(8);
        send(request(4, 6), OTHER_CLIENT);
        assertThat(reply(OTHER_CLIENT)).isNotNull();
        time.monotonicNanos += 8_000_000_000L;
        send(request(4, 6), CLIENT);
        assertThat(reply(CLIENT)).as("one interval later").isNotNull();
    }

    @Test
    void aFailureWhileAnsweringDropsThatPacketOnly() {
        time.failure = new IllegalStateException("clock exploded");
        send(request(4, 6), CLIENT);
        assertThat(reply(CLIENT)).isNull();
        assertThat(channel.isOpen()).isTrue();
        time.failure = null;
        send(request(4, 6), CLIENT);
        assertThat(reply(CLIENT)).isNotNull();
        channel.checkException();
    }
}
