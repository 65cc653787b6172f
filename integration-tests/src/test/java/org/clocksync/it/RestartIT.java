package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Killed slaves are dropped and rejoin; a killed master is reconnected to when it comes back. */
class RestartIT {
    @Test
    void killedSlaveIsDroppedThenRejoinsAndRestartedMasterIsRejoined() throws Exception {
        try (TestCluster cluster = TestCluster.factory(List.of(), List.of("--interval", "500ms")).start()) {
            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(120));

            DaemonProcess mit = cluster.lines.get(1);
            mit.kill();
            await("master shows MIT gone").atMost(Duration.ofSeconds(60)).until(() -> !memberIds(cluster).contains(2));
            long rounds = cluster.roundsCompleted();
            await("master carries on").atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.roundsCompleted() >= rounds + 3);
            List<DaemonProcess> rest = new ArrayList<>(cluster.all());
            rest.remove(mit);
            cluster.awaitConverged(rest, Duration.ofSeconds(120));

            mit.start();
            cluster.awaitMembers(4);
            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(120));

            cluster.master.kill();
            await("slaves notice the master is gone").atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.lines.stream().noneMatch(l -> {
                        JsonNode s = l.statusOrNull();
                        return s == null || s.path("master").path("joined").asBoolean();
                    }));
            cluster.master.start();
            cluster.awaitMembers(4);
            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(120));
            for (DaemonProcess line : cluster.lines) {
                JsonNode master = line.status().path("master");
                assertThat(master.path("joined").asBoolean()).as(line.name + " joined").isTrue();
                assertThat(master.path("connectAttempts").asLong()).as(line.name + " reconnected").isGreaterThan(1);
            }
            cluster.assertHealthy();
        }
    }

    private static List<Integer> memberIds(TestCluster cluster) throws Exception {
        List<Integer> ids = new ArrayList<>();
        for (JsonNode m : cluster.master.status().path("members")) {
            ids.add(m.path("id").asInt());
        }
        return ids;
    }
}
