package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A line that joins an hour off is left out of the average, the others do not move, and it is brought in. */
class LiarJoinIT {
    @Test
    void lineOneHourOffIsExcludedAndBroughtToClusterTime() throws Exception {
        try (TestCluster cluster = TestCluster.factory(List.of(), List.of("--interval", "500ms")).start()) {
            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(120));
            List<DaemonProcess> honest = cluster.all();
            double meanBefore = meanOffsetNanos(honest);

            DaemonProcess liar = cluster.line("LIAR", 6, "1h", 20);
            liar.start();
            cluster.awaitMembers(5);
            await("the liar is excluded from a round").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        JsonNode round = cluster.master.status().path("lastRound");
                        for (JsonNode e : round.path("excluded")) {
                            if (e.path("id").asInt() == 6 && e.path("status").asText().equals("EXCLUDED")) {
                                return e.path("reason").asText().contains("from the median");
                            }
                        }
                        return false;
                    });

            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(120));
            double meanAfter = meanOffsetNanos(honest);
            // Included, the liar would have dragged the mean by an hour / 6 = 600 s; the normal noise here is
            // drift between rounds (tens of microseconds), so a millisecond is a generous bound.
            assertThat(Math.abs(meanAfter - meanBefore)).as("honest nodes' mean offset change, ns")
                    .isLessThan(1_000_000.0);
            assertThat(liar.status().path("clock").path("stepsTaken").asInt()).isEqualTo(1);
            System.out.printf("honest mean moved %.1f us while the 1 h liar joined; spread now %.1f us%n",
                    (meanAfter - meanBefore) / 1e3, cluster.spreadNanos() / 1e3);
            cluster.assertHealthy();
        }
    }

    private static double meanOffsetNanos(List<DaemonProcess> nodes) throws Exception {
        double sum = 0;
        for (DaemonProcess p : nodes) {
            sum += p.status().path("clockOffsetFromHostNanos").asLong();
        }
        return sum / nodes.size();
    }
}
