package org.clocksync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PollSpacingTest {
    private static final long US = 1_000L;

    @Test
    void theSmallestGapBetweenPollsOfARoundIsTheRoundTrip() {
        PollSpacing s = new PollSpacing();
        assertThat(s.roundTripNanos()).isZero();
        s.onPoll(5, 1, 1_000 * US);
        assertThat(s.roundTripNanos()).isZero();
        s.onPoll(5, 1, 1_090 * US);
        s.onPoll(5, 1, 1_150 * US);
        s.onPoll(5, 1, 1_230 * US);
        assertThat(s.roundTripNanos()).isEqualTo(60 * US);
    }

    @Test
    void eachRoundReplacesTheLastOnceItHasAGap() {
        PollSpacing s = new PollSpacing();
        s.onPoll(5, 1, 0);
        s.onPoll(5, 1, 50 * US);
        s.onPoll(5, 2, 1_000_000 * US);
        assertThat(s.roundTripNanos()).as("the new round has no gap yet").isEqualTo(50 * US);
        s.onPoll(5, 2, 1_000_200 * US);
        assertThat(s.roundTripNanos()).isEqualTo(200 * US);
    }

    @Test
    void aGapAcrossRoundsCoordinatorsOrSecondsIsNotARoundTrip() {
        PollSpacing s = new PollSpacing();
        s.onPoll(5, 1, 0);
        s.onPoll(6, 1, 10 * US);
        s.onPoll(6, 1, 10 * US + PollSpacing.MAX_GAP_NANOS + 1);
        s.onPoll(6, 1, 10 * US + PollSpacing.MAX_GAP_NANOS + 1);
        assertThat(s.roundTripNanos()).isZero();
    }
}
