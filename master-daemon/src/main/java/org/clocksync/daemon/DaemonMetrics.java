package org.clocksync.daemon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.clocksync.protocol.RejectReason;
import org.clocksync.protocol.RejectionCounter;

/** The daemon's Prometheus metrics; every name is fixed here so that labels stay few and known. */
public final class DaemonMetrics implements RejectionCounter {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<RejectReason, Counter> framesRejected = new EnumMap<>(RejectReason.class);
    private final Map<String, Counter> connectionsClosed = new ConcurrentHashMap<>();
    private final AtomicLong openConnections = new AtomicLong();

    public final Counter framesReceived;
    public final Counter framesSent;
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
    public final DistributionSummary pollRttSeconds;
    /** NTP requests by result: served, rate_limited, malformed, wrong_mode. */
    public final Counter ntpServed;
    public final Counter ntpRateLimited;
    public final Counter ntpMalformed;
    public final Counter ntpWrongMode;

    public DaemonMetrics(int nodeId, String nodeName) {
        registry.config().commonTags("node", nodeName);
        for (RejectReason r : RejectReason.values()) {
            framesRejected.put(r, Counter.builder("clocksync.frames.rejected")
                    .description("Frames rejected by the decoder, by reason; each closes its connection")
                    .tag("reason", r.metricLabel()).register(registry));
        }
        framesReceived = Counter.builder("clocksync.frames.received").description("Frames decoded").register(registry);
        framesSent = Counter.builder("clocksync.frames.sent").description("Frames written").register(registry);
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
        pollRttSeconds = DistributionSummary.builder("clocksync.berkeley.poll.rtt.seconds")
                .description("Round-trip time of the best Berkeley poll per member and round")
                .publishPercentiles(0.5, 0.99).register(registry);
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

    /** Counts a connection the daemon closed on purpose; {@code why} is one of a few fixed words. */
    public void connectionClosed(String why) {
        connectionsClosed.computeIfAbsent(why, w -> Counter.builder("clocksync.connections.closed")
                .description("Connections the daemon closed on purpose, by reason").tag("why", w)
                .register(registry)).increment();
    }

    public AtomicLong openConnections() {
        return openConnections;
    }

    /** A counter with fixed tags (key, value, ...); registering the same name and tags twice returns the same one. */
    public Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** Registers a gauge read on scrape; the supplier must be thread-safe. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
