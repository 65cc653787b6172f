package org.clocksync.core.cristian;

import java.util.Objects;

/** What a {@link ProbabilisticReader} asks its caller to do or tells it, so the same reader runs under Netty and the simulator. */
public sealed interface ReaderOutput {
    /**
     * Send a Cristian request to the server now; {@code sentNanos} is the client time to pass back to
     * {@link ProbabilisticReader#onReply} with the answer (the caller maps its request id to it).
     */
    record SendRequest(int attempt, long sentNanos) implements ReaderOutput {
    }

    /**
     * The cycle succeeded (a rapport): at {@code atNanos} on the client's clock the server's clock read
     * {@code estimateNanos} within {@code boundNanos}, which is under epsilon; {@code reading} is the reply that got
     * there (under Alari-Ciuffoletti the estimate also uses earlier readings).
     */
    record Synchronized(ProbabilisticReader.Rule rule, CristianReading reading, long atNanos, long estimateNanos,
                        long boundNanos, int attempts) implements ReaderOutput {
        public Synchronized {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(reading, "reading");
        }

        /** Server minus client at {@code atNanos}: add it to the client's clock to read the server's. */
        public long offsetNanos() {
            return estimateNanos - atNanos;
        }
    }

    /** The cycle failed: no reading under epsilon in the allowed attempts, so the client must not claim the accuracy. */
    record Unsynchronized(int attempts, long atNanos, String reason) implements ReaderOutput {
        public Unsynchronized {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A reply that did not count, and why (bound too wide, no improvement, impossible round trip); for logs and metrics. */
    record ReadingDiscarded(int attempt, long rttNanos, String reason) implements ReaderOutput {
        public ReadingDiscarded {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
