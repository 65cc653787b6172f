package org.clocksync.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/** The participant and the node facade on hand-built schedules. */
class SnapshotParticipantTest {
    private static final long T0 = 1_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final SnapshotConfig CONFIG = new SnapshotConfig(1_000 * MS);

    private static LocalState state(long lamport) {
        return new LocalState(T0 + lamport, lamport, "SLAVE", 3, 12, Map.of("name", "KMC"));
    }

    private static Supplier<LocalState> supply(long lamport) {
        return () -> state(lamport);
    }

    private static Supplier<LocalState> never() {
        return () -> {
            throw new AssertionError("the state must not be asked for now");
        };
    }

    private static SnapshotAction.SendMessage marker(int toId, long snapshotId, int initiatorId) {
        return new SnapshotAction.SendMessage(toId, new Message.SnapshotMarker(snapshotId, initiatorId));
    }

    /** The only SnapshotState frame among the actions. */
    private static Message.SnapshotState stateFrame(List<SnapshotAction> actions, int toId) {
        List<Message.SnapshotState> frames = new ArrayList<>();
        for (SnapshotAction action : actions) {
            if (action instanceof SnapshotAction.SendMessage send && send.message() instanceof Message.SnapshotState state) {
                assertThat(send.toNodeId()).isEqualTo(toId);
                frames.add(state);
            }
        }
        assertThat(frames).hasSize(1);
        return frames.get(0);
    }

