package org.clocksync.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.ProtocolLimits;
import org.junit.jupiter.api.Test;

/** The initiator's collector, and parts as SNAPSHOT_STATE frames. */
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
        assertThat(collector.onState(2, part(2, List.of(1, 3), List.of()).toMessage(), T0 + 1)).isEmpty();
        assertThat(collector.missingNodeIds()).containsExactly(3);
        List<SnapshotAction> done = collector.onState(3, part(3, List.of(1, 2), List.of()).toMessage(), T0 + 2);
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
        // The JSON the daemon renders of this document is checked in node's SnapshotJsonTest.
        SnapshotDocument document = failure.document();
        assertThat(document.complete()).isFalse();
        assertThat(document.error()).isEqualTo(failure.reason());
        assertThat(document.missingNodeIds()).containsExactly(3);
        assertThat(document.durationNanos()).isEqualTo(500 * MS);
        ChannelState open = document.channel(3, 1);
        assertThat(open.messageCount()).isEqualTo(1);
        assertThat(open.truncated()).isFalse();
        assertThat(document.markerReceived(open)).isFalse();
        assertThat(open.messages()).containsExactly("m3");

        SnapshotCollector two = collector();
        two.onPart(part(1, List.of(2, 3), List.of(2, 3)), T0);
        assertThat(((SnapshotAction.Failed) two.tick(T0 + 500 * MS).get(0)).reason())
                .startsWith("snapshot 7 timed out after 500 ms: no state from nodes 2, 3 (down or unreachable?)");
    }

    @Test
    void anUnreadableOrMisattributedPartFailsTheSnapshotSayingWhat() {
        SnapshotCollector collector = collector();
        Message.SnapshotState.Recorded waitsOnAStranger = new Message.SnapshotState.Recorded(T0, 1, 2, 5, "SLAVE", Map.of(),
                List.of(), List.of(5));
        List<SnapshotAction> failed = collector.onState(2, Message.SnapshotState.recorded(7, 1, 2, 0, waitsOnAStranger), T0);
        assertThat(((SnapshotAction.Failed) failed.get(0)).reason())
                .isEqualTo("snapshot 7 failed: node 2 sent an unreadable state: node 2's part waits on channel 5->2, which it does not list");

        SnapshotCollector other = collector();
        List<SnapshotAction> wrong = other.onState(2, part(3, List.of(), List.of()).toMessage(), T0);
        assertThat(((SnapshotAction.Failed) wrong.get(0)).reason()).isEqualTo("snapshot 7 failed: node 2 sent the part of node 3 in snapshot 7 of node 1");

        SnapshotCollector third = collector();
        Message.SnapshotState.Recorded longRole = new Message.SnapshotState.Recorded(T0, 1, 2, 5, "R".repeat(LocalState.MAX_ROLE_CHARS + 1),
                Map.of(), List.of(), List.of());
        List<SnapshotAction> badField = third.onState(2, Message.SnapshotState.recorded(7, 1, 2, 0, longRole), T0);
        assertThat(((SnapshotAction.Failed) badField.get(0)).reason())
                .endsWith("unreadable state: role is 33 chars, the limit is 32");
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
        assertThat(node.onFrame(2, Message.SnapshotState.refused(5, 2, 2, T0, "garbage"), () -> null, T0)).isEmpty();
        assertThat(node.droppedStates()).isEqualTo(1);
    }

    @Test
    void aPartRoundTripsThroughTheWireWithAwkwardText() throws Exception {
        String awkward = "quote \" backslash \\ newline \n tab \t nul \u0000 caf\u00e9 \ud83d\ude00 \u2028";
        LocalState state = new LocalState(-5, 3, "MASTER \"x\"", 7, 9, Map.of("name", awkward, "coordinatorId", "5"));
        NodePart part = new NodePart(Long.MIN_VALUE, 4, 2, T0, state, List.of(new ChannelState(4, 2, List.of(awkward, ""), 3)),
                List.of(4), null);
        assertThat(NodePart.fromMessage(throughTheWire(part.toMessage()))).isEqualTo(part);
        NodePart refusal = NodePart.refusal(3, 4, 2, T0, "busy");
        assertThat(NodePart.fromMessage(throughTheWire(refusal.toMessage()))).isEqualTo(refusal);
    }

    @Test
    void aPartWithTheLargestStateAndManyChannelsStillFitsOneFrame() throws Exception {
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
        Message.SnapshotState message = part.toMessage();
        assertThat(Message.SnapshotState.payloadBytes(message.recorded(), null)).isLessThanOrEqualTo(NodePart.MAX_PAYLOAD_BYTES);
        NodePart back = NodePart.fromMessage(throughTheWire(message));
        assertThat(back.state()).isEqualTo(state);
        assertThat(back.channels()).hasSize(SnapshotParticipant.MAX_PEERS);
        assertThat(back.channels()).allSatisfy(c -> assertThat(c.messageCount()).isEqualTo(Long.MAX_VALUE));
    }

    @Test
    void theCharLimitsOfAPartFitTheByteLimitsOfTheWire() {
        // A char of UTF-16 is at most 3 bytes of UTF-8 (a surrogate pair: 2 chars, 4 bytes).
        assertThat(3 * LocalState.MAX_ROLE_CHARS).isLessThanOrEqualTo(ProtocolLimits.MAX_SNAPSHOT_ROLE_BYTES);
        assertThat(LocalState.MAX_EXTRA_KEY_CHARS).as("keys are ASCII").isLessThanOrEqualTo(ProtocolLimits.MAX_SNAPSHOT_EXTRA_KEY_BYTES);
        assertThat(3 * LocalState.MAX_EXTRA_VALUE_CHARS).isLessThanOrEqualTo(ProtocolLimits.MAX_SNAPSHOT_EXTRA_VALUE_BYTES);
        assertThat(3 * SnapshotParticipant.MAX_DESCRIPTION_CHARS).isLessThanOrEqualTo(ProtocolLimits.MAX_SNAPSHOT_MESSAGE_BYTES);
        assertThat(3 * NodePart.MAX_REFUSAL_CHARS).isLessThanOrEqualTo(ProtocolLimits.MAX_SNAPSHOT_REFUSAL_BYTES);
        NodePart longest = NodePart.refusal(1, 1, 2, T0, "\u20ac".repeat(NodePart.MAX_REFUSAL_CHARS + 5));
        assertThat(longest.toMessage().refusal()).hasSize(NodePart.MAX_REFUSAL_CHARS);
    }

    /** {@code message} encoded in a frame and decoded again, as the initiator receives it. */
    private static Message.SnapshotState throughTheWire(Message.SnapshotState message) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(new Frame(message.nodeId(), 1, 1, message), buf);
            buf.skipBytes(ProtocolLimits.LENGTH_FIELD_BYTES);
            return (Message.SnapshotState) FrameCodec.decodeBody(buf).message();
        } finally {
            buf.release();
        }
    }
}
