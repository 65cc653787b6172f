package org.clocksync.clockctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clocksync.core.logical.LamportClock;
import org.clocksync.core.logical.TraceEvent;
import org.clocksync.core.logical.TraceFormat;
import org.clocksync.core.logical.TraceRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code clockctl trace merge} on two small node traces written here the way a daemon writes them. */
class TraceMergeTest {
    @TempDir
    Path dir;
    private Path lab;
    private Path kmc;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * LAB polls KMC, KMC replies, LAB adjusts it; meanwhile KMC had an event of its own (a clock slew) that is
     * concurrent with LAB's start and poll.
     * <pre>
     * LAB: 1 start    2 send poll      3 receive reply   4 send adjust
     * KMC: 1 start    2 slew           3 receive poll    4 send reply    5 receive adjust   6 slew
     * </pre>
     */
    @BeforeEach
    void writeTraces() throws IOException {
        TraceRecorder l = new TraceRecorder("LAB", 5, new LamportClock(10));
        TraceRecorder k = new TraceRecorder("KMC", 1, new LamportClock(3));
        List<TraceEvent> labEvents = new ArrayList<>();
        List<TraceEvent> kmcEvents = new ArrayList<>();
        labEvents.add(l.internal("start id=5 node=LAB role=MASTER"));
        kmcEvents.add(k.internal("start id=1 node=KMC role=SLAVE"));
        kmcEvents.add(k.internal("clock_slew correction=+1.0us"));
        TraceEvent poll = l.send("BERKELEY_POLL to=127.0.0.1:4000 BerkeleyPoll[requestId=1, roundId=1]");
        labEvents.add(poll);
        kmcEvents.add(k.receive(5, poll.lamport(), l.vector(), "BERKELEY_POLL from=5"));
        TraceEvent reply = k.send("BERKELEY_REPLY to=127.0.0.1:7700");
        kmcEvents.add(reply);
        labEvents.add(l.receive(1, reply.lamport(), k.vector(), "BERKELEY_REPLY from=1"));
        TraceEvent adjust = l.send("BERKELEY_ADJUST to=127.0.0.1:4000");
        labEvents.add(adjust);
        kmcEvents.add(k.receive(5, adjust.lamport(), l.vector(), "BERKELEY_ADJUST from=5"));
        kmcEvents.add(k.internal("clock_slew correction=-3.0us cause=\"berkeley round 1\""));
        lab = write("lab.trace", labEvents);
        kmc = write("kmc.trace", kmcEvents);
    }

