package org.clocksync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NtpRateLimiterTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aBurstIsAnsweredThenTheClientIsLimited() {
        NtpRateLimiter<String> limiter = new NtpRateLimiter<>(8 * S, 8, 16);
        long now = 1_000 * S;
        for (int i = 0; i < 8; i++) {
            assertThat(limiter.tryAcquire("a", now)).as("request %d of the burst", i + 1).isTrue();
        }
        assertThat(limiter.tryAcquire("a", now)).isFalse();
        assertThat(limiter.tryAcquire("a", now + S)).isFalse();
        assertThat(limiter.allowed()).isEqualTo(8);
        assertThat(limiter.refused()).isEqualTo(2);
        // Another client is not affected.
        assertThat(limiter.tryAcquire("b", now)).isTrue();
    }

    @Test
    void oneIntervalLaterOneMoreAndAfterAQuietSpellAFullBurst() {
        NtpRateLimiter<String> limiter = new NtpRateLimiter<>(8 * S, 8, 16);
        long now = 0;
        for (int i = 0; i < 8; i++) {
            limiter.tryAcquire("a", now);
        }
        assertThat(limiter.tryAcquire("a", now + 8 * S - 1)).isFalse();
        assertThat(limiter.tryAcquire("a", now + 8 * S)).isTrue();
        assertThat(limiter.tryAcquire("a", now + 8 * S)).isFalse();
        // Refused requests cost nothing: a client that keeps trying still gets one per interval.
        assertThat(limiter.tryAcquire("a", now + 16 * S)).isTrue();
        // Quiet for 8 intervals: the whole burst is back, and no more.
        long later = now + 16 * S + 8 * 8 * S;
        for (int i = 0; i < 8; i++) {
            assertThat(limiter.tryAcquire("a", later)).isTrue();
        }
        assertThat(limiter.tryAcquire("a", later)).isFalse();
    }

    @Test
    void aSteadyClientAtTheIntervalIsNeverLimited() {
        NtpRateLimiter<String> limiter = new NtpRateLimiter<>(2 * S, 1, 16);
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.tryAcquire("a", i * 2 * S)).isTrue();
        }
        assertThat(limiter.tryAcquire("a", 999 * 2 * S + S)).isFalse();
    }

    @Test
    void theTableIsBoundedAndForgetsTheLeastRecentlySeen() {
        NtpRateLimiter<Integer> limiter = new NtpRateLimiter<>(S, 1, 100);
        for (int client = 0; client < 10_000; client++) {
            assertThat(limiter.tryAcquire(client, 0)).isTrue();
        }
        assertThat(limiter.clients()).isEqualTo(100);
        assertThat(limiter.evicted()).isEqualTo(9_900);
        // The last hundred are remembered (and limited); the first was forgotten and starts afresh.
        assertThat(limiter.tryAcquire(9_999, 0)).isFalse();
        assertThat(limiter.tryAcquire(0, 0)).isTrue();
    }

    @Test
    void aFloodingClientStaysRememberedWhileItKeepsSending() {
        NtpRateLimiter<Integer> limiter = new NtpRateLimiter<>(S, 1, 3);
        limiter.tryAcquire(-1, 0);
        for (int client = 0; client < 100; client++) {
            limiter.tryAcquire(client, 0);
            assertThat(limiter.tryAcquire(-1, 0)).isFalse();
        }
    }

    @Test
    void zeroIntervalTurnsLimitingOff() {
        NtpRateLimiter<String> limiter = new NtpRateLimiter<>(0, 1, 1);
        assertThat(limiter.enabled()).isFalse();
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire("a" + i, 0)).isTrue();
        }
        assertThat(limiter.clients()).isZero();
    }

    @Test
    void monotonicTimesNearOverflowStillWork() {
        NtpRateLimiter<String> limiter = new NtpRateLimiter<>(S, 2, 4);
        long now = Long.MAX_VALUE - S / 2;
        assertThat(limiter.tryAcquire("a", now)).isTrue();
        assertThat(limiter.tryAcquire("a", now)).isTrue();
        assertThat(limiter.tryAcquire("a", now)).isFalse();
        assertThat(limiter.tryAcquire("a", now + S)).isTrue(); // wraps past Long.MAX_VALUE
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> new NtpRateLimiter<>(-1, 8, 16)).hasMessageContaining("interval");
        assertThatThrownBy(() -> new NtpRateLimiter<>(2 * 3_600 * S, 8, 16)).hasMessageContaining("interval");
        assertThatThrownBy(() -> new NtpRateLimiter<>(S, 0, 16)).hasMessageContaining("burst");
        assertThatThrownBy(() -> new NtpRateLimiter<>(S, 8, 0)).hasMessageContaining("maxClients");
        NtpRateLimiter<String> defaults = new NtpRateLimiter<>(NtpRateLimiter.DEFAULT_INTERVAL_NANOS,
                NtpRateLimiter.DEFAULT_BURST, NtpRateLimiter.DEFAULT_MAX_CLIENTS);
        assertThat(defaults.intervalNanos()).isEqualTo(8 * S);
        assertThat(defaults.burst()).isEqualTo(8);
    }
}
