package org.clocksync.simulator;

/** An event with its virtual time and insertion sequence, ordered by both so equal times keep their scheduling order. */
record ScheduledEvent(long timeNanos, long sequence, SimEvent event) implements Comparable<ScheduledEvent> {
    @Override
    public int compareTo(ScheduledEvent other) {
        int byTime = Long.compare(timeNanos, other.timeNanos);
        return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
}
