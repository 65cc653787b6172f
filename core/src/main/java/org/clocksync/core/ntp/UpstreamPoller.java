package org.clocksync.core.ntp;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Durations;
import org.clocksync.core.clock.ClockLimits;
import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpTimestamp;

/**
 * An NTP client of one upstream server as a sans-IO state machine, so that a node can take its reference from it: it
 * says when a request is due, builds it, checks each reply against the request outstanding and RFC 5905's sanity
 * tests, keeps the least-delayed of the last eight samples ({@link ClockFilter}) and asks for a clock correction each
 * time that filter selects a sample it has not used yet.
 *
 * <p>Two clocks are passed in. {@code hostNanos} (the host's clock, which corrections never move) schedules polls and
 * times samples, so neither jumps when this poller steps the node's clock. {@code t1Nanos}/{@code t4Nanos} (the
 * clock being disciplined) measure the exchange. One request is outstanding at a time and a reply must carry its
 * exact transmit timestamp as origin, so a late, duplicated, replayed or blind-spoofed reply matches nothing. Since
 * the filter only hands out samples newer than the last one used, and each correction is applied when its sample
 * arrives, a selected sample was always measured against the clock as already corrected.
 *
 * <p>Not thread-safe: feed it from one thread (an event loop) or a simulator.
 */
public final class UpstreamPoller {
    public static final long DEFAULT_POLL_INTERVAL_NANOS = 1_000_000_000L;
    public static final long MIN_POLL_INTERVAL_NANOS = 100_000_000L;
    public static final long MAX_POLL_INTERVAL_NANOS = 3_600_000_000_000L;
    /** Polls at start spaced {@link #BURST_SPACING_NANOS} (chrony's iburst), so the first reference comes in under a second. */
    public static final int BURST_POLLS = 4;
    public static final long BURST_SPACING_NANOS = 100_000_000L;
    /** Replies whose round trip is longer are dropped: half of it is the room left for asymmetric delay. */
    public static final long DEFAULT_MAX_DELAY_NANOS = 1_000_000_000L;
    /** RFC 5905 MAXDISP: no delay limit above 16 s means anything. */
    public static final long MAX_DELAY_LIMIT_NANOS = 16_000_000_000L;
    /** The NTP version requests are sent in. */
    public static final int REQUEST_VERSION = 4;
    /** Bits in the reach register, as in RFC 5905: the last eight polls. */
    public static final int REACH_BITS = 8;

    private final String sourceName;
    private final long pollIntervalNanos;
    private final long maxDelayNanos;
    private final int pollLog2;
    private final ClockFilter filter = new ClockFilter();
    private final Map<UpstreamReplyVerdict, Long> verdicts = new EnumMap<>(UpstreamReplyVerdict.class);

    private boolean scheduled;
    private long nextPollHostNanos;
    private boolean outstanding;
    private long outstandingOrigin;
    private long outstandingT1Nanos;
    private long lastOrigin;
    private long pollsSent;
    private long answered;
    private long corrections;
    private int reach;
    private NtpSample lastSample;
    private int lastStratum;
    private long lastCorrectionNanos;
    private long lastCorrectionHostNanos;

    /**
     * What became of one datagram.
     *
     * @param sample  the measurement when {@code verdict} is ACCEPTED, else null
     * @param actions an {@link AdjustClock} when the filter selected a new sample, else none
     */
    public record Reply(UpstreamReplyVerdict verdict, NtpSample sample, List<Action> actions) {
        public Reply {
            Objects.requireNonNull(verdict, "verdict");
            actions = List.copyOf(actions);
            if ((sample != null) != (verdict == UpstreamReplyVerdict.ACCEPTED)) {
                throw new IllegalArgumentException("a sample comes exactly with an accepted reply");
            }
        }
    }

    /** A poller with the default delay limit. */
    public UpstreamPoller(String sourceName, long pollIntervalNanos) {
        this(sourceName, pollIntervalNanos, DEFAULT_MAX_DELAY_NANOS);
    }

