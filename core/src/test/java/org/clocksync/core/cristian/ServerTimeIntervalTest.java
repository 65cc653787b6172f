package org.clocksync.core.cristian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerTimeIntervalTest {
    private static final long US = 1_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void aReadingAllowsWhatCristiansBoundAllowsPlusTheDriftOverTheRoundTrip() {
        CristianReading reading = new CristianReading("s", 0, 1_000 * US, 5 * S, 100 * US);
        ServerTimeInterval interval = ServerTimeInterval.of(reading, 1.0);

        // rtt 1 ms, min 100 us: [T + 100 us, T + 900 us], widened by the drift bound of 1 ppm per clock: 1 ns off the
        // minimum delay at each end, and 2.000002 ns (rounded up to 3) over the round trip.
        assertThat(interval.atNanos()).isEqualTo(1_000 * US);
        assertThat(interval.earliestNanos()).isEqualTo(5 * S + 100 * US - 1);
        assertThat(interval.latestNanos()).isEqualTo(5 * S + 900 * US + 3 + 1);
        assertThat(interval.midpointNanos()).isEqualTo(reading.estimateNanos() + 1);
        assertThat(interval.halfWidthNanos()).isEqualTo(reading.boundNanos() + 3);
    }

    @Test
    void agingMovesWithTheClientAndWidensByTheDriftBound() {
        ServerTimeInterval known = new ServerTimeInterval(0, 10 * S, 10 * S + 200 * US);

        ServerTimeInterval aged = known.agedTo(10 * S, 50.0);

        long widenNanos = ResyncPlanner.driftNanos(10 * S, 50.0); // ~1 ms
        assertThat(widenNanos).isEqualTo(1_000_051L);
        assertThat(aged).isEqualTo(new ServerTimeInterval(10 * S, 20 * S - widenNanos, 20 * S + 200 * US + widenNanos));
        assertThat(aged.halfWidthNanos()).isEqualTo(known.halfWidthNanos() + widenNanos);
    }

    @Test
    void intersectionKeepsWhatBothAllow() {
        ServerTimeInterval a = new ServerTimeInterval(7, 100, 300);

        assertThat(a.intersect(new ServerTimeInterval(7, 250, 400))).contains(new ServerTimeInterval(7, 250, 300));
        assertThat(a.intersect(new ServerTimeInterval(7, 301, 400))).isEmpty();
        assertThatThrownBy(() -> a.intersect(new ServerTimeInterval(8, 100, 300)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same client time");
        assertThatThrownBy(() -> new ServerTimeInterval(0, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty interval");
    }

    @Test
    void halfWidthRoundsUpSoTheMidpointPlusItCoversTheInterval() {
        ServerTimeInterval odd = new ServerTimeInterval(0, 0, 5);

        assertThat(odd.midpointNanos()).isEqualTo(2);
        assertThat(odd.halfWidthNanos()).isEqualTo(3);
        assertThat(odd.contains(5)).isTrue();
        assertThat(odd.contains(6)).isFalse();
    }
}
