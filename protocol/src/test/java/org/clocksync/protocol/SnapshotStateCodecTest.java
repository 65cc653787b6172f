package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.clocksync.protocol.FrameCodecTest.assertRejected;
import static org.clocksync.protocol.FrameCodecTest.body;
import static org.clocksync.protocol.FrameCodecTest.decode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.clocksync.protocol.Message.SnapshotState.Channel;
import org.clocksync.protocol.Message.SnapshotState.Recorded;
import org.clocksync.protocol.Message.SnapshotState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The typed SNAPSHOT_STATE payload: every field survives the codec, and every way a peer can get it wrong is a BAD_PAYLOAD. */
class SnapshotStateCodecTest {
    private static final long CLOCK_NANOS = 1_700_000_000_123_456_789L;
    /** Payload offset of the kind byte, and of the role's length after the four i64 of a recorded state. */
    private static final int KIND_AT = 24;
    private static final int ROLE_AT = 57;

    private static Recorded recorded(String role, Map<String, String> extra, List<Channel> channels, List<Integer> pending) {
        return new Recorded(CLOCK_NANOS, 44, 100_001, 17, role, extra, channels, pending);
    }

    private static byte[] frameBytes(Message message) {
        return Wire.bytes(new Frame(3, 2, 42, message));
    }

    /** The payload of {@code message} as the encoder writes it. */
    private static byte[] payload(Message message) {
        byte[] frame = frameBytes(message);
        return Arrays.copyOfRange(frame, 4 + ProtocolLimits.HEADER_BYTES, frame.length);
    }

    private static byte[] withPayload(byte[] payload) {
        return body(Wire.frame(MessageType.SNAPSHOT_STATE, payload));
    }

    /** The head every recorded state starts with, up to and including the role. */
    private static byte[] head(String role) {
        byte[] roleBytes = role.getBytes(StandardCharsets.UTF_8);
        return Wire.payload(7L, 1, 3, CLOCK_NANOS, new byte[] {SnapshotState.RECORDED}, CLOCK_NANOS, 44L, 100_001L, 17L,
                (short) roleBytes.length, roleBytes);
    }

    @Test
    void aRecordedStateRoundTripsWithEveryField() throws Exception {
        SnapshotState state = SnapshotState.recorded(7, 1, 3, CLOCK_NANOS, recorded("SLAVE",
                Map.of("name", "KMC", "coordinator", "1", "ü", "\uD83D\uDD50"),
                List.of(new Channel(1, 1500, List.of("Heartbeat[sequence=311, coordinatorId=1]", "")),
                        new Channel(2, 0, List.of()), new Channel(9, 3, List.of("a", "b", "c"))),
                List.of(2, 9)));
        Frame frame = new Frame(3, 2, 42, state);

        Frame back = decode(Wire.bytes(frame));

        assertThat(back).isEqualTo(frame);
        SnapshotState decoded = (SnapshotState) back.message();
        assertThat(decoded.recorded().extra().keySet()).as("sorted, so the bytes are the same every time")
                .containsExactly("coordinator", "name", "ü");
        assertThat(decoded.recorded().channels().get(0).messageCount()).isEqualTo(1500);
        assertThat(decoded.refused()).isFalse();
    }

    @Test
    void aRefusalRoundTripsAndCarriesNoState() throws Exception {
        SnapshotState refusal = SnapshotState.refused(7, 1, 3, CLOCK_NANOS, "node 3 is already in 8 snapshots, the limit");
        Frame frame = new Frame(3, 2, 42, refusal);

        assertThat(decode(Wire.bytes(frame))).isEqualTo(frame);
        assertThat(payload(refusal)[KIND_AT]).isEqualTo((byte) SnapshotState.REFUSED);
        assertThat(refusal.recorded()).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {65, 66, 79, 80, 81, 4096, 12_287, ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES})
    void payloadBytesIsExactlyWhatTheEncoderWritesUpToTheLimit(int payloadBytes) throws Exception {
        SnapshotState state = ProtocolExamples.snapshotStateFilling(payloadBytes);

        assertThat(payload(state)).hasSize(payloadBytes);
        assertThat(SnapshotState.payloadBytes(state.recorded(), null)).isEqualTo(payloadBytes);
        assertThat(decode(frameBytes(state)).message()).isEqualTo(state);
    }