    private Path write(String name, List<TraceEvent> events) throws IOException {
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(TraceFormat.format(e)));
        return Files.writeString(dir.resolve(name), text);
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new ClockCtl());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void mergesIntoOneShiVizLogInLamportOrder() {
        assertThat(run("trace", "merge", lab.toString(), kmc.toString())).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isEqualTo("""
                INTERNAL lamport=4 start id=1 node=KMC role=SLAVE
                KMC {"KMC":1}
                INTERNAL lamport=5 clock_slew correction=+1.0us
                KMC {"KMC":2}
                INTERNAL lamport=11 start id=5 node=LAB role=MASTER
                LAB {"LAB":1}
                SEND lamport=12 msg=5:12 BERKELEY_POLL to=127.0.0.1:4000 BerkeleyPoll[requestId=1, roundId=1]
                LAB {"LAB":2}
                RECEIVE lamport=13 msg=5:12 BERKELEY_POLL from=5
                KMC {"KMC":3,"LAB":2}
                SEND lamport=14 msg=1:14 BERKELEY_REPLY to=127.0.0.1:7700
                KMC {"KMC":4,"LAB":2}
                RECEIVE lamport=15 msg=1:14 BERKELEY_REPLY from=1
                LAB {"LAB":3,"KMC":4}
                SEND lamport=16 msg=5:16 BERKELEY_ADJUST to=127.0.0.1:4000
                LAB {"LAB":4,"KMC":4}
                RECEIVE lamport=17 msg=5:16 BERKELEY_ADJUST from=5
                KMC {"KMC":5,"LAB":4}
                INTERNAL lamport=18 clock_slew correction=-3.0us cause="berkeley round 1"
                KMC {"KMC":6,"LAB":4}
                """);
    }

    @Test
    void answersHappenedBeforeBothWaysAndConcurrent() {
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--happened-before", "LAB:2", "KMC:6")).isZero();
        assertThat(out.toString()).isEqualTo("LAB:2 happened before KMC:6\n");
        out.getBuffer().setLength(0);
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--happened-before", "KMC:6", "LAB:2")).isZero();
        assertThat(out.toString()).isEqualTo("KMC:6 did not happen before LAB:2: LAB:2 happened before KMC:6\n");
        out.getBuffer().setLength(0);
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--happened-before", "KMC:2", "LAB:2")).isZero();
        assertThat(out.toString()).isEqualTo("KMC:2 and LAB:2 are concurrent: neither happened before the other\n");
    }

    @Test
    void listsTheEventsConcurrentWithOne() {
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--concurrent-with", "KMC:2")).isZero();
        assertThat(out.toString()).isEqualTo("""
                2 events concurrent with KMC:2 (INTERNAL lamport=5 clock_slew correction=+1.0us):
                  LAB:1        INTERNAL lamport=11 start id=5 node=LAB role=MASTER
                  LAB:2        SEND lamport=12 msg=5:12 BERKELEY_POLL to=127.0.0.1:4000 BerkeleyPoll[requestId=1, roundId=1]
                """);
        out.getBuffer().setLength(0);
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--concurrent-with", "KMC:6")).isZero();
        assertThat(out.toString()).startsWith("0 events concurrent with KMC:6");
    }

    @Test
    void jsonHasTheSummaryAndTheAnswers() throws Exception {
        Path merged = dir.resolve("all.trace");
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--json", "-o", merged.toString(),
                "--happened-before", "LAB:1", "KMC:2", "--concurrent-with", "LAB:1")).isZero();
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.path("events").asInt()).isEqualTo(10);
        assertThat(root.path("messages").asInt()).isEqualTo(3);
        assertThat(root.path("unmatchedReceives").asInt()).isZero();
        assertThat(root.path("inconsistencies")).isEmpty();
        assertThat(root.path("nodes").get(0).path("name").asText()).isEqualTo("KMC");
        assertThat(root.path("nodes").get(0).path("id").asInt()).isEqualTo(1);
        assertThat(root.path("nodes").get(1).path("events").asInt()).isEqualTo(4);
        assertThat(root.path("happenedBefore").path("relation").asText()).isEqualTo("CONCURRENT");
        assertThat(root.path("happenedBefore").path("aHappenedBeforeB").asBoolean()).isFalse();
        assertThat(root.path("concurrentWith").path("count").asInt()).isEqualTo(2);
        assertThat(root.path("concurrentWith").path("events").findValuesAsText("name")).containsExactly("KMC:1", "KMC:2");
        assertThat(root.path("concurrentWith").path("event").path("vector").path("LAB").asInt()).isEqualTo(1);
        assertThat(Files.readString(merged)).startsWith("INTERNAL lamport=4 start id=1 node=KMC role=SLAVE\nKMC {\"KMC\":1}\n")
                .contains("LAB {\"LAB\":3,\"KMC\":4}\n");
    }

    @Test
    void jsonTextIsPinnedWithTheAnswers() {
        Path merged = dir.resolve("all.trace");
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--json", "-o", merged.toString(),
                "--happened-before", "KMC:6", "LAB:2", "--concurrent-with", "KMC:2")).isZero();
        assertThat(out.toString()).isEqualTo("{\"nodes\":[{\"name\":\"KMC\",\"id\":1,\"events\":6},{\"name\":\"LAB\",\"id\":5,\"events\":4}],"
                + "\"events\":10,\"messages\":3,\"unmatchedReceives\":0,\"warnings\":[],\"inconsistencies\":[],"
                + "\"output\":\"" + merged + "\","
                + "\"happenedBefore\":{\"a\":\"KMC:6\",\"b\":\"LAB:2\",\"relation\":\"AFTER\",\"aHappenedBeforeB\":false,"
                + "\"answer\":\"KMC:6 did not happen before LAB:2: LAB:2 happened before KMC:6\"},"
                + "\"concurrentWith\":{\"event\":{\"name\":\"KMC:2\",\"node\":\"KMC\",\"index\":2,\"kind\":\"INTERNAL\","
                + "\"lamport\":5,\"vector\":{\"KMC\":2},\"description\":\"clock_slew correction=+1.0us\"},\"count\":2,"
                + "\"events\":[{\"name\":\"LAB:1\",\"node\":\"LAB\",\"index\":1,\"kind\":\"INTERNAL\",\"lamport\":11,"
                + "\"vector\":{\"LAB\":1},\"description\":\"start id=5 node=LAB role=MASTER\"},"
                + "{\"name\":\"LAB:2\",\"node\":\"LAB\",\"index\":2,\"kind\":\"SEND\",\"lamport\":12,"
                + "\"vector\":{\"LAB\":2},\"messageId\":\"5:12\","
                + "\"description\":\"BERKELEY_POLL to=127.0.0.1:4000 BerkeleyPoll[requestId=1, roundId=1]\"}]}}\n");
    }

    @Test
    void jsonTextWithoutOutputOrQuestionsLeavesThoseFieldsOut() {
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--json")).isZero();
        assertThat(out.toString()).isEqualTo("{\"nodes\":[{\"name\":\"KMC\",\"id\":1,\"events\":6},{\"name\":\"LAB\",\"id\":5,\"events\":4}],"
                + "\"events\":10,\"messages\":3,\"unmatchedReceives\":0,\"warnings\":[],\"inconsistencies\":[]}\n");
    }

    @Test
    void withOutputAndNoQuestionItPrintsASummary() {
        Path merged = dir.resolve("all.trace");
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--output", merged.toString())).isZero();
        assertThat(out.toString()).isEqualTo("merged 10 events of 2 nodes (KMC, LAB): 3 messages matched, 0 receives"
                + " without their send -> " + merged + "\n");
        assertThat(merged).exists();
    }

    @Test
    void anUnknownEventIsOneLineAndExitCode2() {
        assertThat(run("trace", "merge", lab.toString(), kmc.toString(), "--concurrent-with", "KMC:99")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("clockctl trace merge: unknown event KMC:99: KMC has events KMC:1 to KMC:6\n");
        err.getBuffer().setLength(0);
        assertThat(run("trace", "merge", lab.toString(), "--happened-before", "LAB:1", "MIT")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("clockctl trace merge: unknown event MIT: events are named NODE:INDEX,"
                + " e.g. LAB:1; the nodes are LAB\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnreadableOrMalformedFileIsOneLineAndExitCode1() throws IOException {
        assertThat(run("trace", "merge", dir.resolve("missing.trace").toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("clockctl trace merge: cannot read " + dir.resolve("missing.trace")
                + ": no such file\n");
        err.getBuffer().setLength(0);
        Path bad = Files.writeString(dir.resolve("bad.trace"), "INTERNAL lamport=1 start\nKMC {\"KMC\":1}\nGET / HTTP/1.1\n\n");
        assertThat(run("trace", "merge", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("clockctl trace merge: " + bad + ":3: expected an event line"
                + " \"SEND|RECEIVE|INTERNAL lamport=N [msg=ID:N] text\", got \"GET / HTTP/1.1\"\n");
        err.getBuffer().setLength(0);
        assertThat(run("trace", "merge", lab.toString(), lab.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("event LAB:1 appears twice").hasLineCount(1);
    }

    @Test
    void badOptionsAreExitCode2() {
        assertThat(ClockCtl.run("trace", "merge")).isEqualTo(2);
        assertThat(run("trace")).isEqualTo(2);
        assertThat(err.toString()).contains("clockctl trace: name a command: merge");
    }
}
