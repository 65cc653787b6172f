package org.clocksync.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.clocksync.core.snapshot.ChannelState;
import org.clocksync.core.snapshot.LocalState;
import org.clocksync.core.snapshot.NodePart;
import org.clocksync.core.snapshot.SnapshotAction;
import org.clocksync.core.snapshot.SnapshotCollector;
import org.clocksync.core.snapshot.SnapshotConfig;
import org.clocksync.core.snapshot.SnapshotDocument;
import org.clocksync.core.snapshot.SnapshotNode;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/** The snapshot document as the admin interface returns it: field names, order and shape that clockctl, SnapshotIT and the docs rely on. */
class SnapshotJsonTest {
    private static final long T0 = 1_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalState state(long lamport) {
        return new LocalState(T0 + lamport, lamport, "SLAVE", 3, 12, Map.of("name", "KMC"));
    }

    @Test
    void aCompleteSnapshotOfTwoProcessesWithMessagesInFlightBothWays() throws Exception {
        SnapshotNode p = new SnapshotNode(1, List.of(2), new SnapshotConfig(1_000 * MS));
        SnapshotNode q = new SnapshotNode(2, List.of(1), new SnapshotConfig(1_000 * MS));
        Message m1 = new Message.BerkeleyPoll(1, 1);
        Message m2 = new Message.BerkeleyReply(1, 1, 42);
        long id = p.nextSnapshotId(T0);
        p.initiate(id, state(1), T0);
        q.onFrame(1, m1, () -> null, T0 + 1);
        List<SnapshotAction> qActions = q.onFrame(1, new Message.SnapshotMarker(id, 1), () -> state(3), T0 + 2);
        Message.SnapshotState qState = (Message.SnapshotState) ((SnapshotAction.SendMessage) qActions.get(1)).message();
        p.onFrame(2, m2, () -> null, T0 + 3);
        p.onFrame(2, new Message.SnapshotMarker(id, 1), () -> null, T0 + 4);
        SnapshotDocument document = ((SnapshotAction.Completed) p.onFrame(2, qState, () -> null, T0 + 5).get(0)).document();

        Map<String, Object> json = JSON.readValue(SnapshotJson.of(document), new TypeReference<>() { });

        assertThat(json).containsEntry("snapshotId", id).containsEntry("complete", true).containsEntry("initiatorId", 1);
        assertThat(json.keySet()).containsExactly("snapshotId", "initiatorId", "complete", "startedAtNanos", "finishedAtNanos",
                "durationNanos", "cut", "nodes", "channels");
        assertThat(json.get("cut").toString()).isEqualTo("[{nodeId=1, lamport=1, recordedAtNanos=" + T0 + "}, {nodeId=2, lamport=3, recordedAtNanos=" + (T0 + 2) + "}]");
        assertThat(json.get("channels").toString()).isEqualTo("[{from=1, to=2, messageCount=0, truncated=false, markerReceived=true, messages=[]},"
                + " {from=2, to=1, messageCount=1, truncated=false, markerReceived=true, messages=[" + SnapshotNode.describe(m2) + "]}]");
        assertThat(json.get("nodes").toString()).isEqualTo("[{nodeId=1, recordedAtNanos=" + T0 + ", complete=true, state={serviceClockNanos="
                + (T0 + 1) + ", lamport=1, role=SLAVE, epoch=3, lastRoundId=12, extra={name=KMC}}}, {nodeId=2, recordedAtNanos=" + (T0 + 2)
                + ", complete=true, state={serviceClockNanos=" + (T0 + 3) + ", lamport=3, role=SLAVE, epoch=3, lastRoundId=12, extra={name=KMC}}}]");
        assertThat(json).containsEntry("durationNanos", 5);
    }

    @Test
    void aTimedOutSnapshotNamesTheErrorTheMissingNodesAndTheOpenChannels() throws Exception {
        SnapshotCollector collector = new SnapshotCollector(7, 1, List.of(1, 2, 3), T0, 500 * MS);
        collector.onPart(new NodePart(7, 1, 1, T0, state(10), List.of(new ChannelState(2, 1, List.of("m2"), 1),
                new ChannelState(3, 1, List.of("m3"), 1)), List.of(3), null), T0 + 250 * MS);
        SnapshotAction.Failed failure = (SnapshotAction.Failed) collector.tick(T0 + 500 * MS).get(0);

        String text = SnapshotJson.of(failure.document());
        Map<String, Object> json = JSON.readValue(text, new TypeReference<>() { });

        assertThat(json).containsEntry("complete", false).containsEntry("error", failure.reason())
                .containsEntry("missingNodeIds", List.of(2, 3)).containsEntry("durationNanos", (int) (500 * MS))
                .containsEntry("refusals", List.of());
        assertThat(json.keySet()).containsExactly("snapshotId", "initiatorId", "complete", "startedAtNanos", "finishedAtNanos",
                "durationNanos", "error", "missingNodeIds", "refusals", "cut", "nodes", "channels");
        assertThat(json.get("channels").toString()).contains("{from=3, to=1, messageCount=1, truncated=false, markerReceived=false, messages=[m3]}");
        assertThat(JSON.readTree(text).path("missingNodeIds").toString()).as("as SnapshotIT reads it").isEqualTo("[2,3]");
    }

    @Test
    void aRefusalIsListedAndTheRefusingNodeHasNoStateOrCutEntry() throws Exception {
        SnapshotCollector collector = new SnapshotCollector(7, 1, List.of(1, 2), T0, 500 * MS);
        collector.onPart(new NodePart(7, 1, 1, T0, state(10), List.of(new ChannelState(2, 1, List.of(), 0)), List.of(), null), T0);
        SnapshotAction.Failed failure = (SnapshotAction.Failed) collector.onPart(NodePart.refusal(7, 1, 2, T0, "busy"), T0 + 1).get(0);

        JsonNode json = JSON.readTree(SnapshotJson.of(failure.document()));

        assertThat(json.path("refusals").toString()).isEqualTo("[{\"nodeId\":2,\"reason\":\"busy\"}]");
        assertThat(json.path("missingNodeIds").toString()).isEqualTo("[]");
        assertThat(json.path("cut")).hasSize(1);
        assertThat(json.path("nodes").get(0).path("nodeId").asInt()).isEqualTo(1);
    }

    @Test
    void awkwardTextIsEscapedSoTheDocumentIsPureAscii() throws Exception {
        String awkward = "quote \" backslash \\ newline \n tab \t nul \u0000 caf\u00e9 \ud83d\ude00 \u2028";
        LocalState state = new LocalState(-5, 3, "MASTER \"x\"", 7, 9, Map.of("name", awkward));
        NodePart part = new NodePart(9, 2, 2, T0, state, List.of(), List.of(), null);
        SnapshotDocument document = new SnapshotDocument(9, 2, T0, T0 + 1, List.of(part), List.of(), null);

        String text = SnapshotJson.of(document);

        assertThat(text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)).isTrue();
        assertThat(JSON.readTree(text).path("nodes").get(0).path("state").path("extra").path("name").asText()).isEqualTo(awkward);
        assertThat(JSON.readTree(text).path("nodes").get(0).path("state").path("role").asText()).isEqualTo("MASTER \"x\"");
    }
}
