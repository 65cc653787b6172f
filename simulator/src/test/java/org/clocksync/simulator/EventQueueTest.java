package org.clocksync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    private record Entry(long timeNanos, int addedAs) {
    }

    @Test
    void pollsByTimeAndEqualTimesInTheOrderTheyWereAdded() {
        EventQueue<Entry> queue = new EventQueue<>(100_000);
        List<Entry> added = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            // Few distinct times, so most events tie with others.
            Entry e = new Entry(rng.nextLong(50), i);
            added.add(e);
            assertThat(queue.offer(e.timeNanos(), e)).isTrue();
        }
        List<Entry> expected = new ArrayList<>(added);
        expected.sort(Comparator.comparingLong(Entry::timeNanos).thenComparingInt(Entry::addedAs));

        List<Entry> polled = new ArrayList<>();
        while (!queue.isEmpty()) {
            long next = queue.nextTimeNanos();
            Entry e = queue.poll();
            assertThat(e.timeNanos()).isEqualTo(next);
            polled.add(e);
        }
        assertThat(polled).containsExactlyElementsOf(expected);
    }

    @Test
    void interleavedOffersAndPollsKeepTheOrder() {
        EventQueue<Entry> queue = new EventQueue<>(10);
        queue.offer(5, new Entry(5, 0));
        queue.offer(3, new Entry(3, 1));
        assertThat(queue.poll().addedAs()).isEqualTo(1);
        queue.offer(5, new Entry(5, 2));
        queue.offer(4, new Entry(4, 3));
        assertThat(queue.poll().addedAs()).isEqualTo(3);
        assertThat(queue.poll().addedAs()).isEqualTo(0);
        assertThat(queue.poll().addedAs()).isEqualTo(2);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void refusesEventsBeyondItsLimit() {
        EventQueue<Entry> queue = new EventQueue<>(2);
        assertThat(queue.offer(1, new Entry(1, 0))).isTrue();
        assertThat(queue.offer(1, new Entry(1, 1))).isTrue();
        assertThat(queue.full()).isTrue();
        assertThat(queue.offer(0, new Entry(0, 2))).isFalse();
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.poll().addedAs()).isZero();
    }

    @Test
    void anEmptyQueueSaysSoInsteadOfReturningGarbage() {
        EventQueue<Entry> queue = new EventQueue<>(1);
        assertThatThrownBy(queue::poll).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(queue::nextTimeNanos).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new EventQueue<Entry>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
