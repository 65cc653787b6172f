package org.clocksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status table shows each node's view of its peers: a summary column and one detail line per node. */
class StatusTableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode node(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void showsRoleEpochAndWhichPeersAreSuspectedWithTheAgeOfTheirLastHeartbeat() throws Exception {
        JsonNode sols = node("""
                {"id":4,"name":"SOLS","role":"MASTER","coordinatorId":4,"epoch":300004,
                 "clockOffsetFromHostNanos":1000,
                 "cluster":{"peers":[
                   {"id":1,"state":"alive","monitored":true,"lastHeartbeatAgeMillis":40},
                   {"id":5,"state":"suspected","monitored":true,"lastHeartbeatAgeMillis":5500}]}}""");
        JsonNode kmc = node("""
                {"id":1,"name":"KMC","role":"SLAVE","coordinatorId":4,"epoch":300004,
                 "clockOffsetFromHostNanos":3000,
                 "cluster":{"peers":[
                   {"id":4,"state":"alive","monitored":true,"lastHeartbeatAgeMillis":12},
                   {"id":5,"state":"suspected","monitored":false,"lastHeartbeatAgeMillis":null}]}}""");

        String table = StatusTable.render(List.of(new StatusClient.Result("a:1", sols, null),
                new StatusClient.Result("a:2", kmc, null)));

        assertThat(table).contains("MASTER").contains("300004");
        assertThat(table).contains("1/2 alive, down 5(5.5s)");
        assertThat(table).contains("SOLS     peers: 1 alive 40ms, 5 SUSPECTED 5500ms");
        assertThat(table).contains("KMC      peers: 4 alive 12ms, 5 SUSPECTED (not watched)");
        assertThat(table).contains("spread 2.0 us across 2 nodes");
    }

    @Test
    void aNodeWithoutPeersHasNoPeerColumnValueAndNoDetailLine() throws Exception {
        JsonNode lone = node("""
                {"id":5,"name":"LAB","role":"MASTER","coordinatorId":5,"epoch":1,"clockOffsetFromHostNanos":0}""");

        String table = StatusTable.render(List.of(new StatusClient.Result("a:1", lone, null)));

        assertThat(table).doesNotContain("peers:");
        assertThat(table.lines().skip(1).findFirst().orElseThrow()).contains(" -  ");
    }
}
