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
            await("eight rounds after convergence").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.master.status().path("tracking").path("reachOctal").asText().equals("377"));
            DaemonProcess master = cluster.master;
            DaemonProcess kmc = cluster.lines.get(0);
            sendGarbage(master);
            await("the bad frame is counted").atMost(Duration.ofSeconds(60))
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
            // How long a poll takes is up to the machine's load; that it is a measured, positive duration is not.
            assertThat(master.metricSum("clocksync_berkeley_poll_rtt_seconds_sum")
                    / master.metricSum("clocksync_berkeley_poll_rtt_seconds_count"))
                    .as("mean poll RTT, seconds").isPositive().isFinite();
            assertThat(master.metricSum("clocksync_frames_rejected_total{node=\"LAB\",reason=\"bad_magic\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(kmc.metricSum("clocksync_heartbeats_sent_total")).isGreaterThan(0);
            assertThat(Math.abs(master.metricSum("clocksync_berkeley_round_average_offset_seconds")))
                    .as("a converged cluster's average is close to the master (not seconds)").isLessThan(0.05);

            // A member misses a round only when it is slow to answer (a busy machine): most recent rounds reach it,
            // which a loaded machine may take a while to show.
            await("every member answered 5 of the last 8 rounds").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        JsonNode members = master.status().path("lastRound").path("members");
                        for (JsonNode m : members) {
                            if (Integer.bitCount(m.path("reach").asInt()) < 5) {
                                return false;
                            }
                        }
                        return members.size() == 5;
                    });
            JsonNode masterStatus = master.status();
            JsonNode kmcStatus = kmc.status();
            System.out.println("LAB tracking: " + masterStatus.path("tracking"));
            System.out.println("KMC tracking: " + kmcStatus.path("tracking"));
            for (JsonNode m : masterStatus.path("lastRound").path("members")) {
                System.out.println("LAB lastRound member " + m.path("id") + " " + m.path("name").asText()
                        + " status=" + m.path("status").asText() + " reach=" + m.path("reachOctal").asText());
            }
            awaitFreshRound(master);
            // The RMS window holds the last 16 slews since the first step; converged, they are well under 1 ms.
            await("KMC's reach is full and its RMS offset small").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        JsonNode t = kmc.status().path("tracking");
                        return t.path("reachOctal").asText().equals("377") && t.path("rmsSamples").asInt() == 16
                                && t.path("rmsOffsetNanos").asLong() < 1_000_000L;
                    });
            assertThat(kmc.metricSum("clocksync_clock_adjustments_total")).as("a step and 16 slews at least")
                    .isGreaterThanOrEqualTo(17);
            // KMC's drift estimate is applied only once its skew is under the gate (20 ppm), and the skew is the
            // noise of the last 16 samples: on a busy machine the RTTs are noisy and some windows miss the gate.
            // What must hold is that the drift is learned eventually, not that the first windows are quiet enough.
            await("KMC (+40 ppm) holds a frequency correction once its drift is learned")
                    .atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
                        double frequencyPpm = Math.abs(kmc.status().path("tracking").path("frequencyPpm").asDouble());
                        return frequencyPpm >= 1.0 && frequencyPpm <= 500.0;
                    });
            JsonNode kmcTracking = kmc.status().path("tracking");
            System.out.println("KMC tracking later: " + kmcTracking);
            assertThat(kmcTracking.path("skewPpm").isNumber()).isTrue();
            awaitFreshRound(kmc);

            String masterLog = master.logText();
            assertThat(masterLog).contains("event=round ").contains("event=member_joined");
            cluster.assertHealthy();
        }
    }

    /**
     * Waits until the node's last round is younger than two round intervals: rounds still arrive. How old the last
     * one is at a given instant depends on how busy the machine is; that a fresh one comes does not.
     */
    private static void awaitFreshRound(DaemonProcess node) {
        await(node.name + " has a fresh round").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonNode t = node.status().path("tracking");
                    long ageMillis = t.path("lastRoundAgeMillis").asLong(-1);
                    return t.path("lastRoundAgeMillis").isNumber() && ageMillis >= 0
                            && ageMillis < 2 * t.path("roundIntervalMillis").asLong();
                });
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
