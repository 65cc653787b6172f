package org.clocksync.clockctl;

import java.time.Instant;

/** This machine's UTC clock in nanoseconds since the Unix epoch: the T0 and T1 of a Cristian reading. */
final class ClientClock {
    private ClientClock() {
    }

    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