    /**
     * @param sourceName        the server as the cause of a correction names it, e.g. {@code 10.0.0.1:123}
     * @param pollIntervalNanos {@link #MIN_POLL_INTERVAL_NANOS}..{@link #MAX_POLL_INTERVAL_NANOS}
     * @param maxDelayNanos     replies with a longer round trip are dropped; 1 ns..{@link #MAX_DELAY_LIMIT_NANOS}
     */
    public UpstreamPoller(String sourceName, long pollIntervalNanos, long maxDelayNanos) {
        this.sourceName = Objects.requireNonNull(sourceName, "sourceName");
        if (pollIntervalNanos < MIN_POLL_INTERVAL_NANOS || pollIntervalNanos > MAX_POLL_INTERVAL_NANOS) {
            throw new IllegalArgumentException("upstream poll interval must be between 100 ms and 1 h, got "
                    + Durations.format(pollIntervalNanos));
        }
        if (maxDelayNanos <= 0 || maxDelayNanos > MAX_DELAY_LIMIT_NANOS) {
            throw new IllegalArgumentException("upstream delay limit must be between 1 ns and 16 s, got "
                    + Durations.format(maxDelayNanos));
        }
        this.pollIntervalNanos = pollIntervalNanos;
        this.maxDelayNanos = maxDelayNanos;
        // The poll field is log2 of the interval in seconds; 100 ms..1 h gives -3..12.
        this.pollLog2 = (int) Math.round(Math.log(pollIntervalNanos / 1e9) / Math.log(2));
    }

    /**
     * Whether a request is due: at once the first time, then {@link #BURST_POLLS} polls {@link #BURST_SPACING_NANOS}
     * apart, then one per poll interval. If the host clock went back by more than an interval, at once rather than
     * waiting it out.
     */
    public boolean due(long hostNanos) {
        return !scheduled || hostNanos - nextPollHostNanos >= 0 || nextPollHostNanos - hostNanos > pollIntervalNanos;
    }

    /**
     * Records a request leaving now and returns it. Call it with the disciplined clock read just before the write; the
     * request's transmit timestamp is that reading, and the reply must echo it. A request still outstanding is given
     * up (its reply, if it comes, is unsolicited).
     *
     * @param t1Nanos   the disciplined clock now, Unix nanoseconds within the NTP range (1968..2104)
     * @param hostNanos the host clock now
     * @throws IllegalArgumentException when {@code t1Nanos} is outside the NTP range
     */
    public NtpPacket request(long t1Nanos, long hostNanos) {
        long origin = NtpTimestamp.fromUnixNanos(t1Nanos);
        if (pollsSent > 0 && origin == lastOrigin) {
            origin++; // a clock that stood still must not give two requests one origin: 2^-32 s apart is still unique
        }
        lastOrigin = origin;
        outstanding = true;
        outstandingOrigin = origin;
        outstandingT1Nanos = t1Nanos;
        pollsSent++;
        reach = (reach << 1) & ((1 << REACH_BITS) - 1);
        scheduled = true;
        nextPollHostNanos = hostNanos + (pollsSent < BURST_POLLS ? BURST_SPACING_NANOS : pollIntervalNanos);
        return NtpPacket.clientRequest(REQUEST_VERSION, pollLog2, origin);
    }

