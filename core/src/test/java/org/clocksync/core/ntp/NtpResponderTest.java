package org.clocksync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpShort;
import org.clocksync.protocol.ntp.NtpTimestamp;
import org.junit.jupiter.api.Test;

class NtpResponderTest {
    private static final long S = 1_000_000_000L;
    private static final long NOW = 1_767_225_600L * S;
    /** chrony puts a random number in its transmit timestamp; the server must copy it back bit for bit. */
    private static final long CLIENT_TRANSMIT = 0xDEAD_BEEF_0123_4567L;

    @Test
    void aMasterReplyCarriesEveryField() {
        NtpPacket request = NtpPacket.clientRequest(4, 6, CLIENT_TRANSMIT);
        NtpPacket reply = NtpResponder.reply(request, NtpReferences.master(1, NOW - 10 * S), NOW);
        assertThat(reply.mode()).isEqualTo(NtpPacket.MODE_SERVER);
        assertThat(reply.version()).isEqualTo(4);
        assertThat(reply.leapIndicator()).isZero();
        assertThat(reply.stratum()).isEqualTo(1);
        assertThat(reply.poll()).isEqualTo(6);
        assertThat(reply.precision()).isEqualTo(-20);
        assertThat(reply.rootDelayShort()).isZero();
        assertThat(NtpShort.toNanos(reply.rootDispersionShort())).isBetween(954L, 16_000L);
        assertThat(reply.referenceIdText()).isEqualTo("LOCL");
        assertThat(NtpTimestamp.toUnixNanos(reply.referenceTimestamp())).isEqualTo(NOW - 10 * S);
        assertThat(reply.originTimestamp()).isEqualTo(CLIENT_TRANSMIT);
        assertThat(NtpTimestamp.toUnixNanos(reply.receiveTimestamp())).isEqualTo(NOW);
        assertThat(reply.transmitTimestamp()).isEqualTo(reply.receiveTimestamp());
    }

    @Test
    void theVersionAndPollOfTheRequestAreEchoed() {
        NtpPacket reply = NtpResponder.reply(NtpPacket.clientRequest(3, -4, 1), NtpReferences.master(1, NOW), NOW);
        assertThat(reply.version()).isEqualTo(3);
        assertThat(reply.poll()).isEqualTo(-4);
    }

    @Test
    void aSlaveReplyCarriesItsMastersAddressAndRoundTrip() {
        NtpReference ref = NtpReferences.slave(1, 0x0A00_0005, NOW - 2 * S, 2 * S, 120_000);
        NtpPacket reply = NtpResponder.reply(NtpPacket.clientRequest(4, 6, 1), ref, NOW);
        assertThat(reply.stratum()).isEqualTo(2);
        assertThat(reply.referenceIdText()).isEqualTo("10.0.0.5");
        assertThat(NtpShort.toNanos(reply.rootDelayShort())).isBetween(120_000L, 120_000L + 15_259);
        assertThat(NtpShort.toNanos(reply.rootDispersionShort())).isBetween(30_954L, 30_954L + 15_259);
    }

    @Test
    void anUnsynchronizedReplySaysSoAndClaimsNoReference() {
        NtpPacket reply = NtpResponder.reply(NtpPacket.clientRequest(4, 6, 1), NtpReferences.unsynchronized(), NOW);
        assertThat(reply.leapIndicator()).isEqualTo(3);
        assertThat(reply.stratum()).isEqualTo(16);
        assertThat(reply.referenceId()).isZero();
        assertThat(reply.referenceTimestamp()).isZero();
        assertThat(reply.originTimestamp()).isEqualTo(1);
    }

    @Test
    void theReferenceTimeIsNeverAfterTheReceiveTime() {
        NtpPacket reply = NtpResponder.reply(NtpPacket.clientRequest(4, 6, 1), NtpReferences.master(1, NOW + S), NOW);
        assertThat(reply.referenceTimestamp()).isEqualTo(reply.receiveTimestamp());
    }

    @Test
    void onlyClientRequestsAreAnswered() {
        NtpPacket serverPacket = new NtpPacket(0, 4, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThatThrownBy(() -> NtpResponder.reply(serverPacket, NtpReferences.master(1, NOW), NOW))
                .hasMessageContaining("mode 4");
    }
}
