package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** clockctl query reads each server's clock within the bound it reports, and puts the tightest bound first. */
class CristianQueryIT {
    @Test
    void queryReadsEveryServerWithinItsBoundBestFirst() throws Exception {
        try (DaemonProcess master = new DaemonProcess(TestCluster.MASTER_MAIN, "LAB", 5, Ports.free(), Ports.free(),
                List.of("--sim-offset", "2.5s")).start();
             DaemonProcess unreachable = new DaemonProcess(TestCluster.MASTER_MAIN, "GONE", 6, Ports.free(),
                     Ports.free(), List.of())) {
            await("master answers").atMost(Duration.ofSeconds(60)).until(() -> master.statusOrNull() != null);
            String json = ContainerImage.run(List.of(ContainerImage.root().resolve("bin/clockctl").toString(),
                    "query", "--json", "--samples", "8", "127.0.0.1:" + master.listenPort,
                    "127.0.0.1:" + unreachable.listenPort), 60, java.util.Map.of(), true);
            long trueOffset = master.status().path("clockOffsetFromHostNanos").asLong();
            JsonNode readings = AdminHttp.JSON.readTree(json);
            System.out.println("clockctl query: " + json.trim() + " (true offset " + trueOffset + " ns)");

            JsonNode best = readings.get(0);
            assertThat(best.path("chosen").asBoolean()).isTrue();
            assertThat(best.path("server").asText()).isEqualTo("127.0.0.1:" + master.listenPort);
            long bound = best.path("boundNanos").asLong();
            assertThat(bound).isPositive().isEqualTo(best.path("rttNanos").asLong() / 2);
            // The guarantee itself: the reading is within its bound of the server's true offset (plus the few
            // microseconds of drift-free time between the two host clock reads being compared).
            assertThat(Math.abs(best.path("offsetNanos").asLong() - trueOffset)).isLessThanOrEqualTo(bound + 50_000);
            assertThat(readings.get(1).path("error").asText()).contains("unreachable");
        }
    }
}
