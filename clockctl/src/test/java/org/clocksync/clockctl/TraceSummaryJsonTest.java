package org.clocksync.clockctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code trace merge --json} writes for the values a merged trace may lack. */
class TraceSummaryJsonTest {
    @Test
    void aNodeWithoutAKnownIdHasANullIdAndAnInternalEventNoMessageId() throws Exception {
        TraceSummaryJson.ConcurrentWith none = new TraceSummaryJson.ConcurrentWith(
                new TraceSummaryJson.Event("MIT:1", "MIT", 1, "INTERNAL", 7, Map.of("MIT", 1L), null, null), 0, List.of());
        TraceSummaryJson summary = new TraceSummaryJson(List.of(new TraceSummaryJson.Node("MIT", null, 1)), 1, 0, 0,
                List.of("MIT has no start event"), List.of(), null, null, none);

        assertThat(ClockCtlJson.write(summary)).isEqualTo("{\"nodes\":[{\"name\":\"MIT\",\"id\":null,\"events\":1}],"
                + "\"events\":1,\"messages\":0,\"unmatchedReceives\":0,\"warnings\":[\"MIT has no start event\"],"
                + "\"inconsistencies\":[],\"concurrentWith\":{\"event\":{\"name\":\"MIT:1\",\"node\":\"MIT\",\"index\":1,"
                + "\"kind\":\"INTERNAL\",\"lamport\":7,\"vector\":{\"MIT\":1},\"description\":null},\"count\":0,\"events\":[]}}");
    }
}
