package org.clocksync.core.berkeley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
    private final ReconnectBackoff backoff = ReconnectBackoff.defaults();

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        assertThat(backoff.delayMillis(0, 1.0)).isEqualTo(100);
        assertThat(backoff.delayMillis(1, 1.0)).isEqualTo(200);
        assertThat(backoff.delayMillis(5, 1.0)).isEqualTo(3_200);
        assertThat(backoff.delayMillis(6, 1.0)).isEqualTo(5_000);
        assertThat(backoff.delayMillis(63, 1.0)).isEqualTo(5_000);
        assertThat(backoff.delayMillis(Integer.MAX_VALUE, 1.0)).isEqualTo(5_000);
    }

    @Test
    void jittersBetweenHalfAndAllOfTheDelay() {
        assertThat(backoff.delayMillis(0, 0.0)).isEqualTo(50);
        assertThat(backoff.delayMillis(0, 0.5)).isEqualTo(75);
        assertThat(backoff.delayMillis(10, 0.0)).isEqualTo(2_500);
        assertThat(backoff.delayMillis(3, 0.25)).isEqualTo(500);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> backoff.delayMillis(-1, 0.5)).hasMessageContaining("attempt");
        assertThatThrownBy(() -> backoff.delayMillis(0, 1.5)).hasMessageContaining("random01");
        assertThatThrownBy(() -> backoff.delayMillis(0, Double.NaN)).hasMessageContaining("random01");
        assertThatThrownBy(() -> new ReconnectBackoff(0, 10)).hasMessageContaining("0 < initial <= max");
        assertThatThrownBy(() -> new ReconnectBackoff(100, 50)).hasMessageContaining("0 < initial <= max");
    }
}
