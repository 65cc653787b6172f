package org.clocksync.node.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.clocksync.node.config.DaemonOptions;
import org.clocksync.protocol.HostPort;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class UpstreamOptionsTest {
    private static DaemonOptions parse(String... args) {
        DaemonOptions o = new DaemonOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void offByDefaultAndPolledEverySecondWhenGiven() {
        assertThat(parse("--id", "1").upstream).isNull();
        DaemonOptions o = parse("--id", "1", "--upstream", "10.0.0.1:123");
        assertThat(o.problem()).isNull();
        assertThat(o.upstream).isEqualTo(new HostPort("10.0.0.1", 123));
        assertThat(o.upstreamPollNanos).isEqualTo(1_000_000_000L);
        assertThat(parse("--id", "1", "--upstream", "[::1]:123", "--upstream-poll", "16s").upstreamPollNanos)
                .isEqualTo(16_000_000_000L);
    }

    @Test
    void badValuesGetOneClearLine() {
        assertThat(parse("--id", "1", "--upstream-poll", "99ms").problem())
                .isEqualTo("--upstream-poll must be between 100ms and 1h, got +99.000 ms");
        assertThat(parse("--id", "1", "--upstream-poll", "2h").problem()).startsWith("--upstream-poll must be");
        assertThat(parse("--id", "1", "--upstream", "pool.example:0").problem())
                .isEqualTo("--upstream needs the server's port, e.g. pool.example:123");
        assertThatThrownBy(() -> parse("--id", "1", "--upstream", "10.0.0.1"))
                .hasMessageContaining("'10.0.0.1' is not HOST:PORT");
    }
}
