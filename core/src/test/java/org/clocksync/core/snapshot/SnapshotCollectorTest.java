package org.clocksync.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/** The initiator's collector, the part and document JSON, and the small JSON reader behind them. */
class SnapshotCollectorTest {
    private static final long T0 = 1_000_000_000_000L;
    private static final long MS = 1_000_000L;

    private static NodePart part(int nodeId, List<Integer> from, List<Integer> pending) {
        List<ChannelState> channels = new ArrayList<>();
        for (int f : from) {
            channels.add(new ChannelState(f, nodeId, List.of("m" + f), 1));
        }
        return new NodePart(7, 1, nodeId, T0, LocalState.of(T0, nodeId * 10L, "SLAVE", 2, 5), channels, pending, null);
    }

    private static SnapshotCollector collector() {
        return new SnapshotCollector(7, 1, List.of(1, 2, 3), T0, 500 * MS);
    }

    @Test
    void completesWhenEveryNodeReportedACompletePart() {
        SnapshotCollector collector = collector();
        assertThat(collector.onPart(part(1, List.of(2, 3), List.of()), T0)).isEmpty();
        assertThat(collector.onState(2, new Message.SnapshotState(7, part(2, List.of(1, 3), List.of()).toJson()), T0 + 1)).isEmpty();
        assertThat(collector.missingNodeIds()).containsExactly(3);
        List<SnapshotAction> done = collector.onState(3, new Message.SnapshotState(7, part(3, List.of(1, 2), List.of()).toJson()), T0 + 2);
        SnapshotDocument document = ((SnapshotAction.Completed) done.get(0)).document();
        assertThat(document.cut()).containsExactly(Map.entry(1, 10L), Map.entry(2, 20L), Map.entry(3, 30L));
        assertThat(document.channels()).extracting(ChannelState::name).containsExactly("1->2", "1->3", "2->1", "2->3", "3->1", "3->2");
        assertThat(collector.finished()).isTrue();
        assertThat(collector.tick(T0 + 600 * MS)).isEmpty();
        assertThat(collector.onPart(part(3, List.of(1, 2), List.of()), T0 + 3)).isEmpty();
    }

    @Test
    void timesOutNamingTheMissingNodesAndTheChannelsThatNeverDeliveredAMarker() {
        SnapshotCollector collector = collector();
        collector.onPart(part(1, List.of(2, 3), List.of(3)), T0 + 250 * MS);
        collector.onPart(part(2, List.of(1, 3), List.of(3)), T0 + 260 * MS);
        assertThat(collector.tick(T0 + 500 * MS - 1)).isEmpty();
        List<SnapshotAction> failed = collector.tick(T0 + 500 * MS);

        SnapshotAction.Failed failure = (SnapshotAction.Failed) failed.get(0);
        assertThat(failure.reason()).isEqualTo("snapshot 7 timed out after 500 ms: no state from node 3 (down or unreachable?);"
                + " markers never arrived on channels 3->1, 3->2");
        assertThat(failure.missingNodeIds()).containsExactly(3);
        Map<String, Object> json = Json.parseObject(failure.document().toJson());
        assertThat(json).containsEntry("complete", false).containsEntry("error", failure.reason())
                .containsEntry("missingNodeIds", List.of(3L)).containsEntry("durationNanos", 500 * MS);
        assertThat(json.get("channels").toString()).contains("{from=3, to=1, messageCount=1, truncated=false, markerReceived=false, messages=[m3]}");

        SnapshotCollector two = collector();
        two.onPart(part(1, List.of(2, 3), List.of(2, 3)), T0);
        assertThat(((SnapshotAction.Failed) two.tick(T0 + 500 * MS).get(0)).reason())
                .startsWith("snapshot 7 timed out after 500 ms: no state from nodes 2, 3 (down or unreachable?)");
    }

    @Test
    void anUnreadableOrMisattributedPartFailsTheSnapshotSayingWhat() {
        SnapshotCollector collector = collector();
        List<SnapshotAction> failed = collector.onState(2, new Message.SnapshotState(7, "{\"snapshotId\":7,"), T0);
        assertThat(((SnapshotAction.Failed) failed.get(0)).reason())
                .isEqualTo("snapshot 7 failed: node 2 sent an unreadable state: bad JSON at offset 16: unexpected end of JSON text");

        SnapshotCollector other = collector();
        List<SnapshotAction> wrong = other.onState(2, new Message.SnapshotState(7, part(3, List.of(), List.of()).toJson()), T0);
        assertThat(((SnapshotAction.Failed) wrong.get(0)).reason()).isEqualTo("snapshot 7 failed: node 2 sent the part of node 3 in snapshot 7 of node 1");

        SnapshotCollector third = collector();
        List<SnapshotAction> missingField = third.onState(2, new Message.SnapshotState(7,
                "{\"snapshotId\":7,\"initiatorId\":1,\"nodeId\":2,\"recordedAtNanos\":0,\"state\":{\"lamport\":1}}"), T0);
        assertThat(((SnapshotAction.Failed) missingField.get(0)).reason())
                .endsWith("unreadable state: field \"serviceClockNanos\" must be an integer, got null (or nothing)");
    }

