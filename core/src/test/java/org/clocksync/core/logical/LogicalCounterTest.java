package org.clocksync.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogicalCounterTest {
    /** Records every issued timestamp and counts those not above the one before. */
    private static final class Checker implements LogicalCounter.EventObserver {
        long last = -1;
        long events;
        long violations;

        @Override
        public void onEvent(long timestamp) {
            if (timestamp <= last) {
                violations++;
            }
            last = timestamp;
            events++;
        }
    }

    @Test
    void eventsCountUpByOne() {
        LogicalCounter c = new LogicalCounter(100);
        assertThat(c.event()).isEqualTo(1);
        assertThat(c.event()).isEqualTo(2);
        assertThat(c.step()).isTrue();
        assertThat(c.timestamp()).isEqualTo(2);
        assertThat(c.value()).isEqualTo(2);
    }

    @Test
    void positiveOffsetJumpsToLcPlusTPlusOne() {
        LogicalCounter c = new LogicalCounter(100);
        for (int i = 0; i < 10; i++) {
            c.event();
        }
        assertThat(c.applyOffset(5)).isEqualTo(16);
        assertThat(c.value()).isEqualTo(16);
        assertThat(c.hold()).isZero();
        assertThat(c.applyOffset(-1)).as("t = -1: LC + t + 1 = LC is not above, so +1 and a one-step hold")
                .isEqualTo(17);
        assertThat(c.value()).isEqualTo(16);
        assertThat(c.hold()).isEqualTo(1);
    }

    @Test
    void negativeOffsetHoldsTheClockUntilTheCorrectedValueCatchesUp() {
        LogicalCounter c = new LogicalCounter(1000);
        for (int i = 0; i < 100; i++) {
            c.event();
        }
        long ts = c.applyOffset(-31); // value 100 - 31 + 1 = 70, timestamp 101
        assertThat(ts).isEqualTo(101);
        assertThat(c.value()).isEqualTo(70);
        assertThat(c.hold()).isEqualTo(31);
        assertThat(c.holds()).isEqualTo(1);
        int held = 0;
        while (!c.step()) {
            held++;
            assertThat(c.timestamp()).as("no event while held").isEqualTo(101);
        }
        assertThat(held).isEqualTo(31);
        assertThat(c.value()).isEqualTo(101).isEqualTo(c.timestamp());
        assertThat(c.event()).isEqualTo(102);
        assertThat(c.heldSteps()).isEqualTo(31);
        assertThat(c.forgone()).isZero();
    }

    @Test
    void anOffsetDuringAHoldIsRelativeToTheCorrectedValue() {
        LogicalCounter c = new LogicalCounter(1000);
        for (int i = 0; i < 100; i++) {
            c.event();
        }
        c.applyOffset(-50); // value 51, ts 101, hold 50
        assertThat(c.step()).isFalse(); // value 52
        c.applyOffset(+10); // value 63, still below ts 101 + 1: ts 102, hold 39
        assertThat(c.timestamp()).isEqualTo(102);
        assertThat(c.value()).isEqualTo(63);
        assertThat(c.hold()).isEqualTo(39);
        c.applyOffset(+100); // value 164 > 102: jumps, hold over
        assertThat(c.timestamp()).isEqualTo(164);
        assertThat(c.hold()).isZero();
    }

    @Test
    void aHoldIsCappedAndTheRestForgone() {
        LogicalCounter c = new LogicalCounter(10);
        for (int i = 0; i < 1000; i++) {
            c.event();
        }
        c.applyOffset(-501); // wanted value 500, timestamp 1001: hold 501, capped at 10
        assertThat(c.hold()).isEqualTo(10);
        assertThat(c.forgone()).isEqualTo(491);
        assertThat(c.value()).isEqualTo(991);
    }

    @Test
    void hugeOffsetsSaturateInsteadOfOverflowing() {
        LogicalCounter c = new LogicalCounter(10);
        c.event();
        c.applyOffset(Long.MAX_VALUE);
        assertThat(c.timestamp()).isEqualTo(LogicalConfig.MAX_COUNTER);
        LogicalCounter d = new LogicalCounter(10);
        d.event();
        d.applyOffset(Long.MIN_VALUE);
        assertThat(d.timestamp()).isEqualTo(2);
        assertThat(d.value()).as("the corrected value stops at 0").isZero();
        assertThat(d.hold()).isEqualTo(2);
    }

    /** The monotonicity rule under fire: random steps, events and offsets down to -10^6, every timestamp checked. */
    @Test
    void timestampsStayStrictlyIncreasingUnderLargeNegativeOffsets() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            LogicalCounter c = new LogicalCounter(1 + random.nextInt(500));
            Checker checker = new Checker();
            c.setObserver(checker);
            long negatives = 0;
            for (int i = 0; i < 100_000; i++) {
                int what = random.nextInt(10);
                if (what < 6) {
                    if (c.step()) {
                        c.event();
                    }
                } else if (what < 9) {
                    long t = random.nextBoolean() ? -random.nextLong(1_000_000) : random.nextLong(-50, 50);
                    negatives += t < 0 ? 1 : 0;
                    long before = c.timestamp();
                    assertThat(c.applyOffset(t)).isGreaterThan(before);
                } else {
                    c.event();
                }
                assertThat(c.value()).isLessThanOrEqualTo(c.timestamp());
                assertThat(c.hold()).isBetween(0L, c.timestamp());
            }
            assertThat(negatives).isGreaterThan(10_000);
            assertThat(checker.violations).as("seed %d", seed).isZero();
            assertThat(c.violations()).isZero();
            assertThat(checker.events).isEqualTo(c.events());
        }
    }

    @Test
    void afterStepsReadsWhatSteppingWouldLeaveAndChangesNothing() {
        SplittableRandom random = new SplittableRandom(13);
        for (int trial = 0; trial < 200; trial++) {
            LogicalCounter c = new LogicalCounter(50);
            for (int i = random.nextInt(20); i > 0; i--) {
                c.event();
            }
            c.applyOffset(random.nextLong(-60, 60)); // a negative one may start a hold
            long steps = random.nextLong(0, 80);
            LogicalCounter.Reading read = c.afterSteps(steps);
            assertThat(c.afterSteps(steps)).as("reading twice").isEqualTo(read);
            for (long s = 0; s < steps; s++) {
                if (c.step()) {
                    c.event();
                }
            }
            assertThat(new LogicalCounter.Reading(c.timestamp(), c.value(), c.hold()))
                    .as("trial %d, %d steps", trial, steps).isEqualTo(read);
        }
    }
}