    @Test
    void aStateOverThePayloadLimitCannotBeBuilt() {
        Recorded large = ProtocolExamples.snapshotStateFilling(ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES).recorded();
        Recorded oneByteMore = new Recorded(large.serviceClockNanos(), large.lamport(), large.epoch(), large.lastRoundId(),
                large.role() + "r", large.extra(), large.channels(), large.pendingChannelIds());

        assertThatThrownBy(() -> SnapshotState.recorded(11, 1, 3, 0, oneByteMore))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 12289 bytes, the limit is 12288");
    }

    @Test
    void theRecordsRefuseWhatTheWireCannotCarry() {
        assertThatThrownBy(() -> new SnapshotState(7, 1, 3, 0, null, null)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> SnapshotState.refused(7, 0, 3, 0, "x")).hasMessageContaining("initiatorId must be a positive node id");
        assertThatThrownBy(() -> new Channel(2, 1, List.of("a", "b"))).hasMessageContaining("counts 1 messages but keeps 2");
        assertThatThrownBy(() -> new Channel(2, 1, List.of("\uD800"))).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> recorded("r".repeat(ProtocolLimits.MAX_SNAPSHOT_ROLE_BYTES + 1), Map.of(), List.of(), List.of()))
                .hasMessageContaining("role is 129 bytes");
        assertThatThrownBy(() -> recorded("SLAVE", Map.of(), List.of(), List.of(0))).hasMessageContaining("pendingChannelIds holds 0");
    }

    @Test
    void everyTruncationOfAValidPayloadIsABadPayload() {
        byte[] whole = payload(ProtocolExamples.all().stream().filter(f -> f.type() == MessageType.SNAPSHOT_STATE)
                .findFirst().orElseThrow().message());
        for (int length = 0; length < whole.length; length++) {
            assertRejected(withPayload(Arrays.copyOf(whole, length)), RejectReason.BAD_PAYLOAD, "SNAPSHOT_STATE: ");
        }
        assertRejected(withPayload(Arrays.copyOf(whole, KIND_AT + 3)), RejectReason.BAD_PAYLOAD,
                "serviceClockNanos at payload offset 25 needs 8 bytes, 2 left");
    }

    @Test
    void anUnknownKindIsABadPayload() {
        byte[] payload = payload(SnapshotState.refused(7, 1, 3, 0, "busy"));
        payload[KIND_AT] = 2;
        assertRejected(withPayload(payload), RejectReason.BAD_PAYLOAD, "kind 2 is neither 0 (recorded) nor 1 (refused)");
    }

    @Test
    void absurdCountsAreRefusedBeforeAnythingIsAllocated() {
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 0xFFFF)), RejectReason.BAD_PAYLOAD,
                "extra has 65535 entries, the limit is 8");
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 0, (short) 65)), RejectReason.BAD_PAYLOAD,
                "channels has 65 entries, the limit is 64");
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 0, (short) 64)), RejectReason.BAD_PAYLOAD,
                "channels count 64 cannot fit the 0 bytes left in the payload");
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 0, (short) 1, 2, 5L, (short) 1001)),
                RejectReason.BAD_PAYLOAD, "channel messages has 1001 entries, the limit is 1000");
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 0, (short) 0, (short) 65)),
                RejectReason.BAD_PAYLOAD, "pendingChannelIds has 65 ids, the limit is 64");
    }

    @Test
    void oversizedStringsAreRefusedByTheirLimit() {
        byte[] role = new byte[ProtocolLimits.MAX_SNAPSHOT_ROLE_BYTES + 1];
        assertRejected(withPayload(Wire.payload(Arrays.copyOf(head(""), ROLE_AT), (short) role.length, role)),
                RejectReason.BAD_PAYLOAD, "role is 129 bytes, the limit is 128");
        byte[] message = new byte[ProtocolLimits.MAX_SNAPSHOT_MESSAGE_BYTES + 1];
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 0, (short) 1, 2, 5L, (short) 1, (short) message.length, message)),
                RejectReason.BAD_PAYLOAD, "channel message is 513 bytes, the limit is 512");
        byte[] key = new byte[ProtocolLimits.MAX_SNAPSHOT_EXTRA_KEY_BYTES + 1];
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 1, (short) key.length, key)),
                RejectReason.BAD_PAYLOAD, "extra key is 33 bytes, the limit is 32");
        byte[] value = new byte[ProtocolLimits.MAX_SNAPSHOT_EXTRA_VALUE_BYTES + 1];
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 1, (short) 1, new byte[] {'k'}, (short) value.length, value)),
                RejectReason.BAD_PAYLOAD, "extra value is 257 bytes, the limit is 256");
        byte[] refusal = new byte[ProtocolLimits.MAX_SNAPSHOT_REFUSAL_BYTES + 1];
        assertRejected(withPayload(Wire.payload(7L, 1, 3, 0L, new byte[] {SnapshotState.REFUSED}, (short) refusal.length, refusal)),
                RejectReason.BAD_PAYLOAD, "refusal is 1025 bytes, the limit is 1024");
        assertRejected(withPayload(Wire.payload(7L, 1, 3, 0L, new byte[] {SnapshotState.REFUSED}, (short) 3,
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})), RejectReason.BAD_PAYLOAD, "refusal is not valid UTF-8");
    }

    @Test
    void fieldsOutOfRangeAreBadPayloads() {
        assertRejected(withPayload(Wire.payload(7L, 1, 0, 0L, new byte[] {SnapshotState.REFUSED}, (short) 0)),
                RejectReason.BAD_PAYLOAD, "nodeId must be a positive node id, got 0");
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 0, (short) 1, -2, 0L, (short) 0, (short) 0)),
                RejectReason.BAD_PAYLOAD, "channel fromId must be a positive node id, got -2");
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 0, (short) 1, 2, 0L, (short) 1, (short) 1, new byte[] {'m'},
                (short) 0)), RejectReason.BAD_PAYLOAD, "channel 2 counts 0 messages but keeps 1");
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 2, (short) 1, new byte[] {'k'}, (short) 1, new byte[] {'a'},
                (short) 1, new byte[] {'k'}, (short) 1, new byte[] {'b'}, (short) 0, (short) 0)),
                RejectReason.BAD_PAYLOAD, "extra key \"k\" follows \"k\": keys must be ascending, each once");
        assertRejected(withPayload(Wire.payload(head("SLAVE"), (short) 2, (short) 1, new byte[] {'k'}, (short) 1, new byte[] {'a'},
                (short) 1, new byte[] {'a'}, (short) 1, new byte[] {'b'}, (short) 0, (short) 0)),
                RejectReason.BAD_PAYLOAD, "extra key \"a\" follows \"k\"");
        byte[] negativeLamport = head("SLAVE");
        Arrays.fill(negativeLamport, 33, 41, (byte) 0xFF);
        assertRejected(withPayload(Wire.payload(negativeLamport, (short) 0, (short) 0, (short) 0)), RejectReason.BAD_PAYLOAD,
                "lamport must not be negative, got -1");
    }

    @Test
    void aPayloadOverTheStateLimitIsABadPayloadEvenInsideTheFrameLimit() {
        List<byte[]> fields = new ArrayList<>();
        fields.add(head("SLAVE"));
        fields.add(Wire.payload((short) 0, (short) 30));
        byte[] description = "x".repeat(ProtocolLimits.MAX_SNAPSHOT_MESSAGE_BYTES).getBytes(StandardCharsets.US_ASCII);
        IntStream.rangeClosed(1, 30).forEach(fromId -> fields.add(Wire.payload(fromId, 1L, (short) 1,
                (short) description.length, description)));
        fields.add(Wire.payload((short) 0));
        byte[] payload = Wire.concat(fields.toArray(byte[][]::new));
        assertThat(payload.length).isBetween(ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES + 1,
                ProtocolLimits.MAX_FRAME_BYTES - ProtocolLimits.HEADER_BYTES);

        assertRejected(withPayload(payload), RejectReason.BAD_PAYLOAD, "the limit is 12288");
    }
}
