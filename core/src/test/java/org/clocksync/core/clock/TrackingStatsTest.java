package org.clocksync.core.clock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrackingStatsTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void rmsOfTheLastSixteenCorrections() {
        TrackingStats t = new TrackingStats(S);
        assertThat(t.rmsOffsetNanos()).isZero();
        t.onCorrection(3_000, false, T0);
        t.onCorrection(-4_000, false, T0 + S);
        assertThat(t.rmsOffsetNanos()).isEqualTo(Math.round(Math.sqrt((9e6 + 16e6) / 2)));
        t.onCorrection(2_000_000_000L, true, T0 + 2 * S); // a first large step starts over
        assertThat(t.corrections()).isZero();
        assertThat(t.rmsOffsetNanos()).isZero();
        assertThat(t.lastCorrectionNanos()).isEqualTo(2_000_000_000L);
        t.onCorrection(1_000_000L, false, T0 + 3 * S);
        for (int i = 0; i < TrackingStats.WINDOW; i++) {
            t.onCorrection(i % 2 == 0 ? 100 : -100, false, T0 + (3 + i) * S);
        }
        assertThat(t.rmsOffsetNanos()).as("the first slew has left the window").isEqualTo(100);
        assertThat(t.corrections()).isEqualTo(TrackingStats.WINDOW);
        assertThat(t.lastCorrectionNanos()).isEqualTo(-100);
        assertThat(t.lastCorrectionAtNanos()).isEqualTo(T0 + (2 + TrackingStats.WINDOW) * S);
    }

    @Test
    void roundsFeedTheReachRegisterAndTheLastRoundTime() {
        TrackingStats t = new TrackingStats(S);
        assertThat(t.lastRoundAtNanos()).isZero();
        for (int i = 0; i < 10; i++) {
            t.onRound(T0 + i * S);
        }
        assertThat(t.lastRoundAtNanos()).isEqualTo(T0 + 9 * S);
        assertThat(t.reach(T0 + 9 * S)).isEqualTo(0377);
        t.expectRoundsEvery(10 * S);
        assertThat(t.reach(T0 + 13 * S)).as("a slower master: not overdue yet").isEqualTo(0377);
        assertThat(t.roundIntervalNanos()).isEqualTo(10 * S);
    }
}
