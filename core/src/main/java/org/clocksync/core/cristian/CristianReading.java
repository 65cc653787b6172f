package org.clocksync.core.cristian;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One Cristian reading of a server's clock: the client sent a request at {@code sentNanos} and got the server's time
 * {@code serverNanos} back at {@code receivedNanos}, both on its own clock. The server's time now is estimated as
 * {@code serverNanos + rtt/2}, wrong by at most {@code rtt/2 - minDelay} (Cristian 1989): the answer left the server
 * somewhere between minDelay after the request was sent and minDelay before the reply arrived.
 */
public record CristianReading(String server, long sentNanos, long receivedNanos, long serverNanos, long minDelayNanos) {
    public CristianReading {
        if (receivedNanos < sentNanos) {
            throw new IllegalArgumentException("the reply arrived before the request left: " + sentNanos + " > "
                    + receivedNanos);
        }
        if (minDelayNanos < 0 || 2 * minDelayNanos > receivedNanos - sentNanos) {
            throw new IllegalArgumentException("minimum one-way delay " + minDelayNanos + " ns is negative or more"
                    + " than half the round trip " + (receivedNanos - sentNanos) + " ns");
        }
    }

    public long rttNanos() {
        return receivedNanos - sentNanos;
    }

    /** The server's clock at {@code receivedNanos}, estimated. */
    public long estimateNanos() {
        return serverNanos + rttNanos() / 2;
    }

    /** Server minus client at the moment the reply arrived: add it to the client clock to read the server's. */
    public long offsetNanos() {
        return estimateNanos() - receivedNanos;
    }

    /** The estimate is within this of the server's true time: rtt/2 - minDelay. */
    public long boundNanos() {
        return rttNanos() / 2 - minDelayNanos;
    }

    /** The reading with the lowest round trip, hence the tightest bound (first on a tie). */
    public static Optional<CristianReading> best(List<CristianReading> readings) {
        return readings.stream().min(Comparator.comparingLong(CristianReading::rttNanos));
    }
}
