package org.clocksync.node.runtime;

import java.time.Instant;

/** The operating system's UTC clock in nanoseconds since the Unix epoch; the daemons read it once per event. */
public final class HostClock {
    private HostClock() {
    }

    public static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
