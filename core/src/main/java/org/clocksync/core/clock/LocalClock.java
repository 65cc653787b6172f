package org.clocksync.core.clock;

/** A node's view of UTC derived from the host's clock reading, so algorithms never read a clock themselves. */
public interface LocalClock {
    /** This clock's reading, in nanoseconds since the Unix epoch, when the host's UTC clock reads {@code hostNanos}. */
    long readNanos(long hostNanos);
}
