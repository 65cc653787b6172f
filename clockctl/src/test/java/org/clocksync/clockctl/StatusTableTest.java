package org.clocksync.clockctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status table shows each node's view of its peers (a summary column and one detail line per node) and the
 * chronyc-style tracking figures, with each member's reach under a master.
 */
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
    void showsTheTrackingFiguresAndEachMembersReachInOctal() throws Exception {
        JsonNode lab = node("""
                {"id":5,"name":"LAB","role":"MASTER","coordinatorId":5,"epoch":1,"clockOffsetFromHostNanos":-2000,
                 "tracking":{"rmsOffsetNanos":12345,"rmsSamples":16,"frequencyPpm":0.0,"skewPpm":null,
                             "lastRoundAgeMillis":400,"reach":255,"reachOctal":"377"},
                 "lastRound":{"roundId":19,"ageMillis":400,"included":2,
                   "members":[{"id":1,"status":"INCLUDED","reachOctal":"377"},
                              {"id":3,"status":"NO_REPLY","reachOctal":"376"},
                              {"id":5,"status":"INCLUDED","reachOctal":"377"}],
                   "excluded":[{"id":3,"status":"NO_REPLY","reason":"no reply"}]}}""");
        JsonNode kmc = node("""
                {"id":1,"name":"KMC","role":"SLAVE","coordinatorId":5,"epoch":1,"clockOffsetFromHostNanos":2000,
                 "clock":{"lastCorrectionNanos":-62100,"lastCorrectionAgeMillis":300},
                 "tracking":{"rmsOffsetNanos":62100,"rmsSamples":16,"frequencyPpm":-39.87654,"skewPpm":0.4321,
                             "lastRoundAgeMillis":125000,"reach":15,"reachOctal":"17"}}""");

        String table = StatusTable.render(List.of(new StatusClient.Result("a:5", lab, null),
                new StatusClient.Result("a:1", kmc, null)));
        List<String> lines = table.lines().toList();

        assertThat(lines.get(0)).contains("RMS").contains("FREQ(ppm)").contains("SKEW(ppm)").contains("REACH")
                .contains("AGE");
        assertThat(lines.get(1)).contains(" 12.3 us ").contains(" +0.000 ").contains(" 377 ").contains(" 0.4s ")
                .contains("round 19, 2/3 in, 3 no_reply");
        assertThat(lines.get(1)).as("no skew before the drift is estimated").containsPattern(" \\+0\\.000 +- +377 ");
        assertThat(lines.get(2)).contains(" 62.1 us ").contains(" -39.877 ").contains(" 0.432 ").contains(" 17 ")
                .contains(" 125s ").contains("corrected -62.1 us");
        assertThat(table).contains("LAB      reach: 1 377, 3 376").doesNotContain("376, 5");
        assertThat(lines).allMatch(l -> l.length() <= 150, "at most 150 characters wide");
    }

    @Test
    void aNodeWithoutTrackingShowsDashes() throws Exception {
        JsonNode old = node("""
                {"id":2,"name":"MIT","role":"SLAVE","coordinatorId":5,"epoch":1,"clockOffsetFromHostNanos":0}""");

        String row = StatusTable.render(List.of(new StatusClient.Result("a:2", old, null))).lines().skip(1)
                .findFirst().orElseThrow();

        assertThat(row).containsPattern("\\+0 ns +- +- +- +- +- +- ");
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
