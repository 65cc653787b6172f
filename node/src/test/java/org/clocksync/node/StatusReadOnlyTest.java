package org.clocksync.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.role.logical.LogicalMasterRole;
import org.clocksync.node.role.logical.LogicalProcessRole;
import org.clocksync.node.runtime.HostClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reading /status changes nothing: the logical roles used to take their due steps (and send what those steps decided)
 * while building it. Each check runs in one task on the node's loop, so no timer can run in between; the reads are
 * made as of later and later times, when steps and ticks are due but not taken, as after a stall of the loop.
 */
class StatusReadOnlyTest {
    private static final long STEP_NANOS = 10_000_000L;
    private static final int READS = 20;
    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private static DaemonOptions options(int id) {
        DaemonOptions o = TestNodeOptions.loopback(id, "node" + id);
        o.clockKind = "logical";
        o.logicalStepNanos = STEP_NANOS;
        o.logicalTickNanos = STEP_NANOS;
        return o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> status, String name) {
        return (Map<String, Object>) status.get(name);
    }

    /** What a read could change: the state machine's counts, the node's Lamport time and frames sent. */
    private record Observed(Object moves, long lamport, double framesSent) {
    }

    /** Reads /status READS times on the loop, as of now and later: what it saw before and after, and the values read. */
    private static List<Object> readRepeatedly(Node node, List<String> fields) throws Exception {
        return node.context().loop.submit(() -> {
            long now = HostClock.nowNanos();
            Observed before = observe(node, StatusDocument.of(node.statusNow(now)), fields);
            List<Long> counters = new ArrayList<>();
            for (int i = 0; i < READS; i++) {
                Map<String, Object> s = StatusDocument.of(node.statusNow(now + i * 100 * STEP_NANOS));
                counters.add(((Number) section(s, "logical").get("value")).longValue());
            }
            Observed after = observe(node, StatusDocument.of(node.statusNow(now)), fields);
            return List.<Object>of(before, after, counters);
        }).get(10, TimeUnit.SECONDS);
    }

    private static Observed observe(Node node, Map<String, Object> status, List<String> fields) {
        Map<String, Object> logical = section(status, "logical");
        List<Object> moves = fields.stream().map(logical::get).toList();
        return new Observed(moves, node.context().lamport(), node.metrics().framesSent.count());
    }

    @SuppressWarnings("unchecked")
    private static void assertReadOnly(List<Object> seen) {
        assertThat(seen.get(1)).as("state, Lamport time and frames sent after %d reads", READS).isEqualTo(seen.get(0));
        List<Long> counters = (List<Long>) seen.get(2);
        // The counter is read as of each time asked: one count per step due, without taking the step.
        assertThat(counters.get(READS - 1)).isEqualTo(counters.get(0) + (READS - 1) * 100L);
    }

    @Test
    void readingStatusNeitherStepsNorSends() throws Exception {
        Node master = new Node(options(10), LogicalMasterRole::new).start();
        nodes.add(master);
        DaemonOptions po = options(1);
        po.master = master.boundListen();
        assertThat(po.problem()).isNull();
        Node process = new Node(po, LogicalProcessRole::new).start();
        nodes.add(process);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                ((Number) section(StatusDocument.read(master), "logical").get("rounds")).longValue() > 3);

        assertReadOnly(readRepeatedly(master, List.of("ticks", "events", "rounds", "reportsReceived",
                "requestsReceived", "estimates")));
        assertReadOnly(readRepeatedly(process, List.of("steps", "events", "reportsSent", "requestsSent", "unsent",
                "keepalives")));
        assertThat(section(StatusDocument.read(process), "master").get("joined")).isEqualTo(true);
    }
}
