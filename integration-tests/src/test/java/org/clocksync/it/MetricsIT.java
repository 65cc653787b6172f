package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 8: /metrics scraped from a running five-node cluster with --peers. Every series named in the README is on the
 * master (and the cluster's on a slave), with sane values; /status carries the chronyc-style tracking block. The
 * lines of interest are printed so that they can be quoted.
 */
class MetricsIT {
    /** The series every node exposes, by name (before any labels). */
    private static final List<String> EVERY_NODE = List.of(
            "clocksync_clock_offset_from_host_seconds",
            "clocksync_clock_adjustments_total",
            "clocksync_frames_rejected_total",
            "clocksync_ntp_requests_total",
            "clocksync_connections_open",
            "clocksync_epoch",
            "clocksync_elections_started_total",
            "clocksync_elections_won_total",
            "clocksync_election_messages_sent_total",
            "clocksync_heartbeats_sent_total",
            "clocksync_heartbeats_missed_total",
            "clocksync_peers_suspected_total",
            "clocksync_role_changes_total");
    /** And the Berkeley series the master moves. */
    private static final List<String> MASTER = List.of(
            "clocksync_berkeley_rounds_total",
            "clocksync_berkeley_members_left_out_total",
            "clocksync_berkeley_round_average_offset_seconds",
            "clocksync_berkeley_poll_rtt_seconds_bucket",
            "clocksync_berkeley_poll_rtt_seconds_count",
            "clocksync_berkeley_poll_rtt_seconds_sum");
    private static final Pattern NAME = Pattern.compile("[a-z_:][a-z0-9_:]*");

    @Test
    void aRunningClusterExposesEverySeriesWithSaneValues() throws Exception {
        try (TestCluster cluster = TestCluster.factory(List.of("--interval", "500ms"), List.of())
                .withPeers("bully").start()) {
            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(60));
            await("eight rounds after convergence").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.master.status().path("tracking").path("reachOctal").asText().equals("377"));
            DaemonProcess master = cluster.master;
            DaemonProcess kmc = cluster.lines.get(0);
            sendGarbage(master);
            await("the bad frame is counted").atMost(Duration.ofSeconds(10))
                    .until(() -> master.metricSum("clocksync_frames_rejected_total{") >= 1);

            String masterText = master.metrics();
            String kmcText = kmc.metrics();
            print("LAB (master)", masterText);
            print("KMC (slave)", kmcText);

            for (String series : EVERY_NODE) {
                assertThat(hasSeries(masterText, series)).as("LAB has " + series).isTrue();
                assertThat(hasSeries(kmcText, series)).as("KMC has " + series).isTrue();
            }
            for (String series : MASTER) {
                assertThat(hasSeries(masterText, series)).as("LAB has " + series).isTrue();
            }
            for (String text : List.of(masterText, kmcText)) {
                for (String line : text.split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        String name = line.split("[{ ]", 2)[0];
                        assertThat(NAME.matcher(name).matches()).as(name).isTrue();
                    }
                }
            }

            assertThat(master.metricSum("clocksync_berkeley_rounds_total")).as("reach 377: 8 rounds at least")
                    .isGreaterThanOrEqualTo(8);
            assertThat(master.metricSum("clocksync_epoch")).isGreaterThanOrEqualTo(1);
            assertThat(kmc.metricSum("clocksync_epoch")).isGreaterThanOrEqualTo(1);
            assertThat(master.metricSum("clocksync_berkeley_poll_rtt_seconds_count"))
                    .as("one RTT per member and counted round").isGreaterThan(4);
            assertThat(master.metricSum("clocksync_berkeley_poll_rtt_seconds_sum")
                    / master.metricSum("clocksync_berkeley_poll_rtt_seconds_count"))
                    .as("mean poll RTT on loopback, seconds").isBetween(1e-6, 0.1);
            assertThat(master.metricSum("clocksync_frames_rejected_total{node=\"LAB\",reason=\"bad_magic\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(kmc.metricSum("clocksync_heartbeats_sent_total")).isGreaterThan(0);
            assertThat(Math.abs(master.metricSum("clocksync_berkeley_round_average_offset_seconds")))
                    .as("a converged cluster's average is close to the master (not seconds)").isLessThan(0.05);

            JsonNode masterStatus = master.status();
            JsonNode kmcStatus = kmc.status();
            System.out.println("LAB tracking: " + masterStatus.path("tracking"));
            System.out.println("KMC tracking: " + kmcStatus.path("tracking"));
            for (JsonNode m : masterStatus.path("lastRound").path("members")) {
                System.out.println("LAB lastRound member " + m.path("id") + " " + m.path("name").asText()
                        + " status=" + m.path("status").asText() + " reach=" + m.path("reachOctal").asText());
                // A member misses a round only when it is slow to answer (a busy machine): most recent rounds reach it.
                assertThat(Integer.bitCount(m.path("reach").asInt())).as("member " + m.path("id") + " reach "
                        + m.path("reachOctal").asText()).isGreaterThanOrEqualTo(5);
            }
            assertThat(masterStatus.path("tracking").path("lastRoundAgeMillis").asLong()).isBetween(0L, 1_000L);
            // The RMS window holds the last 16 slews since the first step; converged, they are well under 1 ms.
            await("KMC's reach is full and its RMS offset small").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        JsonNode t = kmc.status().path("tracking");
                        return t.path("reachOctal").asText().equals("377") && t.path("rmsSamples").asInt() == 16
                                && t.path("rmsOffsetNanos").asLong() < 1_000_000L;
                    });
            JsonNode kmcTracking = kmc.status().path("tracking");
            assertThat(kmc.metricSum("clocksync_clock_adjustments_total")).as("a step and 16 slews at least")
                    .isGreaterThanOrEqualTo(17);
            System.out.println("KMC tracking later: " + kmcTracking);
            assertThat(Math.abs(kmcTracking.path("frequencyPpm").asDouble()))
                    .as("KMC (+40 ppm) holds a frequency correction once its drift is learned").isBetween(1.0, 500.0);
            assertThat(kmcTracking.path("skewPpm").isNumber()).isTrue();
            assertThat(kmcTracking.path("lastRoundAgeMillis").asLong()).isBetween(0L, 1_000L);

            String masterLog = master.logText();
            assertThat(masterLog).contains("event=round ").contains("event=member_joined");
            cluster.assertHealthy();
        }
    }

    /** One connection that starts with a bad magic: the decoder rejects and counts it, the node lives on. */
    private static void sendGarbage(DaemonProcess target) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), target.listenPort)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0, 0, 0, 40, 'N', 'O', 'P', 'E', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            out.flush();
            InputStream in = s.getInputStream();
            try {
                while (in.read() >= 0) {
                    // drain until the daemon closes the connection
                }
            } catch (SocketTimeoutException | java.net.SocketException closed) {
                // closed or reset: either way the daemon dropped it
            }
        }
    }

    private static boolean hasSeries(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return true;
            }
        }
        return false;
    }

    /** The scraped lines of the series above, for the closing note. */
    private static void print(String who, String text) {
        System.out.println("---- /metrics of " + who + " (series of interest)");
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            boolean interesting = EVERY_NODE.stream().anyMatch(n -> line.startsWith(n + "{"))
                    || MASTER.stream().anyMatch(n -> line.startsWith(n + "{"))
                    || line.startsWith("clocksync_berkeley_poll_rtt_seconds_max{");
            if (interesting) {
                System.out.println(line);
            }
        }
    }
}
