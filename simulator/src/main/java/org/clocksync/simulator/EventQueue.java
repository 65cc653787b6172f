package org.clocksync.simulator;

import java.util.Arrays;

/**
 * The event queue of every simulation here: events ordered by virtual time, and events at the same time in the order
 * they were added (FIFO), so that a run replays exactly from its seed.
 *
 * <p>A binary min-heap with the keys (time, insertion sequence) kept in primitive arrays beside the events, so that
 * sifting never dereferences an event: it is the simulators' hottest structure (thousands of frames in flight).
 * Bounded: {@link #offer} refuses an event beyond the limit and the caller says what that means. Not thread-safe.
 *
 * @param <E> what happens at an instant; the queue never looks inside
 */
final class EventQueue<E> {
    private static final int INITIAL_CAPACITY = 1024;

    private final int maxSize;
    private long[] times = new long[INITIAL_CAPACITY];
    private long[] sequences = new long[INITIAL_CAPACITY];
    private Object[] events = new Object[INITIAL_CAPACITY];
    private int size;
    private long nextSequence;

    EventQueue(int maxSize) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("an event queue must hold at least one event, got " + maxSize);
        }
        this.maxSize = maxSize;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean full() {
        return size >= maxSize;
    }

    int maxSize() {
        return maxSize;
    }

    /** The time of the next event; only when not empty. */
    long nextTimeNanos() {
        if (size == 0) {
            throw new IllegalStateException("the event queue is empty");
        }
        return times[0];
    }

    /** Adds {@code event} at {@code timeNanos}, after every event already queued for that time; false when full. */
    boolean offer(long timeNanos, E event) {
        if (size >= maxSize) {
            return false;
        }
        if (size == events.length) {
            int capacity = (int) Math.min(maxSize, 2L * size);
            times = Arrays.copyOf(times, capacity);
            sequences = Arrays.copyOf(sequences, capacity);
            events = Arrays.copyOf(events, capacity);
        }
        long s = nextSequence++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (before(parent, timeNanos, s)) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        put(i, timeNanos, s, event);
        return true;
    }

    /** Removes and returns the next event (the earliest; the first added among equals); only when not empty. */
    @SuppressWarnings("unchecked")
    E poll() {
        if (size == 0) {
            throw new IllegalStateException("the event queue is empty");
        }
        E first = (E) events[0];
        int lastIndex = --size;
        long t = times[lastIndex];
        long s = sequences[lastIndex];
        Object last = events[lastIndex];
        events[lastIndex] = null;
        if (size > 0) {
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int right = child + 1;
                if (right < size && before(right, times[child], sequences[child])) {
                    child = right;
                }
                if (!before(child, t, s)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            put(i, t, s, last);
        }
        return first;
    }

    /** Whether the entry at {@code i} comes before (time, sequence). */
    private boolean before(int i, long timeNanos, long sequence) {
        return times[i] < timeNanos || (times[i] == timeNanos && sequences[i] < sequence);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        sequences[to] = sequences[from];
        events[to] = events[from];
    }

    private void put(int i, long timeNanos, long sequence, Object event) {
        times[i] = timeNanos;
        sequences[i] = sequence;
        events[i] = event;
    }
}
