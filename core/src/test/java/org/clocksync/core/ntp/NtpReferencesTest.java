package org.clocksync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.clocksync.protocol.ntp.NtpPacket;
import org.junit.jupiter.api.Test;

class NtpReferencesTest {
    private static final long S = 1_000_000_000L;
    private static final int MASTER_IP = 0x7F00_0001;

    @Test
    void theMasterIsAStratumOneLocalClock() {
        NtpReference r = NtpReferences.master(1, 123 * S);
        assertThat(r.leapIndicator()).isZero();
        assertThat(r.stratum()).isEqualTo(1);
        assertThat(NtpPacket.referenceIdText(r.referenceId())).isEqualTo("LOCL");
        assertThat(r.referenceTimeNanos()).isEqualTo(123 * S);
        assertThat(r.rootDelayNanos()).isZero();
        assertThat(r.rootDispersionNanos()).isEqualTo(NtpReferences.PRECISION_NANOS);
        assertThat(r.synchronizedClock()).isTrue();
        assertThat(NtpReferences.master(3, 0).stratum()).isEqualTo(3);
    }

    @Test
    void aSlaveIsOneStratumFurtherWithTheMastersAddressAndRoundTrip() {
        NtpReference r = NtpReferences.slave(1, MASTER_IP, 100 * S, 0, 80_000);
        assertThat(r.stratum()).isEqualTo(2);
        assertThat(r.leapIndicator()).isZero();
        assertThat(NtpPacket.referenceIdText(r.referenceId())).isEqualTo("127.0.0.1");
        assertThat(r.referenceTimeNanos()).isEqualTo(100 * S);
        assertThat(r.rootDelayNanos()).isEqualTo(80_000);
        assertThat(r.rootDispersionNanos()).isEqualTo(NtpReferences.PRECISION_NANOS);
        assertThat(NtpReferences.slave(15, MASTER_IP, 0, 0, 0).stratum()).isEqualTo(15);
    }

    @Test
    void aSlavesDispersionGrowsFifteenPpmSinceItsLastCorrection() {
        // 10 s without a correction: 150 us more.
        assertThat(NtpReferences.slave(1, MASTER_IP, 0, 10 * S, 0).rootDispersionNanos())
                .isEqualTo(NtpReferences.PRECISION_NANOS + 150_000);
        // One day: 1.296 s.
        assertThat(NtpReferences.slave(1, MASTER_IP, 0, 86_400 * S, 0).rootDispersionNanos())
                .isEqualTo(NtpReferences.PRECISION_NANOS + 1_296_000_000L);
        // A negative age (the host clock stepped back) counts as none.
        assertThat(NtpReferences.slave(1, MASTER_IP, 0, -5 * S, 0).rootDispersionNanos())
                .isEqualTo(NtpReferences.PRECISION_NANOS);
    }

    @Test
    void aSlaveLeftAloneForTwelveDaysIsUnsynchronizedAgain() {
        assertThat(NtpReferences.slave(1, MASTER_IP, 0, 12 * 86_400 * S, 0).synchronizedClock()).isTrue();
        NtpReference lost = NtpReferences.slave(1, MASTER_IP, 0, 13 * 86_400 * S, 0);
        assertThat(lost.synchronizedClock()).isFalse();
        assertThat(NtpReferences.slave(1, MASTER_IP, 0, Long.MAX_VALUE, 0).synchronizedClock()).isFalse();
    }

    @Test
    void unsynchronizedIsLeapThreeStratumSixteen() {
        NtpReference r = NtpReferences.unsynchronized();
        assertThat(r.leapIndicator()).isEqualTo(NtpPacket.LEAP_UNSYNCHRONIZED);
        assertThat(r.stratum()).isEqualTo(NtpPacket.STRATUM_UNSYNCHRONIZED);
        assertThat(r.synchronizedClock()).isFalse();
    }

    @Test
    void refusesAStratumOutsideOneToFifteen() {
        assertThatThrownBy(() -> NtpReferences.master(0, 0)).hasMessageContaining("stratum");
        assertThatThrownBy(() -> NtpReferences.master(16, 0)).hasMessageContaining("stratum");
        assertThatThrownBy(() -> NtpReferences.slave(16, 0, 0, 0, 0)).hasMessageContaining("stratum");
    }
}
