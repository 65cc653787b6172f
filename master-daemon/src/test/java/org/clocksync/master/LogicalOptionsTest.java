package org.clocksync.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.clocksync.core.logical.ByzantineBehaviour;
import org.clocksync.node.DaemonLauncher;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.config.PeerSpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The --clock logical options: accepted, checked with one clear line, and --byzantine refused on the master. */
class LogicalOptionsTest {
    private static DaemonOptions parse(String... args) {
        MasterDaemon daemon = new MasterDaemon();
        new CommandLine(daemon).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return daemon.options;
    }

    @Test
    void logicalIsAcceptedWithItsDefaults() {
        DaemonOptions o = parse("--id", "1", "--clock", "logical");
        assertThat(o.problem()).isNull();
        assertThat(o.logical()).isTrue();
        assertThat(o.logicalConfig().stepNanos()).isEqualTo(10_000_000L);
        assertThat(o.logicalConfig().tickNanos()).isEqualTo(10_000_000L);
        assertThat(o.logicalConfig().pReport()).isEqualTo(0.15);
        assertThat(o.byzantineBehaviour()).isEqualTo(ByzantineBehaviour.HONEST);
        DaemonOptions b = parse("--id", "1", "--clock", "logical", "--byzantine", "two-faced", "--logical-step",
                "5ms", "--logical-p-internal", "0.5", "--logical-p-report", "0.4", "--logical-p-request", "0.1");
        assertThat(b.problem()).isNull();
        assertThat(b.byzantineBehaviour()).isEqualTo(ByzantineBehaviour.TWO_FACED);
        assertThat(b.logicalConfig().stepNanos()).isEqualTo(5_000_000L);
    }

    @Test
    void badLogicalOptionsGetOneClearLine() {
        assertThat(parse("--id", "1", "--clock", "lamport").problem())
                .isEqualTo("--clock takes physical or logical, got lamport");
        assertThat(parse("--id", "1", "--clock", "logical", "--logical-p-report", "0.5").problem())
                .isEqualTo("--logical-p-internal, --logical-p-report and --logical-p-request must each be between 0"
                        + " and 1 and sum to 1, got 0.8 + 0.5 + 0.05 = 1.35");
        assertThat(parse("--id", "1", "--clock", "logical", "--logical-step", "0s").problem())
                .isEqualTo("--logical-step must be between 1ms and 10s, got 0 ns");
        assertThat(parse("--id", "1", "--clock", "logical", "--byzantine", "sneaky").problem())
                .isEqualTo("--byzantine takes random, constant or two-faced, got 'sneaky'");
        assertThat(parse("--id", "1", "--byzantine", "random").problem())
                .isEqualTo("--byzantine needs --clock logical: it makes a process object lie about its counter");
        DaemonOptions peers = parse("--id", "1", "--clock", "logical");
        peers.peers = List.of(PeerSpec.parseList("2@127.0.0.1:7002").get(0));
        assertThat(peers.problem()).startsWith("--peers is not used with --clock logical");
    }

    @Test
    void theMasterRefusesByzantine() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = DaemonLauncher.execute(new MasterDaemon(), new String[] {"--id", "5", "--clock", "logical",
                "--byzantine", "random"});
        } finally {
            System.setErr(err);
        }
        assertThat(code).isEqualTo(2);
        assertThat(captured.toString(StandardCharsets.UTF_8)).startsWith("master-daemon: --byzantine is for process"
                + " objects (slave-daemon --clock logical); the master object is trusted, drop --byzantine here");
    }
}
