package org.clocksync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void parsesEveryUnitWithSignAndFraction() {
        assertThat(Durations.parseNanos("2.5s")).isEqualTo(2_500_000_000L);
        assertThat(Durations.parseNanos("-300ms")).isEqualTo(-300_000_000L);
        assertThat(Durations.parseNanos("150us")).isEqualTo(150_000L);
        assertThat(Durations.parseNanos("150µs")).isEqualTo(150_000L);
        assertThat(Durations.parseNanos("7ns")).isEqualTo(7L);
        assertThat(Durations.parseNanos("+2m")).isEqualTo(120_000_000_000L);
        assertThat(Durations.parseNanos(" 1h ")).isEqualTo(3_600_000_000_000L);
    }

    @Test
    void refusesTextWithoutAUnitOrTooLong() {
        assertThatThrownBy(() -> Durations.parseNanos("12")).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> Durations.parseNanos(null)).hasMessageContaining("required");
        assertThatThrownBy(() -> Durations.parseNanos("9999999999h")).hasMessageContaining("too long");
    }

    @Test
    void formatsLengthsExactlyAndOffsetsSigned() {
        assertThat(Durations.format(50_000_000L)).isEqualTo("50 ms");
        assertThat(Durations.format(1_500L)).isEqualTo("1.5 us");
        assertThat(Durations.signed(1_234_000L)).isEqualTo("+1.234 ms");
        assertThat(Durations.signed(-12_000L)).isEqualTo("-12.0 us");
        assertThat(Durations.signed(2_500_000_000L)).isEqualTo("+2.500000 s");
        assertThat(Durations.signed(-7L)).isEqualTo("-7 ns");
    }

    @Test
    void formatAndParseRoundTrip() {
        for (long nanos : new long[] {1L, 999L, 1_500L, 50_000_000L, 2_500_000_000L, -300_000_000L}) {
            assertThat(Durations.parseNanos(Durations.format(nanos).replace(" ", ""))).isEqualTo(nanos);
        }
    }
}
