package org.clocksync.core.cristian;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.clocksync.core.Durations;
import org.clocksync.core.clock.ClockLimits;

/**
 * Probabilistic remote clock reading (Cristian 1989; Alari and Ciuffoletti 1997): a reading counts only if the server's
 * time is known within epsilon, at most k attempts W apart, then the client admits it is unsynchronized, so it never
 * claims an accuracy it does not have however slow the network gets.
 *
 * <p>Sans-IO: {@link #start} opens a cycle and asks for the first request; {@link #onReply} takes an answer;
 * {@link #onTick} makes the next attempt once W has passed since the last (a request unanswered by then counts as
 * failed). All times are the client's clock in nanoseconds. A cycle ends with {@link ReaderOutput.Synchronized} or
 * {@link ReaderOutput.Unsynchronized}; when to start the next one is the caller's ({@link ResyncPlanner}).
 *
 * <p>{@link Rule#CRISTIAN} judges each reply alone; {@link Rule#ALARI_CIUFFOLETTI} keeps what it knows of the server's
 * clock across replies and cycles, aged by the drift bound, and intersects each new reading with it.
 */
public final class ProbabilisticReader {
    /** How replies are judged. */
    public enum Rule {
        /** Each reply alone: its bound rtt/2 - minDelay (plus the drift over the round trip) must be under epsilon. */
        CRISTIAN,
        /**
         * Each reply's interval of possible server times is intersected with the previous knowledge, widened by the
         * drift bound times the time since; a reading that does not narrow it is discarded; success when the
         * intersection's half-width is under epsilon.
         */
        ALARI_CIUFFOLETTI
    }

    /**
     * @param epsilonNanos        a reading counts if the server's time is known within this
     * @param maxAttempts         k: attempts per cycle before the client reports itself unsynchronized
     * @param attemptSpacingNanos W: time from one attempt to the next; also how long a reply is waited for
     * @param minDelayNanos       the least one-way delay a message can have (0 if unknown)
     * @param maxDriftPpm         the drift bound of each clock, client and server, against real time
     */
    public record Params(long epsilonNanos, int maxAttempts, long attemptSpacingNanos, long minDelayNanos, double maxDriftPpm) {
        public static final long MAX_EPSILON_NANOS = ResyncPlanner.MAX_ACCURACY_NANOS;
        public static final int MAX_ATTEMPTS = 100;
        public static final long MIN_SPACING_NANOS = 1_000L;
        public static final long MAX_SPACING_NANOS = 3_600_000_000_000L;
        public static final long MAX_MIN_DELAY_NANOS = 60_000_000_000L;

