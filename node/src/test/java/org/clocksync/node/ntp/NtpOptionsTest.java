package org.clocksync.node.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import org.clocksync.node.config.DaemonOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NtpOptionsTest {
    private static DaemonOptions parse(String... args) {
        DaemonOptions o = new DaemonOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void defaultsAreChronysRateLimitAndStratumOne() {
        DaemonOptions o = parse("--id", "1", "--ntp", "127.0.0.1:12123");
        assertThat(o.problem()).isNull();
        assertThat(o.ntp.port()).isEqualTo(12123);
        assertThat(o.ntpStratum).isEqualTo(1);
        assertThat(o.ntpRateLimitIntervalNanos).isEqualTo(8_000_000_000L);
        assertThat(o.ntpRateLimitBurst).isEqualTo(8);
    }

    @Test
    void settingsAreParsed() {
        DaemonOptions o = parse("--id", "1", "--ntp", "0.0.0.0:123", "--ntp-stratum", "3",
                "--ntp-ratelimit-interval", "500ms", "--ntp-ratelimit-burst", "32");
        assertThat(o.problem()).isNull();
        assertThat(o.ntpStratum).isEqualTo(3);
        assertThat(o.ntpRateLimitIntervalNanos).isEqualTo(500_000_000L);
        assertThat(o.ntpRateLimitBurst).isEqualTo(32);
        assertThat(parse("--id", "1", "--ntp-ratelimit-interval", "0s").problem()).isNull();
    }

    @Test
    void badValuesGetOneClearLine() {
        assertThat(parse("--id", "1", "--ntp-stratum", "0").problem())
                .isEqualTo("--ntp-stratum must be between 1 and 15 (16 means unsynchronized), got 0");
        assertThat(parse("--id", "1", "--ntp-stratum", "16").problem()).startsWith("--ntp-stratum must be");
        assertThat(parse("--id", "1", "--ntp-ratelimit-interval", "-1s").problem())
                .startsWith("--ntp-ratelimit-interval must be 0s (off) or between 1ms and 1h, got -1.").endsWith(" s");
        assertThat(parse("--id", "1", "--ntp-ratelimit-interval", "2h").problem())
                .startsWith("--ntp-ratelimit-interval must be");
        assertThat(parse("--id", "1", "--ntp-ratelimit-burst", "0").problem())
                .isEqualTo("--ntp-ratelimit-burst must be between 1 and 10000, got 0");
        assertThat(parse("--id", "1", "--ntp-ratelimit-burst", "10001").problem())
                .startsWith("--ntp-ratelimit-burst must be");
    }
}
