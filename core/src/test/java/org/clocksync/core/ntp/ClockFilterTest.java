package org.clocksync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClockFilterTest {
    private final ClockFilter filter = new ClockFilter();

    private static NtpSample sample(long offset, long delay, long time) {
        return new NtpSample(offset, delay, time);
    }

    @Test
    void theLeastDelayedSampleOfTheRegisterIsUsed() {
        assertThat(filter.best()).isEmpty();
        assertThat(filter.add(sample(100, 50, 1))).contains(sample(100, 50, 1));
        assertThat(filter.add(sample(300, 20, 2))).contains(sample(300, 20, 2));
        // A worse sample does not displace the best, and the best has been used already.
        assertThat(filter.add(sample(900, 90, 3))).isEmpty();
        assertThat(filter.best()).contains(sample(300, 20, 2));
        assertThat(filter.size()).isEqualTo(3);
    }

    @Test
    void theRegisterHoldsEightAndForgetsTheOldest() {
        filter.add(sample(1, 1, 1));
        for (int t = 2; t <= 8; t++) {
            filter.add(sample(t, 100 + t, t));
        }
        assertThat(filter.size()).isEqualTo(ClockFilter.STAGES);
        assertThat(filter.best()).contains(sample(1, 1, 1));
        // The ninth sample pushes the best one out; the least delayed of the rest (delay 102) is new to the user.
        assertThat(filter.add(sample(9, 200, 9))).contains(sample(2, 102, 2));
        assertThat(filter.size()).isEqualTo(ClockFilter.STAGES);
    }

    @Test
    void anOlderSampleThanTheLastUsedIsNotUsedAgain() {
        filter.add(sample(1, 10, 5));
        filter.add(sample(2, 20, 6));
        // Equal delay: the newer one wins, and it is newer than the last used.
        assertThat(filter.add(sample(3, 10, 7))).contains(sample(3, 10, 7));
        assertThat(filter.add(sample(4, 11, 8))).isEmpty();
    }

    @Test
    void clearForgetsEverything() {
        filter.add(sample(1, 10, 5));
        filter.clear();
        assertThat(filter.size()).isZero();
        assertThat(filter.best()).isEmpty();
        assertThat(filter.add(sample(2, 30, 1))).contains(sample(2, 30, 1));
        assertThatThrownBy(() -> filter.add(null)).hasMessageContaining("null");
    }
}