        public Params {
            if (epsilonNanos <= 0 || epsilonNanos > MAX_EPSILON_NANOS) {
                throw new IllegalArgumentException("epsilon must be in 1.." + MAX_EPSILON_NANOS + " ns (an hour), got " + epsilonNanos);
            }
            if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
                throw new IllegalArgumentException("attempts per cycle must be in 1.." + MAX_ATTEMPTS + ", got " + maxAttempts);
            }
            if (attemptSpacingNanos < MIN_SPACING_NANOS || attemptSpacingNanos > MAX_SPACING_NANOS) {
                throw new IllegalArgumentException("attempt spacing must be in " + MIN_SPACING_NANOS + ".." + MAX_SPACING_NANOS
                        + " ns (1 us to an hour), got " + attemptSpacingNanos);
            }
            if (minDelayNanos < 0 || minDelayNanos > MAX_MIN_DELAY_NANOS) {
                throw new IllegalArgumentException("minimum one-way delay must be in 0.." + MAX_MIN_DELAY_NANOS
                        + " ns (a minute), got " + minDelayNanos);
            }
            if (2 * minDelayNanos >= attemptSpacingNanos) {
                throw new IllegalArgumentException("attempt spacing " + Durations.format(attemptSpacingNanos)
                        + " is not over two minimum delays (" + Durations.format(2 * minDelayNanos)
                        + "): no reply could arrive before the next attempt");
            }
            if (!(maxDriftPpm > 0 && maxDriftPpm <= ClockLimits.MAX_DRIFT_PPM)) {
                throw new IllegalArgumentException("maximum drift must be in (0, " + ClockLimits.MAX_DRIFT_PPM + "] ppm, got "
                        + maxDriftPpm);
            }
        }
    }

    /** Server times beyond this are garbage, and keeping them away from Long.MAX_VALUE keeps the interval sums exact. */
    public static final long MAX_SERVER_NANOS = 1L << 62;

    private final String server;
    private final Rule rule;
    private final Params params;

    /** What is known of the server's clock (Alari-Ciuffoletti only); null until the first usable reading. */
    private ServerTimeInterval knowledge;
    private boolean inCycle;
    private int attempt;
    private long attemptSentNanos;
    private boolean awaitingReply;
    private long bestBoundInCycleNanos;
    private int unansweredInCycle;

    private long boundAfterLastReplyNanos = -1;

    private long staleReplies;
    private long discardedReadings;
    private long contradictions;

    public ProbabilisticReader(String server, Rule rule, Params params) {
        this.server = Objects.requireNonNull(server, "server");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.params = Objects.requireNonNull(params, "params");
    }

    /**
     * Opens a reading cycle and asks for its first request.
     *
     * @throws IllegalStateException if a cycle is already open (wait for its Synchronized or Unsynchronized)
     */
    public List<ReaderOutput> start(long nowNanos) {
        if (inCycle) {
            throw new IllegalStateException("a reading cycle is already open (attempt " + attempt + " of "
                    + params.maxAttempts() + "); start the next one after it reports Synchronized or Unsynchronized");
        }
        inCycle = true;
        attempt = 0;
        bestBoundInCycleNanos = Long.MAX_VALUE;
        unansweredInCycle = 0;
        return List.of(sendAttempt(nowNanos));
    }

    /**
     * A reply to the request sent at {@code sentNanos} arrived at {@code receivedNanos}, carrying the server's clock
     * {@code serverNanos}. A reply to anything but the outstanding request is ignored (counted in {@link #staleReplies}).
     */
    public List<ReaderOutput> onReply(long sentNanos, long receivedNanos, long serverNanos) {
        if (!inCycle || !awaitingReply || sentNanos != attemptSentNanos) {
            staleReplies++;
            return List.of();
        }
        awaitingReply = false;
        boundAfterLastReplyNanos = -1;
        long rttNanos = receivedNanos - sentNanos;
        if (rttNanos < 0 || rttNanos < 2 * params.minDelayNanos()) {
            return failed(receivedNanos, discard(rttNanos, "round trip " + Durations.format(rttNanos)
                    + " is under two minimum delays (" + Durations.format(2 * params.minDelayNanos())
                    + "): the minimum delay is set too high or the client's clock jumped"));
        }
        if (Math.abs(serverNanos) > MAX_SERVER_NANOS) {
            return failed(receivedNanos, discard(rttNanos, "server time " + serverNanos + " ns is beyond +-" + MAX_SERVER_NANOS
                    + " ns (year 2116): not a clock reading"));
        }
        CristianReading reading = new CristianReading(server, sentNanos, receivedNanos, serverNanos, params.minDelayNanos());
        ServerTimeInterval read = ServerTimeInterval.of(reading, params.maxDriftPpm());
        return rule == Rule.CRISTIAN ? judgeAlone(reading, read) : judgeWithKnowledge(reading, read);
    }

    /** Makes the next attempt, or ends the cycle, once the attempt spacing has passed since the last request. */
    public List<ReaderOutput> onTick(long nowNanos) {
        if (!inCycle || nowNanos - attemptSentNanos < params.attemptSpacingNanos()) {
            return List.of();
        }
        if (awaitingReply) {
            awaitingReply = false;
            unansweredInCycle++;
        }
        if (attempt < params.maxAttempts()) {
            return List.of(sendAttempt(nowNanos));
        }
        return List.of(unsynchronized(nowNanos));
    }

    private List<ReaderOutput> judgeAlone(CristianReading reading, ServerTimeInterval read) {
        long boundNanos = read.halfWidthNanos();
        boundAfterLastReplyNanos = boundNanos;
        if (boundNanos < params.epsilonNanos()) {
            return List.of(synchronize(reading, read));
        }
        bestBoundInCycleNanos = Math.min(bestBoundInCycleNanos, boundNanos);
        return failed(reading.receivedNanos(), discard(reading.rttNanos(), "bound " + Durations.format(boundNanos)
                + " is not under epsilon " + Durations.format(params.epsilonNanos())));
    }

    /** Narrows the knowledge with the reading if it helps; a reading that narrowed it but not enough gets no output. */
    private List<ReaderOutput> judgeWithKnowledge(CristianReading reading, ServerTimeInterval read) {
        ReaderOutput discarded = null;
        ServerTimeInterval known;
        if (knowledge == null) {
            knowledge = read;
            known = read;
        } else {
            ServerTimeInterval aged = knowledge.agedTo(reading.receivedNanos(), params.maxDriftPpm());
            ServerTimeInterval both = aged.intersect(read).orElse(null);
            if (both == null) {
                // The two cannot both be right, so an assumption (minimum delay, drift bound) failed; the newest
                // evidence wins, since the old interval depends on the drift bound holding for longer.
                contradictions++;
                knowledge = read;
                known = read;
            } else if (both.widthNanos() < aged.widthNanos()) {
                knowledge = both;
                known = both;
            } else {
                known = aged;
                discarded = discard(reading.rttNanos(), "does not narrow what is known (+-"
                        + Durations.format(aged.halfWidthNanos()) + "; this reading +-" + Durations.format(read.halfWidthNanos()) + ")");
            }
        }
        boundAfterLastReplyNanos = known.halfWidthNanos();
        if (known.halfWidthNanos() < params.epsilonNanos()) {
            ReaderOutput done = synchronize(reading, known);
            return discarded == null ? List.of(done) : List.of(discarded, done);
        }
        bestBoundInCycleNanos = Math.min(bestBoundInCycleNanos, known.halfWidthNanos());
        return failed(reading.receivedNanos(), discarded);
    }

    private ReaderOutput.SendRequest sendAttempt(long nowNanos) {
        attempt++;
        attemptSentNanos = nowNanos;
        awaitingReply = true;
        return new ReaderOutput.SendRequest(attempt, nowNanos);
    }

    private ReaderOutput.Synchronized synchronize(CristianReading reading, ServerTimeInterval known) {
        inCycle = false;
        return new ReaderOutput.Synchronized(rule, reading, known.atNanos(), known.midpointNanos(), known.halfWidthNanos(), attempt);
    }

    private ReaderOutput.ReadingDiscarded discard(long rttNanos, String reason) {
        discardedReadings++;
        return new ReaderOutput.ReadingDiscarded(attempt, rttNanos, reason);
    }

    /** After a reply that did not synchronize: the last attempt ends the cycle at once, else the next waits for its tick. */
    private List<ReaderOutput> failed(long nowNanos, ReaderOutput discardedOrNull) {
        List<ReaderOutput> outputs = new ArrayList<>(2);
        if (discardedOrNull != null) {
            outputs.add(discardedOrNull);
        }
        if (attempt >= params.maxAttempts()) {
            outputs.add(unsynchronized(nowNanos));
        }
        return outputs;
    }

    private ReaderOutput.Unsynchronized unsynchronized(long nowNanos) {
        inCycle = false;
        String best = bestBoundInCycleNanos == Long.MAX_VALUE ? "no usable reply"
                : "best bound " + Durations.format(bestBoundInCycleNanos);
        return new ReaderOutput.Unsynchronized(attempt, nowNanos, "no reading within epsilon " + Durations.format(params.epsilonNanos())
                + " in " + attempt + " attempts (" + best + ", " + unansweredInCycle + " unanswered)");
    }

    public Rule rule() {
        return rule;
    }

    public Params params() {
        return params;
    }

    /** Whether a cycle is open (between {@link #start} and its Synchronized or Unsynchronized). */
    public boolean inCycle() {
        return inCycle;
    }

    /** What Alari-Ciuffoletti knows of the server's clock, as last narrowed (not aged); null under Cristian or before any reading. */
    public ServerTimeInterval knowledge() {
        return knowledge;
    }

    /**
     * How well the server's time was known right after the last reply that matched a request: that reading's own bound
     * under Cristian, the (possibly narrowed) knowledge's half-width under Alari-Ciuffoletti; -1 if the reply was unusable.
     */
    public long boundAfterLastReplyNanos() {
        return boundAfterLastReplyNanos;
    }

    /** Replies that matched no outstanding request: late, duplicated or replayed. */
    public long staleReplies() {
        return staleReplies;
    }

    /** Replies that did not count: too wide, no improvement (Alari-Ciuffoletti), or an impossible round trip. */
    public long discardedReadings() {
        return discardedReadings;
    }

    /** Alari-Ciuffoletti readings whose interval missed what was known entirely: a sign the min delay or drift bound is wrong. */
    public long contradictions() {
        return contradictions;
    }
}