    @Test
    void partsFromStrangersAndRepeatedPartsAreIgnored() {
        SnapshotCollector collector = collector();
        assertThat(collector.onPart(part(9, List.of(), List.of()), T0)).isEmpty();
        assertThat(collector.onPart(part(2, List.of(1, 3), List.of()), T0)).isEmpty();
        assertThat(collector.onPart(part(2, List.of(1, 3), List.of()), T0)).isEmpty();
        assertThat(collector.ignoredParts()).isEqualTo(2);
        assertThat(collector.missingNodeIds()).containsExactly(1, 3);
    }

    @Test
    void allReportedButSomeChannelsOpenFailsAtOnce() {
        SnapshotCollector collector = new SnapshotCollector(7, 1, List.of(1, 2), T0, 500 * MS);
        collector.onPart(part(1, List.of(2), List.of()), T0);
        List<SnapshotAction> failed = collector.onPart(part(2, List.of(1), List.of(1)), T0 + 1);
        assertThat(((SnapshotAction.Failed) failed.get(0)).reason())
                .isEqualTo("snapshot 7 failed: every node reported, but markers never arrived on channels 1->2");
    }

    @Test
    void aStateForNoRunningSnapshotIsDroppedByTheNode() {
        SnapshotNode node = new SnapshotNode(1, List.of(2), new SnapshotConfig(500 * MS));
        assertThat(node.onFrame(2, new Message.SnapshotState(5, "garbage"), () -> null, T0)).isEmpty();
        assertThat(node.droppedStates()).isEqualTo(1);
    }

    @Test
    void aPartRoundTripsThroughJsonWithAwkwardTextAndStaysPureAscii() {
        String awkward = "quote \" backslash \\ newline \n tab \t nul \u0000 caf\u00e9 \ud83d\ude00 \u2028";
        LocalState state = new LocalState(-5, 3, "MASTER \"x\"", 7, 9, Map.of("name", awkward, "coordinatorId", "5"));
        NodePart part = new NodePart(Long.MIN_VALUE, 4, 2, T0, state, List.of(new ChannelState(4, 2, List.of(awkward, ""), 3)),
                List.of(4), null);
        String json = part.toJson();
        assertThat(json.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)).isTrue();
        assertThat(NodePart.fromJson(json)).isEqualTo(part);
        NodePart refusal = NodePart.refusal(3, 4, 2, T0, "busy");
        assertThat(NodePart.fromJson(refusal.toJson())).isEqualTo(refusal);
    }

    @Test
    void aPartWithTheLargestStateAndManyChannelsStillFitsOneFrame() {
        Map<String, String> extra = new java.util.TreeMap<>();
        for (int i = 0; i < LocalState.MAX_EXTRA_ENTRIES; i++) {
            extra.put("k".repeat(LocalState.MAX_EXTRA_KEY_CHARS - 1) + i, "\u00e9".repeat(LocalState.MAX_EXTRA_VALUE_CHARS));
        }
        LocalState state = new LocalState(Long.MIN_VALUE, Long.MAX_VALUE, "\u00e9".repeat(LocalState.MAX_ROLE_CHARS),
                Long.MIN_VALUE, Long.MIN_VALUE, extra);
        List<ChannelState> channels = new ArrayList<>();
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < SnapshotParticipant.MAX_PEERS; i++) {
            int from = Integer.MAX_VALUE - i;
            channels.add(0, new ChannelState(from, 1, List.of("\u00e9".repeat(160), "b", "c"), Long.MAX_VALUE));
            pending.add(0, from);
        }
        NodePart part = new NodePart(Long.MIN_VALUE, Integer.MAX_VALUE, 1, Long.MIN_VALUE, state, channels, pending, null);
        String json = part.toJson();
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(NodePart.MAX_JSON_BYTES);
        NodePart back = NodePart.fromJson(json);
        assertThat(back.state()).isEqualTo(state);
        assertThat(back.channels()).hasSize(SnapshotParticipant.MAX_PEERS);
        assertThat(back.channels()).allSatisfy(c -> assertThat(c.messageCount()).isEqualTo(Long.MAX_VALUE));
    }

    @Test
    void theJsonReaderRefusesWhatItDoesNotKnowNamingTheOffset() {
        assertThat(Json.parse(" {\"a\" : [1, -2, true, false, null, \"\\u0041\\/\"], \"b\":{}} ").toString())
                .isEqualTo("{a=[1, -2, true, false, null, A/], b={}}");
        assertThatThrownBy(() -> Json.parse("{\"a\":1.5}")).hasMessage("bad JSON at offset 6: only integers are expected here");
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessage("bad JSON at offset 12: field \"a\" appears twice");
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessage("bad JSON at offset 4: unexpected text after the JSON value");
        assertThatThrownBy(() -> Json.parse("[[[[[[[[[1]]]]]]]]]")).hasMessage("bad JSON at offset 8: nested deeper than 8 levels");
        assertThatThrownBy(() -> Json.parse("\"\\x\"")).hasMessage("bad JSON at offset 2: bad escape '\\x'");
        assertThatThrownBy(() -> Json.parse("99999999999999999999")).hasMessage("bad JSON at offset 0: integer out of range");
        assertThatThrownBy(() -> Json.parse("")).hasMessage("bad JSON at offset 0: unexpected end of JSON text");
        assertThatThrownBy(() -> Json.parseObject("[]")).hasMessage("expected a JSON object, got an array");
    }
}