    /**
     * Takes a decoded datagram from the server. Never throws for what the packet holds.
     *
     * @param reply     the datagram's NTP header, any mode
     * @param t4Nanos   the disciplined clock when it arrived
     * @param hostNanos the host clock when it arrived
     */
    public Reply onReply(NtpPacket reply, long t4Nanos, long hostNanos) {
        Objects.requireNonNull(reply, "reply");
        if (reply.mode() != NtpPacket.MODE_SERVER) {
            return dropped(UpstreamReplyVerdict.WRONG_MODE);
        }
        if (!outstanding || reply.originTimestamp() != outstandingOrigin) {
            return dropped(UpstreamReplyVerdict.UNSOLICITED);
        }
        outstanding = false; // one reply per request: a second copy is unsolicited
        answered++;
        if (reply.stratum() == 0) {
            return dropped(UpstreamReplyVerdict.KISS_OF_DEATH);
        }
        if (reply.stratum() >= NtpPacket.STRATUM_UNSYNCHRONIZED || reply.leapIndicator() == NtpPacket.LEAP_UNSYNCHRONIZED) {
            return dropped(UpstreamReplyVerdict.UNSYNCHRONIZED);
        }
        if (reply.receiveTimestamp() == NtpTimestamp.ZERO || reply.transmitTimestamp() == NtpTimestamp.ZERO) {
            return dropped(UpstreamReplyVerdict.ZERO_TIMESTAMP);
        }
        NtpExchange exchange = new NtpExchange(outstandingT1Nanos, NtpTimestamp.toUnixNanos(reply.receiveTimestamp()),
                NtpTimestamp.toUnixNanos(reply.transmitTimestamp()), t4Nanos);
        long offsetNanos;
        long delayNanos;
        try {
            offsetNanos = exchange.offsetNanos();
            delayNanos = exchange.delayNanos();
        } catch (ArithmeticException overflow) {
            return dropped(UpstreamReplyVerdict.BAD_TIMESTAMPS);
        }
        if (delayNanos < 0 || !ClockLimits.isValidOffset(offsetNanos)) {
            return dropped(UpstreamReplyVerdict.BAD_TIMESTAMPS);
        }
        if (delayNanos > maxDelayNanos) {
            return dropped(UpstreamReplyVerdict.DELAY_TOO_LARGE);
        }
        tally(UpstreamReplyVerdict.ACCEPTED);
        reach |= 1;
        lastStratum = reply.stratum();
        NtpSample sample = new NtpSample(offsetNanos, delayNanos, hostNanos);
        lastSample = sample;
        Optional<NtpSample> selected = filter.add(sample);
        if (selected.isEmpty()) {
            return new Reply(UpstreamReplyVerdict.ACCEPTED, sample, List.of());
        }
        NtpSample best = selected.get();
        corrections++;
        lastCorrectionNanos = best.offsetNanos();
        lastCorrectionHostNanos = hostNanos;
        return new Reply(UpstreamReplyVerdict.ACCEPTED, sample, List.of(new AdjustClock(best.offsetNanos(),
                "upstream " + sourceName + " offset " + Durations.signedSeconds(best.offsetNanos(), 6) + " delay "
                        + Durations.format(best.delayNanos()), true)));
    }

    /**
     * Counts a datagram the caller dropped before it reached {@link #onReply}: {@code MALFORMED} when it could not
     * be decoded, {@code UNSOLICITED} when it came from another address.
     */
    public Reply dropped(UpstreamReplyVerdict verdict) {
        if (verdict == UpstreamReplyVerdict.ACCEPTED) {
            throw new IllegalArgumentException("an accepted reply goes through onReply");
        }
        tally(verdict);
        return new Reply(verdict, null, List.of());
    }

    private void tally(UpstreamReplyVerdict verdict) {
        verdicts.merge(verdict, 1L, Long::sum);
    }

    public long pollsSent() {
        return pollsSent;
    }

    /** Datagrams with this verdict so far. */
    public long count(UpstreamReplyVerdict verdict) {
        return verdicts.getOrDefault(verdict, 0L);
    }

    /** Datagrams dropped for any reason. */
    public long rejectedTotal() {
        return verdicts.entrySet().stream().filter(e -> e.getKey() != UpstreamReplyVerdict.ACCEPTED)
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Requests that got no matching reply (lost, or given up when the next poll left); the one outstanding not counted. */
    public long unanswered() {
        return pollsSent - answered - (outstanding ? 1 : 0);
    }

    /** Corrections asked for: samples the filter selected. */
    public long corrections() {
        return corrections;
    }

    /** RFC 5905's reach register: bit i set when the poll i polls ago got an accepted reply. */
    public int reach() {
        return reach;
    }

    /** Whether any of the last eight polls got an accepted reply. */
    public boolean reachable() {
        return reach != 0;
    }

    /** The latest accepted sample (its time on the host clock), whether or not the filter selected it. */
    public Optional<NtpSample> lastSample() {
        return Optional.ofNullable(lastSample);
    }

    /** The stratum of the latest accepted reply; 0 before any. */
    public int lastStratum() {
        return lastStratum;
    }

    /** The latest correction asked for, and when (host clock); both 0 before any. */
    public long lastCorrectionNanos() {
        return lastCorrectionNanos;
    }

    public long lastCorrectionHostNanos() {
        return lastCorrectionHostNanos;
    }

    public long pollIntervalNanos() {
        return pollIntervalNanos;
    }

    public long maxDelayNanos() {
        return maxDelayNanos;
    }

    public String sourceName() {
        return sourceName;
    }
}
