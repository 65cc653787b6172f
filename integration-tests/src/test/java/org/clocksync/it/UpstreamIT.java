package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --upstream}: daemon A serves a clock 2.5 s ahead of the host over NTP; master B takes its reference from A
 * instead of the host clock, and its slave C follows B through the Berkeley rounds, so both end up 2.5 s ahead of the
 * host, while B (the reference) is never averaged back toward C. Every packet goes to 127.0.0.1.
 */
class UpstreamIT {
    private static final long OFFSET_NANOS = 2_500_000_000L;
    private static final long TOLERANCE_NANOS = 1_000_000L;

    /** A UDP port free on loopback now (Ports hands out TCP ports). */
    private static int freeUdpPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = Ports.free();
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    port))) {
                probe.setReuseAddress(false);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free UDP port on loopback");
    }

    private static long offsetOrMax(DaemonProcess p) {
        JsonNode s = p.statusOrNull();
        return s == null ? Long.MAX_VALUE : Math.abs(s.path("clockOffsetFromHostNanos").asLong() - OFFSET_NANOS);
    }

    @Test
    void aMasterWithAnUpstreamAndItsSlaveFollowTheUpstreamClock() throws Exception {
        int ntpPort = freeUdpPort();
        try (DaemonProcess a = new DaemonProcess(TestCluster.MASTER_MAIN, "UTC", 9, Ports.free(), Ports.free(),
                List.of("--sim-offset", "2.5s", "--ntp", "127.0.0.1:" + ntpPort)).start();
                DaemonProcess b = new DaemonProcess(TestCluster.MASTER_MAIN, "LAB", 5, Ports.free(), Ports.free(),
                        List.of("--upstream", "127.0.0.1:" + ntpPort));
                DaemonProcess c = new DaemonProcess(TestCluster.SLAVE_MAIN, "KMC", 1, Ports.free(), Ports.free(),
                        List.of("--master", "127.0.0.1:" + b.listenPort))) {
            await("A serves NTP").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode s = a.statusOrNull();
                        return s != null && s.path("ntp").path("address").asText().endsWith(":" + ntpPort);
                    });
            b.start();
            c.start();

            await("B follows A within 1 ms").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> offsetOrMax(b) < TOLERANCE_NANOS);
            await("C follows B within 1 ms").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> offsetOrMax(c) < TOLERANCE_NANOS);

            JsonNode bs = b.status();
            JsonNode upstream = bs.path("upstream");
            System.out.println("UpstreamIT: B /status upstream: " + upstream);
            System.out.printf("UpstreamIT: offsets from host: A %d ns, B %d ns, C %d ns%n",
                    a.status().path("clockOffsetFromHostNanos").asLong(), bs.path("clockOffsetFromHostNanos").asLong(),
                    c.status().path("clockOffsetFromHostNanos").asLong());
            assertThat(upstream.path("address").asText()).isEqualTo("127.0.0.1:" + ntpPort);
            assertThat(upstream.path("replies").asLong()).isPositive();
            assertThat(upstream.path("reachable").asBoolean()).isTrue();
            assertThat(upstream.path("stratum").asInt()).as("A is a master: stratum 1").isEqualTo(1);
            assertThat(upstream.path("corrections").asLong()).isPositive();
            // B is on A's time, so the latest sample's offset is within half its round trip of 0 (RFC 5905).
            assertThat(Math.abs(upstream.path("lastOffsetNanos").asLong())).as("latest offset, B to A")
                    .isLessThan(upstream.path("lastDelayNanos").asLong() / 2 + TOLERANCE_NANOS);
            assertThat(upstream.path("rejected").path("unsolicited").asLong()).isZero();
            assertThat(b.metricSum("clocksync_upstream_replies_total{node=\"LAB\"}")).as("read after /status")
                    .isGreaterThanOrEqualTo(upstream.path("replies").asDouble());

            // B is the reference: its rounds steer C to it and never move B itself.
            JsonNode round = bs.path("lastRound");
            assertThat(round.path("averageNanos").asLong()).isZero();
            for (JsonNode m : round.path("members")) {
                if (m.path("id").asInt() == 5) {
                    assertThat(m.path("correctionNanos").asLong()).as("B's own correction").isZero();
                } else {
                    assertThat(m.path("id").asInt()).isEqualTo(1);
                    assertThat(m.path("correctionNanos").asLong()).as("C is steered to B's clock")
                            .isEqualTo(-m.path("offsetNanos").asLong());
                }
            }
            assertThat(round.path("members").size()).isEqualTo(2);
            assertThat(bs.path("clock").path("stepsTaken").asInt()).as("B stepped once, to A's time").isEqualTo(1);
            assertThat(a.status().path("ntp").path("served").asLong())
                    .isGreaterThanOrEqualTo(upstream.path("replies").asLong());
            assertThat(a.isAlive() && b.isAlive() && c.isAlive()).isTrue();
        }
    }
}
