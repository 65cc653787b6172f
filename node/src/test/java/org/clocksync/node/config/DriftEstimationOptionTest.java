package org.clocksync.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --drift-estimation is written on or off, as the README documents, and is an enum inside. */
class DriftEstimationOptionTest {
    private static DaemonOptions parse(String... args) {
        DaemonOptions o = new DaemonOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void onByDefaultAndTakesOnOrOff() {
        assertThat(parse("--id", "1").driftEstimation).isEqualTo(OnOff.ON);
        assertThat(parse("--id", "1", "--drift-estimation", "off").driftEstimation.on()).isFalse();
        assertThat(parse("--id", "1", "--drift-estimation", "on").driftEstimation.on()).isTrue();
        assertThat(parse("--id", "1", "--drift-estimation", "off").problem()).isNull();
    }

    @Test
    void anythingElseGetsOneClearLine() {
        for (String bad : new String[] {"true", "ON", "yes", ""}) {
            assertThatThrownBy(() -> parse("--id", "1", "--drift-estimation", bad))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("--drift-estimation").hasMessageContaining("takes on or off, got " + bad);
        }
    }

    @Test
    void helpNamesTheDefaultAsWritten() {
        StringWriter help = new StringWriter();
        new CommandLine(new DaemonOptions()).usage(new PrintWriter(help));
        assertThat(help.toString().replaceAll("\\s+", " ")).contains("--drift-estimation=on|off")
                .contains("(off, plain Berkeley). Default: on.");
    }
}
