package org.clocksync.protocol.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NtpTimestampTest {
    private static final long NANOS = 1_000_000_000L;

    @Test
    void unixEpochIsNtpSeconds2208988800() {
        long ts = NtpTimestamp.fromUnixNanos(0);
        assertThat(ts).isEqualTo(0x83AA7E80_00000000L);
        assertThat(NtpTimestamp.seconds(ts)).isEqualTo(2_208_988_800L);
        assertThat(NtpTimestamp.fraction(ts)).isZero();
        assertThat(NtpTimestamp.toUnixNanos(ts)).isZero();
    }

    @Test
    void fractionIsBinary() {
        assertThat(NtpTimestamp.fraction(NtpTimestamp.fromUnixNanos(500_000_000L))).isEqualTo(0x8000_0000L);
        assertThat(NtpTimestamp.fraction(NtpTimestamp.fromUnixNanos(250_000_000L))).isEqualTo(0x4000_0000L);
        // 1 ns = 4.294967296 units of 2^-32 s, rounded to 4.
        assertThat(NtpTimestamp.fraction(NtpTimestamp.fromUnixNanos(1))).isEqualTo(4);
        // 999 999 999 ns = 4294967291.7 units, rounded to 4294967292; no carry into the seconds.
        long almost = NtpTimestamp.fromUnixNanos(NANOS - 1);
        assertThat(NtpTimestamp.fraction(almost)).isEqualTo(4_294_967_292L);
        assertThat(NtpTimestamp.seconds(almost)).isEqualTo(2_208_988_800L);
    }

    @Test
    void aKnownDate() {
        // 2026-01-01T00:00:00.25Z: 1767225600 Unix seconds.
        long unix = Instant.parse("2026-01-01T00:00:00.25Z").getEpochSecond() * NANOS + 250_000_000L;
        long ts = NtpTimestamp.fromUnixNanos(unix);
        assertThat(NtpTimestamp.seconds(ts)).isEqualTo(1_767_225_600L + 2_208_988_800L);
        assertThat(NtpTimestamp.fraction(ts)).isEqualTo(0x4000_0000L);
    }

    @Test
    void negativeUnixTimesBeforeNineteenSeventyWork() {
        long ts = NtpTimestamp.fromUnixNanos(-1);
        assertThat(NtpTimestamp.seconds(ts)).isEqualTo(2_208_988_799L);
        assertThat(NtpTimestamp.fraction(ts)).isEqualTo(4_294_967_292L);
        assertThat(NtpTimestamp.toUnixNanos(ts)).isEqualTo(-1);
    }

    @Test
    void everyNanosecondRoundTripsExactlyBecauseTwoToTheMinus32IsFiner() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long unix = random.nextLong(NtpTimestamp.MIN_UNIX_NANOS, NtpTimestamp.MAX_UNIX_NANOS + 1);
            assertThat(NtpTimestamp.toUnixNanos(NtpTimestamp.fromUnixNanos(unix))).isEqualTo(unix);
        }
        for (long ns = 0; ns < 20_000; ns++) {
            assertThat(NtpTimestamp.toUnixNanos(NtpTimestamp.fromUnixNanos(ns))).isEqualTo(ns);
        }
    }

    @Test
    void anyTimestampComesBackWithinTheNanosecondGrid() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long ts = random.nextLong();
            long unix = NtpTimestamp.toUnixNanos(ts);
            long back = NtpTimestamp.fromUnixNanos(unix);
            // The nanosecond grid is coarser than 2^-32 s: one nanosecond is 4.29 units.
            assertThat(Math.abs(back - ts)).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void era0EndsIn2036AndEra1IsReadAfterIt() {
        long wrapUnixSeconds = (1L << 32) - 2_208_988_800L; // 2036-02-07T06:28:16Z
        assertThat(Instant.ofEpochSecond(wrapUnixSeconds)).isEqualTo(Instant.parse("2036-02-07T06:28:16Z"));
        long ts = NtpTimestamp.fromUnixNanos(wrapUnixSeconds * NANOS);
        assertThat(NtpTimestamp.seconds(ts)).isZero();
        assertThat(NtpTimestamp.toUnixNanos(ts)).isEqualTo(wrapUnixSeconds * NANOS);
        long justBefore = NtpTimestamp.fromUnixNanos(wrapUnixSeconds * NANOS - 1);
        assertThat(NtpTimestamp.seconds(justBefore)).isEqualTo(0xFFFF_FFFFL);
        assertThat(NtpTimestamp.toUnixNanos(justBefore)).isEqualTo(wrapUnixSeconds * NANOS - 1);
    }

    @Test
    void refusesTimesOutsideTheRange() {
        assertThatThrownBy(() -> NtpTimestamp.fromUnixNanos(NtpTimestamp.MIN_UNIX_NANOS - 1))
                .hasMessageContaining("outside the NTP range");
        assertThatThrownBy(() -> NtpTimestamp.fromUnixNanos(NtpTimestamp.MAX_UNIX_NANOS + 1))
                .hasMessageContaining("outside the NTP range");
        assertThat(Instant.ofEpochSecond(NtpTimestamp.MIN_UNIX_NANOS / NANOS))
                .isEqualTo(Instant.parse("1968-01-20T03:14:08Z"));
        assertThat(Instant.ofEpochSecond(NtpTimestamp.MAX_UNIX_NANOS / NANOS + 1))
                .isEqualTo(Instant.parse("2104-02-26T09:42:24Z"));
    }
}
