package org.clocksync.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.clocksync.protocol.RejectReason;
import org.clocksync.protocol.RejectionCounter;

/**
 * The daemon's Prometheus metrics; every name is fixed here so that labels stay few and known. Names follow the
 * Prometheus conventions once Micrometer renders them: counters end in {@code _total}, the unit comes last
 * ({@code _seconds}), gauges carry no {@code _total}; the only per-node label is the constant {@code node} tag.
 */
public final class DaemonMetrics implements RejectionCounter {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<RejectReason, Counter> framesRejected = new EnumMap<>(RejectReason.class);
    private final Map<String, Counter> connectionsClosed = new ConcurrentHashMap<>();
    private final AtomicLong openConnections = new AtomicLong();
    private final AtomicLong lastRoundAverageNanos = new AtomicLong();
    /** Function counters hold their source weakly; these keep the suppliers alive as long as the registry. */
    private final List<Supplier<Number>> counted = new ArrayList<>();

    public final Counter framesReceived;
    public final Counter framesSent;
    /** Frames not written because the connection's queue was full (--max-outbound-bytes). */
    public final Counter framesDroppedOutbound;
    public final Counter connectionsAccepted;
    public final Counter rounds;
    public final Counter membersExcluded;
    public final Counter membersNoReply;
    public final Counter membersSlowReply;
    public final Counter clockSteps;
    public final Counter clockSlews;
    public final Counter masterReconnects;
    public final Counter adminRequests;
    public final Counter adminRejected;
    /** Round trips as a histogram (a Timer: whole nanoseconds in, seconds out, so the buckets stay exact). */
    public final Timer pollRtt;
    /** NTP requests by result: served, rate_limited, malformed, wrong_mode. */
    public final Counter ntpServed;
    public final Counter ntpRateLimited;
    public final Counter ntpMalformed;
    public final Counter ntpWrongMode;

    /** Histogram buckets of round trips: from loopback (tens of us) to a congested WAN (a second). */
    private static final Duration[] RTT_BUCKETS = {Duration.ofNanos(10_000), Duration.ofNanos(25_000),
        Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofNanos(1_000_000), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofSeconds(1)};

    public DaemonMetrics(int nodeId, String nodeName) {
        registry.config().commonTags("node", nodeName);
        for (RejectReason r : RejectReason.values()) {
            framesRejected.put(r, Counter.builder("clocksync.frames.rejected")
                    .description("Frames refused by the decoder, by reason: malformed ones close their connection;"
                            + " unsigned, wrongly signed and replayed ones are dropped (the connection closes at the"
                            + " third)")
                    .tag("reason", r.metricLabel()).register(registry));
        }
        framesReceived = Counter.builder("clocksync.frames.received").description("Frames decoded").register(registry);
        framesSent = Counter.builder("clocksync.frames.sent").description("Frames written").register(registry);
        framesDroppedOutbound = Counter.builder("clocksync.frames.dropped.outbound")
                .description("Frames not sent because the peer stopped reading and its queue reached"
                        + " --max-outbound-bytes").register(registry);
        connectionsAccepted = Counter.builder("clocksync.connections.accepted")
                .description("Protocol connections accepted").register(registry);
        Gauge.builder("clocksync.connections.open", openConnections, AtomicLong::get)
                .description("Protocol connections open now").register(registry);
        rounds = Counter.builder("clocksync.berkeley.rounds").description("Berkeley rounds completed").register(registry);
        membersExcluded = Counter.builder("clocksync.berkeley.members.left.out")
                .description("Members left out of a round's average").tag("why", "excluded").register(registry);
        membersNoReply = Counter.builder("clocksync.berkeley.members.left.out")
                .description("Members left out of a round's average").tag("why", "no_reply").register(registry);
        membersSlowReply = Counter.builder("clocksync.berkeley.members.left.out")
                .description("Members left out of a round's average").tag("why", "slow_reply").register(registry);
        clockSteps = Counter.builder("clocksync.clock.adjustments").description("Service clock corrections applied")
                .tag("kind", "step").register(registry);
        clockSlews = Counter.builder("clocksync.clock.adjustments").description("Service clock corrections applied")
                .tag("kind", "slew").register(registry);
        masterReconnects = Counter.builder("clocksync.master.reconnects")
                .description("Connection attempts to the master after the first").register(registry);
        adminRequests = Counter.builder("clocksync.admin.requests").description("Admin HTTP requests answered")
                .register(registry);
        adminRejected = Counter.builder("clocksync.admin.rejected")
                .description("Admin HTTP requests refused as malformed or too large").register(registry);
        pollRtt = Timer.builder("clocksync.berkeley.poll.rtt")
                .description("Round-trip time of the best Berkeley poll per member and round")
                .serviceLevelObjectives(RTT_BUCKETS).register(registry);
        Gauge.builder("clocksync.berkeley.round.average.offset.seconds", lastRoundAverageNanos, a -> a.get() / 1e9)
                .description("Last round's average of the counted readings, relative to this master's clock: how far"
                        + " the master was from the cluster (and the correction it took)").register(registry);
        ntpServed = ntpRequests("served");
        ntpRateLimited = ntpRequests("rate_limited");
        ntpMalformed = ntpRequests("malformed");
        ntpWrongMode = ntpRequests("wrong_mode");
        Gauge.builder("clocksync.node.info", () -> 1).tag("id", Integer.toString(nodeId))
                .description("Constant 1; carries the node id").register(registry);
    }

    private Counter ntpRequests(String result) {
        return Counter.builder("clocksync.ntp.requests")
                .description("NTP requests by result; all but served are dropped unanswered")
                .tag("result", result).register(registry);
    }

    @Override
    public void rejected(RejectReason reason) {
        framesRejected.get(reason).increment();
    }

    public long rejectedCount(RejectReason reason) {
        return (long) framesRejected.get(reason).count();
    }

    /** Refused frames by reason label, only the reasons seen so far, for /status. */
    public Map<String, Long> rejectedCounts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        framesRejected.forEach((reason, counter) -> {
            if (counter.count() > 0) {
                counts.put(reason.metricLabel(), (long) counter.count());
            }
        });
        return counts;
    }

    /** Counts a connection the daemon closed on purpose; {@code why} is one of a few fixed words. */
    public void connectionClosed(String why) {
        connectionsClosed.computeIfAbsent(why, w -> Counter.builder("clocksync.connections.closed")
                .description("Connections the daemon closed on purpose, by reason").tag("why", w)
                .register(registry)).increment();
    }

    /** How many connections were closed for {@code why} so far (see {@link #connectionClosed}). */
    public long connectionsClosed(String why) {
        Counter c = connectionsClosed.get(why);
        return c == null ? 0 : (long) c.count();
    }

    public AtomicLong openConnections() {
        return openConnections;
    }

    /** A counter with fixed tags (key, value, ...); registering the same name and tags twice returns the same one. */
    public Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /**
     * Registers a counter whose value a supplier reads on scrape (a count kept elsewhere, e.g. by a core state
     * machine); it must only grow. The supplier must be thread-safe.
     */
    public void functionCounter(String name, String description, Supplier<Number> value) {
        synchronized (counted) {
            counted.add(value);
        }
        FunctionCounter.builder(name, value, v -> v.get().doubleValue()).description(description).register(registry);
    }

    /** The last Berkeley round's average offset (the master's own correction), for the gauge. */
    public void lastRoundAverageNanos(long averageNanos) {
        lastRoundAverageNanos.set(averageNanos);
    }

    /** Registers a gauge read on scrape; the supplier must be thread-safe. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
