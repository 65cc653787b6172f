package org.clocksync.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.clocksync.protocol.auth.ReplayWindow.WINDOW;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The sliding anti-replay bitmap, case by case and against a plain set of every number seen. */
class ReplayWindowTest {
    private static final long SEED = 0x5EC0_0001L;

    private final ReplayWindow window = new ReplayWindow();

    @Test
    void numbersInOrderAreAllTaken() {
        assertThat(window.highest()).isEqualTo(Long.MIN_VALUE);
        long first = 1_700_000_000_000_000_000L;
        for (long s = first; s < first + 5 * WINDOW; s++) {
            assertThat(window.accept(s)).as("sequence %d", s).isTrue();
        }
        assertThat(window.highest()).isEqualTo(first + 5 * WINDOW - 1);
    }

    @Test
    void aNumberIsTakenOnce() {
        assertThat(window.accept(5)).isTrue();
        assertThat(window.accept(5)).isFalse();
        assertThat(window.accept(6)).isTrue();
        assertThat(window.accept(5)).isFalse();
        assertThat(window.accept(6)).isFalse();
        assertThat(window.highest()).isEqualTo(6);
    }

    @Test
    void numbersOutOfOrderWithinTheWindowAreTakenOnce() {
        assertThat(window.accept(100)).isTrue();
        assertThat(window.accept(90)).isTrue();
        assertThat(window.accept(95)).isTrue();
        assertThat(window.accept(90)).isFalse();
        assertThat(window.accept(95)).isFalse();
        assertThat(window.accept(99)).isTrue();
        assertThat(window.accept(101)).isTrue();
        assertThat(window.accept(99)).isFalse();
        assertThat(window.highest()).isEqualTo(101);
    }

    @Test
    void aNumberOlderThanTheWindowIsRefusedEvenIfNeverSeen() {
        long highest = 1_000_000;
        assertThat(window.accept(highest)).isTrue();
        assertThat(window.accept(highest - WINDOW)).as("exactly WINDOW behind").isFalse();
        assertThat(window.accept(highest - WINDOW - 1)).isFalse();
        assertThat(window.accept(0)).isFalse();
        assertThat(window.accept(highest - WINDOW + 1)).as("the oldest number still inside").isTrue();
        assertThat(window.accept(highest - WINDOW + 1)).isFalse();
        assertThat(window.highest()).isEqualTo(highest);
    }

    @Test
    void aJumpOfWindowMinusOneKeepsTheOldNumberAndClearsTheRest() {
        // Fill every slot of the bitmap, so stale bits would show.
        for (long s = 0; s < WINDOW; s++) {
            assertThat(window.accept(s)).isTrue();
        }
        long seen = WINDOW - 1;
        long jump = seen + (WINDOW - 1);
        assertThat(window.accept(jump)).isTrue();
        assertThat(window.accept(seen)).as("still inside the window, seen before").isFalse();
        assertThat(window.accept(seen - 1)).as("now outside").isFalse();
        for (long s = seen + 1; s < jump; s++) {
            assertThat(window.accept(s)).as("sequence %d, whose slot held %d", s, s - WINDOW).isTrue();
        }
        assertThat(window.accept(jump)).isFalse();
    }

    @Test
    void aJumpOfExactlyTheWindowForgetsTheOldNumber() {
        for (long s = 0; s < WINDOW; s++) {
            window.accept(s);
        }
        long seen = WINDOW - 1;
        long jump = seen + WINDOW;
        assertThat(window.accept(jump)).isTrue();
        assertThat(window.accept(seen)).as("exactly WINDOW behind now").isFalse();
        for (long s = seen + 1; s < jump; s++) {
            assertThat(window.accept(s)).as("sequence %d", s).isTrue();
        }
    }

    @Test
    void aHugeJumpClearsEverything() {
        for (long s = 0; s < WINDOW; s++) {
            window.accept(s);
        }
        long jump = 1L << 62;
        assertThat(window.accept(jump)).isTrue();
        for (long s = jump - WINDOW + 1; s < jump; s++) {
            assertThat(window.accept(s)).as("sequence %d", s).isTrue();
        }
        assertThat(window.accept(WINDOW - 1)).isFalse();
    }

