package org.clocksync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.clocksync.core.ntp.BidirectionalBound.Exchange;
import org.clocksync.core.ntp.BidirectionalBound.Result;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases (the first is the worked example of docs/time-service.md). Intervals are for B - A, in ms:
 * A->B exchange 0 (offset 10, delay 4) gives [8, 12], exchange 1 (10.6, 2) gives [9.6, 11.6]; B->A exchange 0
 * (offset -9, delay 6) gives [6, 12], exchange 1 (-11.2, 2) gives [10.2, 12.2].
 */
class BidirectionalBoundTest {
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private static final Exchange F0 = new Exchange(10 * MS, 4 * MS, 0);
    private static final Exchange F1 = new Exchange(10_600 * US, 2 * MS, 0);
    private static final Exchange B0 = new Exchange(-9 * MS, 6 * MS, 0);
    private static final Exchange B1 = new Exchange(-11_200 * US, 2 * MS, 0);

    /** Pairs: f0b0 [8, 12], f0b1 [10.2, 12], f1b0 [9.6, 11.6], f1b1 [10.2, 11.6]: the last is narrowest, 1.4 ms. */
    @Test
    void theNarrowestIntersectionWinsAndIsTighterThanAnySingleExchange() {
        Result r = BidirectionalBound.tightest(List.of(F0, F1), List.of(B0, B1), 0).orElseThrow();
        assertThat(r.paired()).isTrue();
        assertThat(r.forwardIndex()).isEqualTo(1);
        assertThat(r.backwardIndex()).isEqualTo(1);
        assertThat(r.lowNanos()).isEqualTo(10_200 * US);
        assertThat(r.highNanos()).isEqualTo(11_600 * US);
        assertThat(r.estimateNanos()).isEqualTo(10_900 * US);
        assertThat(r.boundNanos()).as("the best single exchange gives +-1 ms").isEqualTo(700 * US);
        assertThat(r.note()).isEqualTo("the intersection of A->B exchange 1 and B->A exchange 1");
    }

    /** B->A 1 is 10 s old: at 50 ppm it widens by 0.5 ms a side to [9.7, 12.7]; f1b1 is [9.7, 11.6], still best. */
    @Test
    void anOldExchangeIsWidenedByTheDriftBoundTimesItsAge() {
        Exchange oldB1 = new Exchange(B1.offsetNanos(), B1.delayNanos(), 10 * S);
        Result r = BidirectionalBound.tightest(List.of(F0, F1), List.of(B0, oldB1), 50).orElseThrow();
        assertThat(r.forwardIndex()).isEqualTo(1);
        assertThat(r.backwardIndex()).isEqualTo(1);
        assertThat(r.lowNanos()).isEqualTo(9_700 * US);
        assertThat(r.highNanos()).isEqualTo(11_600 * US);
        assertThat(r.estimateNanos()).isEqualTo(10_650 * US);
        assertThat(r.boundNanos()).isEqualTo(950 * US);
    }

    /** At 20 s old, B->A 1 is [9.2, 13.2]: f1b1 and f1b0 are both [9.6, 11.6]; the fresher pair (b0, age 0) wins. */
    @Test
    void aTieGoesToTheFresherPair() {
        Exchange olderB1 = new Exchange(B1.offsetNanos(), B1.delayNanos(), 20 * S);
        Result r = BidirectionalBound.tightest(List.of(F1), List.of(olderB1, B0), 50).orElseThrow();
        assertThat(r.widthNanos()).isEqualTo(2 * MS);
        assertThat(r.backwardIndex()).as("B0, listed second").isEqualTo(1);
    }

    /** A->B [9, 11] and B->A [12, 16] cannot both hold: the narrower single one is returned, and says so. */
    @Test
    void withoutAnOverlappingPairTheBestSingleExchangeIsUsedAndFlagged() {
        Result r = BidirectionalBound.tightest(List.of(new Exchange(10 * MS, 2 * MS, 0)),
                List.of(new Exchange(-14 * MS, 4 * MS, 0)), 0).orElseThrow();
        assertThat(r.paired()).isFalse();
        assertThat(r.forwardIndex()).isZero();
        assertThat(r.backwardIndex()).isEqualTo(-1);
        assertThat(r.estimateNanos()).isEqualTo(10 * MS);
        assertThat(r.boundNanos()).isEqualTo(MS);
        assertThat(r.note()).startsWith("no A->B and B->A pair overlaps").endsWith("the best single exchange, A->B 0");
    }

    @Test
    void oneDirectionAloneGivesItsBestExchange() {
        Result r = BidirectionalBound.tightest(List.of(), List.of(B0, B1), 0).orElseThrow();
        assertThat(r.paired()).isFalse();
        assertThat(r.backwardIndex()).isEqualTo(1);
        assertThat(r.lowNanos()).isEqualTo(10_200 * US);
        assertThat(r.highNanos()).isEqualTo(12_200 * US);
        assertThat(r.note()).startsWith("no A->B exchanges");
        assertThat(BidirectionalBound.tightest(List.of(), List.of(), 0)).isEmpty();
    }

    /** An odd delay rounds the half-delay up (never claim more than the exchange shows), the midpoint down. */
    @Test
    void roundingNeverNarrowsTheInterval() {
        Result r = BidirectionalBound.tightest(List.of(new Exchange(-1, 3, 0)), List.of(), 0).orElseThrow();
        assertThat(r.lowNanos()).isEqualTo(-3);
        assertThat(r.highNanos()).isEqualTo(1);
        assertThat(r.estimateNanos()).isEqualTo(-1);
        assertThat(r.boundNanos()).isEqualTo(2);
        // A->B [-3, 1] and B->A (offset 2, delay 4) [-4, 0] meet in [-3, 0]: the midpoint -1.5 rounds down to -2.
        Result odd = BidirectionalBound.tightest(List.of(new Exchange(-1, 4, 0)), List.of(new Exchange(2, 4, 0)), 0)
                .orElseThrow();
        assertThat(odd.lowNanos()).isEqualTo(-3);
        assertThat(odd.highNanos()).isZero();
        assertThat(odd.estimateNanos()).isEqualTo(-2);
        assertThat(odd.boundNanos()).as("covers the high end too").isEqualTo(2);
    }

    @Test
    void aSampleIsAgedToNow() {
        Exchange x = Exchange.of(new NtpSample(5 * MS, 200 * US, 100 * S), 103 * S);
        assertThat(x).isEqualTo(new Exchange(5 * MS, 200 * US, 3 * S));
    }

    @Test
    void inputIsBounded() {
        List<Exchange> tooMany = Collections.nCopies(BidirectionalBound.MAX_EXCHANGES + 1, F0);
        assertThatThrownBy(() -> BidirectionalBound.tightest(tooMany, List.of(), 0))
                .hasMessage("at most 64 exchanges per direction, got 65 A->B and 0 B->A; keep the latest");
        assertThatThrownBy(() -> BidirectionalBound.tightest(List.of(F0), List.of(B0), -1))
                .hasMessageStartingWith("drift bound must be in 0..");
        assertThatThrownBy(() -> new Exchange(0, -1, 0)).hasMessageStartingWith("delay must be in 0..");
        assertThatThrownBy(() -> new Exchange(0, 1, -1)).hasMessageStartingWith("age must be in 0..");
    }
}
