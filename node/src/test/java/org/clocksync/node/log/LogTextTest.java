package org.clocksync.node.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void plainTextIsKept() {
        assertThat(LogText.of("the master is starting; try again")).isEqualTo("the master is starting; try again");
        assertThat(LogText.of("Grüße, 時計")).isEqualTo("Grüße, 時計");
    }

    @Test
    void aPeerCannotForgeALineOrReorderOne() {
        String forged = LogText.of("x\"\n2026-11-22 INFO event=round\r\u202eevil\\");
        assertThat(forged).doesNotContain("\n", "\r", "\u202e", "\"").contains("\\u000a", "\\u202e", "\\u0022");
        assertThat(LogText.of(null)).isEqualTo("null");
    }
}
