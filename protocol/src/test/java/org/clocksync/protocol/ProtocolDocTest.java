package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.clocksync.protocol.auth.ClusterKey;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.auth.ReplayWindow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps PROTOCOL.md true to the code: every example it quotes must be exactly what the encoder writes. */
class ProtocolDocTest {
    private static String doc;

    @BeforeAll
    static void readDoc() throws IOException {
        Path path = Path.of("PROTOCOL.md");
        if (!Files.exists(path)) {
            path = Path.of("protocol", "PROTOCOL.md");
        }
        doc = Files.readString(path, StandardCharsets.UTF_8);
    }

    @Test
    void everyExampleHexAppearsInTheDocument() {
        for (Frame frame : ProtocolExamples.all()) {
            assertThat(doc).as("hex of %s in PROTOCOL.md (regenerate with ProtocolExamples.main)", frame.type())
                    .contains(ProtocolExamples.hex(frame));
        }
        for (Frame frame : ProtocolExamples.withVector()) {
            assertThat(doc).as("hex of %s with a vector timestamp in PROTOCOL.md (regenerate with ProtocolExamples.main)",
                    frame.type()).contains(ProtocolExamples.hex(frame));
        }
    }

    @Test
    void theSignedExampleAppearsInTheDocumentAndIsSigned() {
        for (Frame frame : ProtocolExamples.signed()) {
            String hex = ProtocolExamples.hex(frame, ProtocolExamples.exampleAuth());
            assertThat(hex.split(" ")[4]).as("flags of the signed %s", frame.type()).isEqualTo("01");
            assertThat(doc).as("signed hex of %s in PROTOCOL.md (regenerate with ProtocolExamples.main)", frame.type())
                    .contains(hex);
        }
        assertThat(doc).contains("### 1.2 Authentication (flag `0x01`)")
                .contains(String.valueOf(ProtocolExamples.EXAMPLE_FIRST_SEQUENCE))
                .doesNotContain("Reserved: authentication");
    }

    @Test
    void everyMessageTypeAndRejectReasonIsDocumented() {
        for (MessageType type : MessageType.values()) {
            assertThat(doc).contains(type.name());
        }
        for (RejectReason reason : RejectReason.values()) {
            assertThat(doc).contains(reason.name());
        }
    }

    @Test
    void theLimitsInTheDocumentMatchTheCode() {
        assertThat(doc).contains(String.valueOf(ProtocolLimits.MAX_FRAME_BYTES), String.valueOf(ProtocolLimits.HEADER_BYTES),
                String.valueOf(ProtocolLimits.MAX_NAME_BYTES), String.valueOf(ProtocolLimits.MAX_ERROR_TEXT_BYTES),
                String.valueOf(ProtocolLimits.MAX_SNAPSHOT_STATE_BYTES), String.valueOf(ProtocolLimits.MAX_IDS));
        assertThat(doc).contains(FrameAuth.TRAILER_BYTES + "-byte trailer",
                (ProtocolLimits.HEADER_BYTES + FrameAuth.TRAILER_BYTES) + " (" + ProtocolLimits.HEADER_BYTES + " + the "
                        + FrameAuth.TRAILER_BYTES + "-byte trailer)",
                "window of the " + ReplayWindow.WINDOW + " numbers", "tracks at most " + FrameAuth.MAX_SENDERS,
                "At the " + FrameDecoder.MAX_AUTH_FAILURES + "rd dropped frame",
                ClusterKey.MIN_SECRET_BYTES + " to " + ClusterKey.MAX_SECRET_BYTES + " bytes",
                "ids are " + ClusterKey.MIN_ID + " to " + ClusterKey.MAX_ID);
    }
}
