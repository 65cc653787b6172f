package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clocksync.clockctl.ClockCtl;
import org.clocksync.core.logical.TraceAnalysis;
import org.clocksync.core.logical.TraceEvent;
import org.clocksync.core.logical.TraceFormat;
import org.clocksync.core.logical.TraceMerge;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A master and two slaves run Berkeley rounds with --trace; their three files, merged by clockctl's code, make one
 * execution whose clocks obey the rules: every receive has its send, a receive's vector includes its send's, Lamport
 * times respect happened-before, and a poll, its reply, the adjust and the slave's correction are ordered.
 */
class TraceIT {
    private static final Pattern ROUND = Pattern.compile("requestId=(\\d+), roundId=(\\d+)");

    @Test
    void threeTracingDaemonsMergeIntoOneConsistentExecution() throws Exception {
        Path dir = Paths.get(System.getProperty("clocksync.itLogs", "target/it-logs")).resolve("trace-it");
        Files.createDirectories(dir);
        Path labFile = dir.resolve("LAB.trace");
        Path kmcFile = dir.resolve("KMC.trace");
        Path mitFile = dir.resolve("MIT.trace");
        List<String> timing = List.of("--interval", "500ms", "--round-timeout", "200ms", "--warmup", "500");
        DaemonProcess lab = new DaemonProcess(TestCluster.MASTER_MAIN, "LAB", 5, Ports.free(), Ports.free(),
                concat(timing, "--trace", labFile.toString(), "--sim-offset", "300ms"));
        DaemonProcess kmc = new DaemonProcess(TestCluster.SLAVE_MAIN, "KMC", 1, Ports.free(), Ports.free(),
                concat(timing, "--trace", kmcFile.toString(), "--master", "127.0.0.1:" + lab.listenPort,
                        "--sim-offset", "2.5s", "--sim-drift-ppm", "40"));
        DaemonProcess mit = new DaemonProcess(TestCluster.SLAVE_MAIN, "MIT", 2, Ports.free(), Ports.free(),
                concat(timing, "--trace", mitFile.toString(), "--master", "127.0.0.1:" + lab.listenPort,
                        "--sim-offset", "-1.7s", "--sim-drift-ppm", "-35"));
        try (lab; kmc; mit) {
            lab.start();
            // Ready, not just answering: the admin port answers during the warm-up, before tracing starts.
            await("master ready").atMost(Duration.ofSeconds(60)).until(() -> lab.logText().contains("event=ready"));
            kmc.start();
            mit.start();
            await("both slaves are members").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode s = lab.statusOrNull();
                        return s != null && s.path("members").size() == 2;
                    });
            long joined = lab.status().path("roundsCompleted").asLong();
            await("four more rounds").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> lab.status().path("roundsCompleted").asLong() >= joined + 4);
            for (DaemonProcess p : List.of(kmc, mit, lab)) {
                p.close();
                assertThat(p.logText()).as(p.name + " log").contains("event=trace_closed").doesNotContain("trace_stopped");
            }
        }

        // clockctl's command, as a user would run it.
        Path merged = dir.resolve("merged.trace");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ClockCtl());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("trace", "merge", labFile.toString(), kmcFile.toString(), mitFile.toString(),
                "--output", merged.toString(), "--json");
        assertThat(err.toString()).as("clockctl trace merge stderr").isEmpty();
        assertThat(exit).isZero();
        JsonNode summary = AdminHttp.JSON.readTree(out.toString());
        System.out.println("clockctl trace merge: " + summary);
        assertThat(summary.path("nodes").findValuesAsText("name")).containsExactly("KMC", "LAB", "MIT");
        assertThat(summary.path("unmatchedReceives").asInt()).isZero();
        assertThat(summary.path("inconsistencies")).isEmpty();
        assertThat(summary.path("warnings")).isEmpty();

        // The merged file parses back, and is one execution with consistent clocks.
        TraceMerge.Result result = TraceMerge.merge(TraceFormat.parse(Files.readString(merged), merged.toString()));
        assertThat(result.nodeIds()).containsExactly(Map.entry("KMC", 1), Map.entry("LAB", 5), Map.entry("MIT", 2));
        TraceAnalysis analysis = new TraceAnalysis(result.events());
        List<TraceEvent> events = analysis.events();
        assertThat(events.size()).as("events").isGreaterThan(60);

        assertThat(analysis.unmatchedReceives()).as("receives without their send").isEmpty();
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.RECEIVE) {
                TraceEvent send = analysis.sendOf(e).orElseThrow();
                assertThat(TraceAnalysis.lessOrEqual(send.vector(), e.vector()))
                        .as("%s's vector %s includes its send %s's %s", e.name(), e.vector(), send.name(), send.vector())
                        .isTrue();
                assertThat(send.node()).isNotEqualTo(e.node());
            }
        }
        assertThat(analysis.inconsistencies()).isEmpty();
        assertThat(analysis.recomputedVectorMismatches()).as("vectors rebuilt from the messages alone").isEmpty();
        for (TraceEvent a : events) {
            for (TraceEvent b : events) {
                if (analysis.happenedBefore(a, b)) {
                    assertThat(a.lamport()).as("L(%s) < L(%s)", a.name(), b.name()).isLessThan(b.lamport());
                }
            }
        }

        for (String slave : List.of("KMC", "MIT")) {
            List<TraceEvent> chain = pollReplyAdjustChain(analysis, slave);
            System.out.println(slave + " chain: " + chain.stream().map(e -> e.name() + "(L" + e.lamport() + ")").toList());
            for (int i = 1; i < chain.size(); i++) {
                assertThat(analysis.happenedBefore(chain.get(i - 1), chain.get(i)))
                        .as("%s happened before %s", chain.get(i - 1).name(), chain.get(i).name()).isTrue();
                assertThat(chain.get(i - 1).lamport()).isLessThan(chain.get(i).lamport());
            }
            StringWriter answer = new StringWriter();
            CommandLine ask = new CommandLine(new ClockCtl());
            ask.setOut(new PrintWriter(answer, true));
            assertThat(ask.execute("trace", "merge", merged.toString(), "--happened-before", chain.get(0).name(),
                    chain.get(chain.size() - 1).name())).isZero();
            assertThat(answer.toString().trim()).isEqualTo(chain.get(0).name() + " happened before "
                    + chain.get(chain.size() - 1).name());
        }
    }

    /**
     * For the slave's last correction: the master's poll whose reply counted in that round, the slave's receive of
     * it, its reply, the master's receive, the adjust, its receive, and the slave's clock correction.
     */
    private static List<TraceEvent> pollReplyAdjustChain(TraceAnalysis analysis, String slave) {
        List<TraceEvent> slaveEvents = analysis.eventsOf(slave);
        for (int i = slaveEvents.size() - 2; i >= 0; i--) {
            TraceEvent adjustReceived = slaveEvents.get(i);
            TraceEvent corrected = slaveEvents.get(i + 1);
            if (adjustReceived.kind() != TraceEvent.Kind.RECEIVE || !adjustReceived.description().startsWith("BERKELEY_ADJUST")
                    || !corrected.description().startsWith("clock_")) {
                continue;
            }
            String round = roundOf(adjustReceived);
            TraceEvent adjustSent = analysis.sendOf(adjustReceived).orElseThrow();
            Optional<TraceEvent> replySent = slaveEvents.stream()
                    .filter(e -> e.kind() == TraceEvent.Kind.SEND && e.description().startsWith("BERKELEY_REPLY")
                            && round.equals(roundOf(e)) && analysis.happenedBefore(e, adjustSent))
                    .reduce((first, second) -> second);
            if (replySent.isEmpty()) {
                continue;
            }
            TraceEvent replyReceived = analysis.eventsOf("LAB").stream()
                    .filter(e -> e.kind() == TraceEvent.Kind.RECEIVE && replySent.get().messageId().equals(e.messageId()))
                    .findFirst().orElseThrow();
            TraceEvent pollReceived = slaveEvents.get((int) replySent.get().index() - 2);
            assertThat(pollReceived.description()).startsWith("BERKELEY_POLL");
            assertThat(requestOf(pollReceived)).isEqualTo(requestOf(replySent.get()));
            TraceEvent pollSent = analysis.sendOf(pollReceived).orElseThrow();
            return new ArrayList<>(List.of(pollSent, pollReceived, replySent.get(), replyReceived, adjustSent,
                    adjustReceived, corrected));
        }
        throw new AssertionError(slave + " has no traced BERKELEY_ADJUST followed by a clock correction");
    }

    private static String roundOf(TraceEvent e) {
        Matcher m = ROUND.matcher(e.description());
        return m.find() ? m.group(2) : "?";
    }

    private static String requestOf(TraceEvent e) {
        Matcher m = ROUND.matcher(e.description());
        return m.find() ? m.group(1) : "?";
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
