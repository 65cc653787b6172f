package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 6: a Chandy-Lamport snapshot of a running five-node cluster, started at a line through the admin port
 * (what {@code clockctl snapshot} does); then, with one node killed, a snapshot that ends in a clear error naming it.
 */
class SnapshotIT {
    @Test
    void aSnapshotOfTheRunningClusterHasEveryNodeAndEveryChannelThenOneKilledNodeIsNamed() throws Exception {
        try (TestCluster cluster = TestCluster.factory(List.of("--interval", "500ms"), List.of())
                .withPeers("bully").start()) {
            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(60));
            DaemonProcess kmc = cluster.lines.get(0);

            HttpResponse<String> done = AdminHttp.post(kmc.adminPort, "/snapshot", Duration.ofSeconds(15));
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            JsonNode doc = AdminHttp.JSON.readTree(done.body());
            System.out.println("snapshot of the running cluster: " + done.body());
            assertThat(doc.path("complete").asBoolean()).isTrue();
            assertThat(doc.path("initiatorId").asInt()).isEqualTo(kmc.id);
            Set<Integer> cutIds = new TreeSet<>();
            doc.path("cut").forEach(n -> cutIds.add(n.path("nodeId").asInt()));
            assertThat(cutIds).containsExactly(1, 2, 3, 4, 5);
            for (JsonNode node : doc.path("nodes")) {
                assertThat(node.path("complete").asBoolean()).as(node.toString()).isTrue();
            }
            String text = done.body();
            assertThat(text).contains("\"role\":\"MASTER\"").contains("\"role\":\"SLAVE\"").contains("\"epoch\":");

            // Two at once: ids keep them apart.
            List<HttpResponse<String>> both = new ArrayList<>();
            var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> post(cluster.master.adminPort));
            var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> post(cluster.lines.get(2).adminPort));
            both.add(a.get());
            both.add(b.get());
            assertThat(both).allMatch(r -> r.statusCode() == 200);
            assertThat(AdminHttp.JSON.readTree(both.get(0).body()).path("snapshotId").asLong())
                    .isNotEqualTo(AdminHttp.JSON.readTree(both.get(1).body()).path("snapshotId").asLong());

            DaemonProcess sols = cluster.lines.get(3);
            sols.kill();
            HttpResponse<String> failed = AdminHttp.post(kmc.adminPort, "/snapshot", Duration.ofSeconds(15));
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(504);
            JsonNode partial = AdminHttp.JSON.readTree(failed.body());
            assertThat(partial.path("complete").asBoolean()).isFalse();
            assertThat(partial.path("missingNodeIds").toString()).isEqualTo("[4]");
            assertThat(partial.path("error").asText()).contains("4");
        }
    }

    private static HttpResponse<String> post(int adminPort) {
        try {
            return AdminHttp.post(adminPort, "/snapshot", Duration.ofSeconds(15));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
