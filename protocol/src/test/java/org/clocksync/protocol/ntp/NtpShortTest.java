package org.clocksync.protocol.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NtpShortTest {
    @Test
    void wholeAndHalfSeconds() {
        assertThat(NtpShort.fromNanos(1_000_000_000L)).isEqualTo(0x0001_0000);
        assertThat(NtpShort.fromNanos(500_000_000L)).isEqualTo(0x0000_8000);
        assertThat(NtpShort.toNanos(0x0001_8000)).isEqualTo(1_500_000_000L);
    }

    @Test
    void roundsUpSoTheBoundIsNeverUnderstated() {
        // 1 ns is far below 2^-16 s (15.26 us) and still counts as one unit.
        assertThat(NtpShort.fromNanos(1)).isEqualTo(1);
        assertThat(NtpShort.toNanos(1)).isEqualTo(15_259);
        for (long ns = 0; ns < 3_000_000; ns += 997) {
            assertThat(NtpShort.toNanos(NtpShort.fromNanos(ns))).isBetween(ns, ns + 15_259);
        }
    }

    @Test
    void negativeIsZeroAndHugeSaturates() {
        assertThat(NtpShort.fromNanos(-5)).isZero();
        assertThat(NtpShort.fromNanos(0)).isZero();
        assertThat(NtpShort.fromNanos(Long.MAX_VALUE)).isEqualTo(NtpShort.MAX_RAW);
        assertThat(NtpShort.fromNanos(70_000_000_000_000L)).isEqualTo(NtpShort.MAX_RAW);
        assertThat(NtpShort.toNanos(NtpShort.MAX_RAW)).isEqualTo(NtpShort.MAX_NANOS).isBetween(65_535_999_000_000L,
                65_536_000_000_000L);
    }
}
