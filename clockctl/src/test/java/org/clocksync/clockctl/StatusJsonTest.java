package org.clocksync.clockctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The text of {@code clockctl status --json}: each daemon's document as it sent it, or why there is none. */
class StatusJsonTest {
    @Test
    void documentsPassThroughUnchangedAndUnreachableNodesGetAddressAndError() throws Exception {
        String kmc = "{\"id\":1,\"name\":\"KMC\",\"role\":\"SLAVE\",\"coordinatorId\":null,\"epoch\":300004,"
                + "\"tracking\":{\"frequencyPpm\":-1.25,\"rmsNanos\":1500},\"cluster\":{\"peers\":[]}}";
        List<StatusClient.Result> results = List.of(
                new StatusClient.Result("127.0.0.1:8101", ClockCtlJson.MAPPER.readTree(kmc), null),
                new StatusClient.Result("127.0.0.1:8102", null, "unreachable (Connection refused)"));

        assertThat(ClockCtl.Status.toJson(results)).isEqualTo("[" + kmc + ","
                + "{\"address\":\"127.0.0.1:8102\",\"error\":\"unreachable (Connection refused)\"}]");
    }
}