    /**
     * The classic example: P and Q, each with a message in flight to the other. P records and sends its marker after
     * m1; Q receives m1, then the marker, and records (m1's receive is in its state, so 1->2 is empty); Q's m2 was sent
     * before Q recorded and reaches P after P recorded and before Q's marker, so it is the state of channel 2->1.
     */
    @Test
    void twoProcessesWithMessagesInFlightBothWays() {
        SnapshotNode p = new SnapshotNode(1, List.of(2), CONFIG);
        SnapshotNode q = new SnapshotNode(2, List.of(1), CONFIG);
        Message m1 = new Message.BerkeleyPoll(1, 1);
        Message m2 = new Message.BerkeleyReply(1, 1, 42);
        // P has sent m1 (Lamport 1); Q has sent m2 (Lamport 1); both are in flight.
        long id = p.nextSnapshotId(T0);
        assertThat(p.initiate(id, state(1), T0)).containsExactly(marker(2, id, 1));

        assertThat(q.onFrame(1, m1, never(), T0 + 1)).isEmpty();
        List<SnapshotAction> qActions = q.onFrame(1, new Message.SnapshotMarker(id, 1), supply(3), T0 + 2);
        assertThat(qActions.get(0)).isEqualTo(marker(1, id, 1));
        Message.SnapshotState qState = stateFrame(qActions, 1);

        assertThat(p.participant().isRecording(1, id, 2)).isTrue();
        assertThat(p.onFrame(2, m2, never(), T0 + 3)).isEmpty();
        assertThat(p.onFrame(2, new Message.SnapshotMarker(id, 1), never(), T0 + 4)).isEmpty();
        List<SnapshotAction> done = p.onFrame(2, qState, never(), T0 + 5);

        assertThat(done).hasSize(1).first().isInstanceOf(SnapshotAction.Completed.class);
        SnapshotDocument document = ((SnapshotAction.Completed) done.get(0)).document();
        assertThat(document.snapshotId()).isEqualTo(id);
        assertThat(document.cut()).containsExactly(Map.entry(1, 1L), Map.entry(2, 3L));
        assertThat(document.channel(2, 1).messages()).containsExactly(SnapshotNode.describe(m2));
        assertThat(document.channel(1, 2).messages()).isEmpty();
        assertThat(document.states().get(2)).isEqualTo(state(3));
        assertThat(document.finishedAtNanos() - document.startedAtNanos()).isEqualTo(5);
        assertThat(p.initiatedRunning()).isZero();
        assertThat(p.participant().runningCount()).isZero();
        assertThat(q.participant().runningCount()).isZero();

        // The JSON the daemon renders of this document is checked in node's SnapshotJsonTest.
        assertThat(document.complete()).isTrue();
        assertThat(document.initiatorId()).isEqualTo(1);
        assertThat(document.parts()).extracting(NodePart::nodeId, NodePart::recordedAtNanos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, T0), org.assertj.core.groups.Tuple.tuple(2, T0 + 2));
        assertThat(document.channels()).extracting(ChannelState::name, ChannelState::messageCount, ChannelState::truncated,
                        document::markerReceived, ChannelState::messages)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1->2", 0L, false, true, List.of()),
                        org.assertj.core.groups.Tuple.tuple("2->1", 1L, false, true, List.of(SnapshotNode.describe(m2))));
    }

    @Test
    void theFirstMarkerRecordsAndSendsMarkersEverywhereAndLaterMarkersCloseTheirChannels() {
        SnapshotParticipant node = new SnapshotParticipant(2, List.of(1, 3, 4), List.of(1, 3, 4), 100 * MS);
        Message.SnapshotMarker m = new Message.SnapshotMarker(9, 1);

        assertThat(node.onMarker(1, m, supply(5), T0)).containsExactly(marker(1, 9, 1), marker(3, 9, 1), marker(4, 9, 1));
        assertThat(node.isRecording(1, 9, 1)).as("the marker's own channel is empty").isFalse();
        assertThat(node.isRecording(1, 9, 3)).isTrue();
        node.onMessage(3, "a", T0 + 1);
        node.onMessage(4, "b", T0 + 1);
        node.onMessage(1, "not recorded: its marker came first", T0 + 1);
        assertThat(node.onMarker(3, m, never(), T0 + 2)).isEmpty();
        node.onMessage(3, "not recorded: after 3's marker", T0 + 3);
        node.onMessage(4, "c", T0 + 3);
        assertThat(node.onMarker(3, m, never(), T0 + 3)).as("a repeated marker").isEmpty();
        List<SnapshotAction> last = node.onMarker(4, m, never(), T0 + 4);

        assertThat(last).hasSize(1);
        NodePart part = ((SnapshotAction.PartReady) last.get(0)).part();
        assertThat(part.complete()).isTrue();
        assertThat(part.state()).isEqualTo(state(5));
        assertThat(part.recordedAtNanos()).isEqualTo(T0);
        assertThat(part.channels()).containsExactly(new ChannelState(1, 2, List.of(), 0), new ChannelState(3, 2, List.of("a"), 1),
                new ChannelState(4, 2, List.of("b", "c"), 2));
        assertThat(node.runningCount()).isZero();
        assertThat(node.onMarker(1, m, never(), T0 + 5)).as("a marker after the end does not start it again").isEmpty();
        assertThat(node.ignoredMarkers()).isEqualTo(2);
        assertThat(node.completedParts()).isEqualTo(1);
    }

    @Test
    void messagesBeforeRecordingAreNotChannelStateAndMarkersFromStrangersAreIgnored() {
        SnapshotParticipant node = new SnapshotParticipant(2, List.of(1), List.of(1, 3), 100 * MS);
        node.onMessage(3, "before", T0);
        assertThat(node.onMarker(7, new Message.SnapshotMarker(1, 7), never(), T0)).isEmpty();
        assertThat(node.runningCount()).isZero();
        assertThat(node.onMarker(3, new Message.SnapshotMarker(1, 7), supply(1), T0)).containsExactly(marker(1, 1, 7));
        node.onMessage(1, "after", T0);
        NodePart part = ((SnapshotAction.PartReady) node.onMarker(1, new Message.SnapshotMarker(1, 7), never(), T0).get(0)).part();
        assertThat(part.channels()).containsExactly(new ChannelState(1, 2, List.of("after"), 1), new ChannelState(3, 2, List.of(), 0));
        assertThat(node.ignoredMarkers()).isEqualTo(1);
    }

    @Test
    void concurrentSnapshotsRecordTheirOwnChannelsWithoutInterfering() {
        SnapshotParticipant node = new SnapshotParticipant(1, List.of(2, 3), List.of(2, 3), 100 * MS);
        node.initiate(10, state(1), T0);
        node.onMessage(2, "x", T0 + 1);
        node.onMarker(3, new Message.SnapshotMarker(20, 3), supply(2), T0 + 2);
        node.onMessage(2, "y", T0 + 3);
        node.onMessage(3, "z", T0 + 3);
        List<SnapshotAction> first = node.onMarker(2, new Message.SnapshotMarker(20, 3), never(), T0 + 4);
        NodePart twenty = ((SnapshotAction.PartReady) first.get(0)).part();
        assertThat(twenty.snapshotId()).isEqualTo(20);
        assertThat(twenty.initiatorId()).isEqualTo(3);
        assertThat(twenty.state()).isEqualTo(state(2));
        assertThat(twenty.channels()).containsExactly(new ChannelState(2, 1, List.of("y"), 1), new ChannelState(3, 1, List.of(), 0));
        assertThat(node.onMarker(3, new Message.SnapshotMarker(10, 1), never(), T0 + 5)).isEmpty();
        NodePart ten = ((SnapshotAction.PartReady) node.onMarker(2, new Message.SnapshotMarker(10, 1), never(), T0 + 6).get(0)).part();
        assertThat(ten.channels()).containsExactly(new ChannelState(2, 1, List.of("x", "y"), 2), new ChannelState(3, 1, List.of("z"), 1));
    }

    @Test
    void theSameSnapshotIdFromTwoInitiatorsIsTwoSnapshots() {
        SnapshotParticipant node = new SnapshotParticipant(1, List.of(2, 3), List.of(2, 3), 100 * MS);
        assertThat(node.onMarker(2, new Message.SnapshotMarker(5, 2), supply(1), T0)).hasSize(2);
        assertThat(node.onMarker(3, new Message.SnapshotMarker(5, 3), supply(2), T0)).hasSize(2);
        assertThat(node.runningCount()).isEqualTo(2);
    }

    @Test
    void aNodeWithoutIncomingChannelsCompletesAtOnce() {
        SnapshotNode alone = new SnapshotNode(4, List.of(), CONFIG);
        List<SnapshotAction> actions = alone.initiate(alone.nextSnapshotId(T0), state(0), T0);
        assertThat(actions).hasSize(1).first().isInstanceOf(SnapshotAction.Completed.class);
        assertThat(((SnapshotAction.Completed) actions.get(0)).document().cut()).containsExactly(Map.entry(4, 0L));
    }

    @Test
    void aNinthSnapshotIsRefusedSayingWhyAndItsInitiatorLearnsAtOnce() {
        SnapshotNode node = new SnapshotNode(2, List.of(1, 3), CONFIG);
        for (int i = 1; i <= SnapshotParticipant.MAX_RUNNING; i++) {
            assertThat(node.onFrame(1, new Message.SnapshotMarker(i, 1), supply(i), T0)).hasSize(2);
        }
        List<SnapshotAction> refused = node.onFrame(3, new Message.SnapshotMarker(99, 3), never(), T0);
        NodePart refusal = NodePart.fromMessage(stateFrame(refused, 3));
        assertThat(refusal.refused()).isTrue();
        assertThat(refusal.refusal()).isEqualTo("node 2 is already in 8 snapshots, the limit; try again when they finish");
        assertThat(node.onFrame(1, new Message.SnapshotMarker(99, 3), never(), T0)).as("refused once only").isEmpty();

        SnapshotNode initiator = new SnapshotNode(3, List.of(1, 2), CONFIG);
        initiator.initiate(99, state(1), T0);
        List<SnapshotAction> failed = initiator.onFrame(2, stateFrame(refused, 3), never(), T0 + 1);
        assertThat(failed).hasSize(1);
        assertThat(((SnapshotAction.Failed) failed.get(0)).reason())
                .isEqualTo("snapshot 99 failed: node 2 refused to take part: node 2 is already in 8 snapshots, the limit; try again when they finish");
        assertThat(initiator.initiatedRunning()).isZero();

        List<SnapshotAction> ownRefusal = node.initiate(node.nextSnapshotId(T0), state(1), T0);
        assertThat(ownRefusal).hasSize(1);
        assertThat(((SnapshotAction.Failed) ownRefusal.get(0)).reason()).contains("node 2 refused to take part");
    }

    @Test
    void aNodeRunsAtMostEightSnapshotsItStarted() {
        SnapshotNode node = new SnapshotNode(1, List.of(2), CONFIG);
        for (int i = 0; i < SnapshotNode.MAX_INITIATED; i++) {
            assertThat(node.initiate(node.nextSnapshotId(T0), state(1), T0)).hasSize(1);
        }
        long ninth = node.nextSnapshotId(T0);
        List<SnapshotAction> actions = node.initiate(ninth, state(1), T0);
        assertThat(((SnapshotAction.Failed) actions.get(0)).reason())
                .isEqualTo("snapshot " + ninth + " failed: node 1 is already running 8 snapshots it started, the limit; try again when one finishes");
        assertThatThrownBy(() -> node.initiate(ninth - 1, state(1), T0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshot id " + (ninth - 1) + " was already used at node 1");
    }

    @Test
    void snapshotIdsGrowAcrossCallsAndFollowTheHostClock() {
        SnapshotNode node = new SnapshotNode(1, List.of(2), CONFIG);
        assertThat(node.nextSnapshotId(T0)).isEqualTo(T0);
        assertThat(node.nextSnapshotId(T0)).isEqualTo(T0 + 1);
        assertThat(node.nextSnapshotId(T0 - 5)).isEqualTo(T0 + 2);
        assertThat(node.nextSnapshotId(T0 + 100)).isEqualTo(T0 + 100);
    }

    @Test
    void aChannelKeepsAThousandMessagesAndCountsTheRest() {
        SnapshotParticipant node = new SnapshotParticipant(1, List.of(2), List.of(2), 100 * MS);
        node.initiate(1, state(1), T0);
        for (int i = 0; i < 1_234; i++) {
            node.onMessage(2, "message number " + i + " " + "x".repeat(200), T0);
        }
        NodePart part = ((SnapshotAction.PartReady) node.onMarker(2, new Message.SnapshotMarker(1, 1), never(), T0).get(0)).part();
        ChannelState channel = part.channels().get(0);
        assertThat(channel.messages()).hasSize(SnapshotParticipant.MAX_MESSAGES_PER_CHANNEL);
        assertThat(channel.messageCount()).isEqualTo(1_234);
        assertThat(channel.truncated()).isTrue();
        assertThat(channel.messages().get(0)).hasSize(SnapshotParticipant.MAX_DESCRIPTION_CHARS).startsWith("message number 0 x");

        Message.SnapshotState message = part.toMessage();
        assertThat(Message.SnapshotState.payloadBytes(message.recorded(), null)).isLessThanOrEqualTo(NodePart.MAX_PAYLOAD_BYTES);
        NodePart back = NodePart.fromMessage(message);
        assertThat(back.channels().get(0).messageCount()).isEqualTo(1_234);
        assertThat(back.channels().get(0).messages()).isNotEmpty().isEqualTo(channel.messages().subList(0, back.channels().get(0).messages().size()));
        assertThat(back.channels().get(0).messages()).as("a prefix, cut to fit one frame").hasSizeLessThan(channel.messages().size());
    }

    @Test
    void aParticipantGivesUpAfterThePartTimeoutNamingTheOpenChannels() {
        SnapshotParticipant node = new SnapshotParticipant(2, List.of(1, 3), List.of(1, 3), 100 * MS);
        node.onMarker(1, new Message.SnapshotMarker(4, 1), supply(1), T0);
        node.onMessage(3, "late", T0 + 1);
        assertThat(node.tick(T0 + 100 * MS - 1)).isEmpty();
        List<SnapshotAction> given = node.tick(T0 + 100 * MS);
        NodePart part = ((SnapshotAction.PartReady) given.get(0)).part();
        assertThat(part.complete()).isFalse();
        assertThat(part.pendingChannelIds()).containsExactly(3);
        assertThat(part.channels().get(1).messages()).containsExactly("late");
        assertThat(node.runningCount()).isZero();
        assertThat(node.timeouts()).isEqualTo(1);
        assertThat(node.onMarker(3, new Message.SnapshotMarker(4, 1), never(), T0 + 200 * MS)).isEmpty();
    }

    @Test
    void badArgumentsAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> new SnapshotParticipant(1, List.of(1), List.of(), MS)).hasMessage("outgoing peers must be positive node ids other than 1, got 1");
        assertThatThrownBy(() -> new SnapshotParticipant(0, List.of(), List.of(), MS)).hasMessage("selfId must be a positive node id, got 0");
        List<Integer> many = new ArrayList<>();
        for (int i = 2; i <= 2 + SnapshotParticipant.MAX_PEERS; i++) {
            many.add(i);
        }
        assertThatThrownBy(() -> new SnapshotParticipant(1, List.of(), many, MS)).hasMessage("65 incoming peers, the limit is 64");
        assertThatThrownBy(() -> new SnapshotConfig(0)).hasMessageContaining("between 1 ms and 10 minutes");
        assertThatThrownBy(() -> new LocalState(0, -1, "SLAVE", 0, 0, Map.of())).hasMessage("lamport must not be negative, got -1");
        assertThatThrownBy(() -> new LocalState(0, 0, "SLAVE", 0, 0, Map.of("bad key", "v"))).hasMessageContaining("extra key \"bad key\"");
        assertThatThrownBy(() -> new LocalState(0, 0, "SLAVE", 0, 0, Map.of("k", "v".repeat(65)))).hasMessageContaining("at most 64 chars");
        SnapshotParticipant node = new SnapshotParticipant(1, List.of(2), List.of(2), MS);
        node.initiate(3, state(0), T0);
        assertThatThrownBy(() -> node.initiate(3, state(0), T0)).hasMessage("snapshot id 3 was already used by node 1");
    }
}
