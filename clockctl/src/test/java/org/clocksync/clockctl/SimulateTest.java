package org.clocksync.clockctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulateTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new Simulate());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void printsTheTableForASeed() {
        assertThat(run("--seed", "7")).isZero();

        assertThat(out.toString())
                .startsWith("Probabilistic clock reading, seed 7, 1000 attempts per rule\none-way delay 50 us + Weibull(")
                .contains("| rule | attempts | rapports |")
                .contains("\n| Cristian | 1000 | ")
                .contains("\n| Alari-Ciuffoletti | 1000 | ");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void sameSeedSameOutput() {
        run("--seed", "5", "--attempts", "200");
        String first = out.toString();
        out.getBuffer().setLength(0);
        run("--seed", "5", "--attempts", "200");

        assertThat(out.toString()).isEqualTo(first);
    }

    @Test
    void jsonHasUnitSuffixedFields() throws Exception {
        assertThat(run("--json", "--attempts", "300", "--epsilon", "700us")).isZero();

        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("attemptsPerRule").asInt()).isEqualTo(300);
        assertThat(root.get("params").get("epsilonNanos").asLong()).isEqualTo(700_000L);
        assertThat(root.get("rules")).hasSize(2);
        JsonNode cristian = root.get("rules").get(0);
        assertThat(cristian.get("rule").asText()).isEqualTo("CRISTIAN");
        assertThat(cristian.get("attempts").asInt()).isEqualTo(300);
        assertThat(cristian.has("meanRttNanos")).isTrue();
        assertThat(cristian.has("meanErrorNanos")).isTrue();
        assertThat(cristian.has("meanDnaNanos")).isTrue();
        assertThat(cristian.get("messagesPerSecond").asDouble()).isPositive();
    }

    @Test
    void badInputGetsOneLineAndExitTwo() {
        assertThat(run("--attempts", "0")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("clockctl simulate: --attempts must be in 1..100000, got 0" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(run("--client-drift-ppm", "40")).isEqualTo(2);
        assertThat(err.toString()).startsWith("clockctl simulate: client and server drifts (40.0, -15.0 ppm) must be within");
        assertThat(out.toString()).isEmpty();
    }
}
