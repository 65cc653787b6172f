package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    }
}