    @Test
    void negativeNumbersWorkLikeAnyOther() {
        assertThat(window.accept(-10)).isTrue();
        assertThat(window.accept(-20)).isTrue();
        assertThat(window.accept(-10)).isFalse();
        assertThat(window.accept(3)).isTrue();
        assertThat(window.accept(-20)).isFalse();
        assertThat(window.accept(-15)).isTrue();
    }

    @Test
    void agreesWithASetOfEverySeenNumberOver200000RandomOperations() {
        Random random = new Random(SEED);
        Reference reference = new Reference();
        List<Long> history = new ArrayList<>();
        long next = random.nextLong() >>> 2;
        int taken = 0;
        for (int op = 0; op < 200_000; op++) {
            long s;
            int kind = random.nextInt(100);
            if (kind < 40 || history.isEmpty()) {
                next += 1 + random.nextInt(3);
                s = next;
            } else if (kind < 55) {
                s = history.get(history.size() - 1 - random.nextInt(Math.min(history.size(), 50)));
            } else if (kind < 75) {
                s = reference.highest - random.nextInt(WINDOW + 2);
            } else if (kind < 85) {
                s = reference.highest + (random.nextBoolean() ? WINDOW - 1 + random.nextInt(3) : random.nextInt(WINDOW));
            } else if (kind < 90) {
                s = reference.highest - WINDOW + random.nextInt(2);
            } else if (kind < 92) {
                s = reference.highest + WINDOW * (2L + random.nextInt(5));
            } else {
                s = reference.highest - random.nextInt(200);
            }
            next = Math.max(next, s);
            boolean expected = reference.accept(s);
            boolean actual = window.accept(s);
            if (actual != expected) {
                throw new AssertionError("seed " + SEED + ", operation " + op + ": accept(" + s + ") returned " + actual
                        + ", the reference " + expected + " (highest " + reference.highest + ")");
            }
            assertThat(window.highest()).isEqualTo(reference.highest);
            if (expected) {
                history.add(s);
                taken++;
            }
        }
        assertThat(taken).as("a mix of taken and refused numbers").isBetween(100_000, 190_000);
    }

    /** The rule, written plainly: new if above the highest, or within WINDOW of it and never seen. */
    private static final class Reference {
        final TreeSet<Long> seen = new TreeSet<>();
        long highest = Long.MIN_VALUE;

        boolean accept(long s) {
            if (seen.isEmpty() || s > highest) {
                highest = s;
                seen.add(s);
                seen.headSet(highest - WINDOW, true).clear();
                return true;
            }
            if (highest - s >= WINDOW || seen.contains(s)) {
                return false;
            }
            seen.add(s);
            return true;
        }
    }

    /** Main-code bug: {@code sequence - highest} overflows for gaps above 2^63 and the clearing loop runs ~2^63 times. */
    @Test
    void aGapLargerThanALongDoesNotHang() {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertThat(window.accept(-3)).isTrue();
            assertThat(window.accept(Long.MAX_VALUE - 1)).isTrue();
            assertThat(window.accept(-3)).isFalse();
        });
    }

    /** Main-code bug: the window's highest number Long.MAX_VALUE stops the clearing loop (highest + 1 + shift wraps). */
    @Test
    void numbersBelowLongMaxValueAreClearedWhenItArrives() {
        assertThat(window.accept(Long.MAX_VALUE - WINDOW - 4)).isTrue();
        assertThat(window.accept(Long.MAX_VALUE - 5)).isTrue();
        assertThat(window.accept(Long.MAX_VALUE)).isTrue();
        assertThat(window.accept(Long.MAX_VALUE - 4)).as("never seen, 4 behind").isTrue();
    }

    /** Main-code bug: {@code highest - sequence} overflows for numbers more than 2^63 below, which then look recent. */
    @Test
    void aNumberMoreThan2To63BelowTheHighestIsRefused() {
        assertThat(window.accept(1_000_000)).isTrue();
        assertThat(window.accept(Long.MIN_VALUE + 1)).isFalse();
        assertThat(window.accept(-(1L << 62) * 2 + 5)).isFalse();
    }

    /** Main-code bug: Long.MIN_VALUE doubles as "nothing seen yet", so that number is taken again and again. */
    @Test
    void longMinValueIsTakenOnce() {
        assertThat(window.accept(Long.MIN_VALUE)).isTrue();
        assertThat(window.accept(Long.MIN_VALUE)).isFalse();
    }
}
