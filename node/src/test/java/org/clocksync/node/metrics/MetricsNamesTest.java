package org.clocksync.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clocksync.node.Node;
import org.clocksync.node.TestNodeOptions;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.config.PeerSpec;
import org.clocksync.node.role.MasterRole;
import org.clocksync.protocol.HostPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real master node (with --ntp and a --peers entry, so the cluster series exist) scraped over its admin port: every
 * series operators rely on is there and every name follows the Prometheus conventions.
 */
class MetricsNamesTest {
    private static final Pattern NAME = Pattern.compile("[a-z_:][a-z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("^([^{\\s]+)(\\{[^}]*})?\\s+(\\S+).*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    /** Label names any series may carry: the constant node tag and a few fixed reasons and kinds. */
    private static final Set<String> LABELS = Set.of("node", "reason", "why", "kind", "result", "le", "id");

    private Node node;

    @BeforeEach
    void start() {
        DaemonOptions o = TestNodeOptions.loopback(5, "LAB");
        o.ntp = new HostPort("127.0.0.1", 0);
        o.intervalNanos = 100_000_000L;
        o.roundTimeoutNanos = 50_000_000L;
        // A peer that is not running: enough for the cluster agent (epoch, elections, heartbeats) to register.
        o.peers = List.of(PeerSpec.parse("1@127.0.0.1:9"));
        assertThat(o.problem()).isNull();
        node = new Node(o, MasterRole::new).start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private String scrape() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + node.boundAdmin() + "/metrics"))
                .timeout(Duration.ofSeconds(3)).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void everySeriesIsPresentAndNamedByTheConventions() throws Exception {
        // A master alone runs no rounds; the series are registered up front all the same (MetricsIT sees them move).
        await().atMost(Duration.ofSeconds(10)).until(() -> sum(scrape(), "clocksync_epoch") >= 1);
        String text = scrape();

        for (String series : List.of(
                "clocksync_clock_offset_from_host_seconds{",
                "clocksync_berkeley_round_average_offset_seconds{",
                "clocksync_berkeley_poll_rtt_seconds_bucket{",
                "clocksync_berkeley_poll_rtt_seconds_count{",
                "clocksync_berkeley_poll_rtt_seconds_sum{",
                "clocksync_berkeley_rounds_total{",
                "clocksync_berkeley_members_left_out_total{",
                "clocksync_clock_adjustments_total{",
                "clocksync_elections_started_total{",
                "clocksync_elections_won_total{",
                "clocksync_election_messages_sent_total{",
                "clocksync_epoch{",
                "clocksync_heartbeats_missed_total{",
                "clocksync_heartbeats_sent_total{",
                "clocksync_frames_rejected_total{",
                "clocksync_ntp_requests_total{",
                "clocksync_connections_open{",
                "clocksync_role_changes_total{",
                "clocksync_peers_suspected_total{")) {
            assertThat(text).as(series).contains("\n" + series);
        }
        assertThat(text).contains("why=\"excluded\"").contains("why=\"no_reply\"").contains("why=\"slow_reply\"");
        assertThat(text).contains("result=\"served\"").contains("result=\"rate_limited\"");
        assertThat(text).contains("reason=\"bad_magic\"");
        assertThat(text).containsPattern("clocksync_berkeley_poll_rtt_seconds_bucket\\{[^}]*le=\"1\\.0E-4\"");
        assertThat(sum(text, "clocksync_epoch")).isGreaterThanOrEqualTo(1);

        Map<String, String> types = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            }
        }
        Set<String> samples = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            String name = m.group(1);
            samples.add(name);
            if (!NAME.matcher(name).matches()) {
                problems.add("not a Prometheus name: " + name);
            }
            Matcher label = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
            while (label.find()) {
                if (!LABELS.contains(label.group(1))) {
                    problems.add("unexpected label " + label.group(1) + " on " + name);
                }
                if (label.group(1).equals("id") && !name.equals("clocksync_node_info")) {
                    problems.add("a node id as a label value outside clocksync_node_info: " + name);
                }
            }
            String type = familyType(types, name);
            if (type == null) {
                problems.add("no # TYPE for " + name);
            } else if (type.equals("counter") && !name.endsWith("_total")) {
                problems.add("counter sample without _total: " + name);
            } else if (type.equals("gauge") && name.endsWith("_total")) {
                problems.add("gauge named like a counter: " + name);
            }
        }
        assertThat(problems).as("naming problems in\n" + text).isEmpty();
        assertThat(samples).allMatch(n -> n.startsWith("clocksync_") || n.startsWith("jvm_")
                || n.startsWith("process_") || n.startsWith("system_"));
    }

    /** The declared type of the family a sample belongs to: its own name, or the name without a known suffix. */
    private static String familyType(Map<String, String> types, String sample) {
        if (types.containsKey(sample)) {
            return types.get(sample);
        }
        for (String suffix : List.of("_total", "_bucket", "_count", "_sum", "_created")) {
            if (sample.endsWith(suffix)) {
                String family = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(family)) {
                    return types.get(family);
                }
            }
        }
        return null;
    }

    private static double sum(String text, String prefix) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix + "{") || line.startsWith(prefix + " ")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
