package org.clocksync.clockctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.clocksync.core.cristian.CristianReading;
import org.junit.jupiter.api.Test;

/** The text of {@code clockctl query --json} for fixed outcomes: scripts read these field names, order and types. */
class QueryJsonTest {
    @Test
    void readingsBestFirstWithTheResyncIntervalOnTheChosenOneAndErrorsLast() throws Exception {
        List<Query.Outcome> outcomes = List.of(
                new Query.Outcome("kmc:7700", new CristianReading("kmc:7700", 1_000, 3_000, 5_000, 200), null),
                new Query.Outcome("lab:7700", new CristianReading("lab:7700", 10_000, 16_000, 9_000, 0), null),
                new Query.Outcome("mit:7700", null, "unreachable (connection refused)"));

        assertThat(Query.toJson(outcomes, 42_000_000L)).isEqualTo("["
                + "{\"server\":\"kmc:7700\",\"offsetNanos\":3000,\"boundNanos\":800,\"rttNanos\":2000,\"chosen\":true,"
                + "\"resyncIntervalNanos\":42000000},"
                + "{\"server\":\"lab:7700\",\"offsetNanos\":-4000,\"boundNanos\":3000,\"rttNanos\":6000,\"chosen\":false},"
                + "{\"server\":\"mit:7700\",\"error\":\"unreachable (connection refused)\"}]");
    }

    @Test
    void withoutAResyncIntervalTheFieldIsLeftOut() throws Exception {
        List<Query.Outcome> outcomes = List.of(
                new Query.Outcome("kmc:7700", new CristianReading("kmc:7700", 1_000, 3_000, 5_000, 200), null));

        assertThat(Query.toJson(outcomes, null)).isEqualTo(
                "[{\"server\":\"kmc:7700\",\"offsetNanos\":3000,\"boundNanos\":800,\"rttNanos\":2000,\"chosen\":true}]");
    }

    @Test
    void aFailureWithoutAReasonKeepsTheErrorFieldAsNull() throws Exception {
        assertThat(Query.toJson(List.of(new Query.Outcome("kmc:7700", null, null)), null))
                .isEqualTo("[{\"server\":\"kmc:7700\",\"error\":null}]");
    }
}
