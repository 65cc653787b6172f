package org.clocksync.core.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The file format: what is written, that ShiViz's regular expression reads it, that parse reads it back, and merge. */
class TraceFormatTest {

    private static List<TraceEvent> labAndKmc() {
        LamportClock labClock = new LamportClock(100);
        TraceRecorder lab = new TraceRecorder("LAB", 5, labClock);
        TraceRecorder kmc = new TraceRecorder("KMC", 1, new LamportClock(40));
        List<TraceEvent> events = new ArrayList<>();
        events.add(lab.internal("start id=5 node=LAB role=MASTER"));
        events.add(kmc.internal("start id=1 node=KMC role=SLAVE"));
        TraceEvent poll = lab.send("BERKELEY_POLL to=127.0.0.1:40312 BerkeleyPoll[requestId=8, roundId=12]");
        events.add(poll);
        events.add(kmc.receive(5, poll.lamport(), lab.vector(), "BERKELEY_POLL from=5 BerkeleyPoll[requestId=8, roundId=12]"));
        TraceEvent reply = kmc.send("BERKELEY_REPLY to=127.0.0.1:7700");
        events.add(reply);
        events.add(lab.receive(1, reply.lamport(), kmc.vector(), "BERKELEY_REPLY from=1"));
        events.add(lab.internal("clock_slew correction=+12.0us cause=\"berkeley round 12\""));
        return events;
    }

    @Test
    void writesShiVizTwoLineEvents() {
        List<TraceEvent> events = labAndKmc();
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(TraceFormat.format(e)));
        assertThat(text.toString()).isEqualTo("""
                INTERNAL lamport=101 start id=5 node=LAB role=MASTER
                LAB {"LAB":1}
                INTERNAL lamport=41 start id=1 node=KMC role=SLAVE
                KMC {"KMC":1}
                SEND lamport=102 msg=5:102 BERKELEY_POLL to=127.0.0.1:40312 BerkeleyPoll[requestId=8, roundId=12]
                LAB {"LAB":2}
                RECEIVE lamport=103 msg=5:102 BERKELEY_POLL from=5 BerkeleyPoll[requestId=8, roundId=12]
                KMC {"KMC":2,"5":2}
                SEND lamport=104 msg=1:104 BERKELEY_REPLY to=127.0.0.1:7700
                KMC {"KMC":3,"5":2}
                RECEIVE lamport=105 msg=1:104 BERKELEY_REPLY from=1
                LAB {"LAB":3,"1":3}
                INTERNAL lamport=106 clock_slew correction=+12.0us cause="berkeley round 12"
                LAB {"LAB":4,"1":3}
                """);
        assertThat(TraceFormat.parse(text.toString(), "test")).isEqualTo(events);
    }

    @Test
    void shiVizDefaultRegexReadsEveryEvent() {
        // ShiViz is JavaScript, where '{' needs no escape; Java's regex wants it escaped. Otherwise the same.
        Pattern shiviz = Pattern.compile(TraceFormat.SHIVIZ_REGEX.replace("{", "\\{").replace("}", "\\}"));
        List<TraceEvent> merged = TraceMerge.merge(labAndKmc()).events();
        StringBuilder text = new StringBuilder();
        merged.forEach(e -> text.append(TraceFormat.format(e)));
        Matcher m = shiviz.matcher(text);
        List<String> hosts = new ArrayList<>();
        while (m.find()) {
            hosts.add(m.group("host"));
            assertThat(m.group("event")).matches("(SEND|RECEIVE|INTERNAL) lamport=\\d+.*");
            assertThat(m.group("clock")).startsWith("{\"" + m.group("host") + "\":");
        }
        assertThat(hosts).hasSize(merged.size()).containsOnly("LAB", "KMC");
        assertThat(TraceFormat.SHIVIZ_REGEX).isEqualTo("(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})");
    }

    @Test
    void mergeNamesPeersAndOrdersByLamport() {
        TraceMerge.Result result = TraceMerge.merge(labAndKmc());
        assertThat(result.nodeIds()).containsExactly(Map.entry("KMC", 1), Map.entry("LAB", 5));
        assertThat(result.warnings()).isEmpty();
        assertThat(result.events()).extracting(TraceEvent::name)
                .containsExactly("KMC:1", "LAB:1", "LAB:2", "KMC:2", "KMC:3", "LAB:3", "LAB:4");
        TraceEvent labReceive = result.events().get(5);
        assertThat(labReceive.vector()).containsExactly(Map.entry("KMC", 3L), Map.entry("LAB", 3L));
        assertThat(TraceFormat.clockLine(labReceive)).isEqualTo("LAB {\"LAB\":3,\"KMC\":3}");
        TraceAnalysis analysis = new TraceAnalysis(result.events());
        assertThat(analysis.inconsistencies()).isEmpty();
        assertThat(analysis.recomputedVectorMismatches()).isEmpty();
        assertThat(analysis.messages()).hasSize(2);
        // Merging a merged file again changes nothing.
        StringBuilder text = new StringBuilder();
        result.events().forEach(e -> text.append(TraceFormat.format(e)));
        assertThat(TraceMerge.merge(TraceFormat.parse(text.toString(), "merged")).events()).isEqualTo(result.events());
    }

    @Test
    void mergeLeavesOutNodesWithoutATraceAndCutsEntriesPastAStoppedTrace() {
        TraceRecorder lab = new TraceRecorder("LAB", 5, new LamportClock());
        TraceRecorder kmc = new TraceRecorder("KMC", 1, new LamportClock());
        List<TraceEvent> events = new ArrayList<>();
        events.add(kmc.receive(9, 3, VectorClock.of(Map.of(9, 2L)), "from a node that has no trace here"));
        TraceEvent send = kmc.send("to LAB");
        events.add(send);
        kmc.internal("written after KMC's trace stopped: never in the file");
        TraceEvent late = kmc.send("to LAB, also lost");
        events.add(lab.receive(1, late.lamport(), kmc.vector(), "from KMC"));
        TraceMerge.Result result = TraceMerge.merge(events);
        assertThat(result.warnings()).containsExactly(
                "3 events know of events of node 9, which has no trace here; those vector entries were left out",
                "1 events know of events of KMC past the end of its trace (it stopped tracing); those entries were cut to its last event");
        TraceEvent labReceive = result.events().stream().filter(e -> e.node().equals("LAB")).findFirst().orElseThrow();
        assertThat(labReceive.vector()).containsExactly(Map.entry("KMC", 2L), Map.entry("LAB", 1L));
        TraceAnalysis analysis = new TraceAnalysis(result.events());
        assertThat(analysis.unmatchedReceives()).extracting(TraceEvent::name).containsExactly("KMC:1", "LAB:1");
        assertThat(analysis.happenedBefore(analysis.event("KMC:2"), labReceive)).isTrue();
    }

    @Test
    void mergeRefusesWhatCannotBeOneExecution() {
        List<TraceEvent> events = labAndKmc();
        List<TraceEvent> twice = new ArrayList<>(events);
        twice.addAll(events);
        assertThatThrownBy(() -> TraceMerge.merge(twice)).hasMessageContaining("event KMC:1 appears twice");
        List<TraceEvent> gap = new ArrayList<>(events);
        gap.remove(3);
        assertThatThrownBy(() -> TraceMerge.merge(gap)).hasMessageContaining("KMC's events jump from 1 to 3");
        TraceRecorder other = new TraceRecorder("MIT", 5, new LamportClock());
        List<TraceEvent> sameId = new ArrayList<>(events);
        sameId.add(other.send("x"));
        assertThatThrownBy(() -> TraceMerge.merge(sameId)).hasMessageContaining("LAB and MIT both have id 5");
    }

    @Test
    void parseSaysWhereAndWhatIsWrong() {
        assertThatThrownBy(() -> TraceFormat.parse("hello\nKMC {\"KMC\":1}\n", "a.log"))
                .hasMessageStartingWith("a.log:1: expected an event line");
        assertThatThrownBy(() -> TraceFormat.parse("INTERNAL lamport=1 x\nKMC [1]\n", "a.log"))
                .hasMessageStartingWith("a.log:2: expected a clock line");
        assertThatThrownBy(() -> TraceFormat.parse("INTERNAL lamport=1 x\nKMC {\"MIT\":1}\n", "a.log"))
                .hasMessageContaining("no entry for its own host KMC");
        assertThatThrownBy(() -> TraceFormat.parse("INTERNAL lamport=1 x\nKMC {\"KMC\":1,\"a b\":2}\n", "a.log"))
                .hasMessageContaining("vector entry \"a b\" is neither a node name nor a node id");
        assertThatThrownBy(() -> TraceFormat.parse("INTERNAL lamport=1 x\nKMC {\"KMC\":1}\nSEND lamport=2 msg=1:2 y\n", "a.log"))
                .hasMessageStartingWith("a.log:3: the last event has no clock line");
        assertThatThrownBy(() -> TraceFormat.parse("SEND lamport=1 x\nKMC {\"KMC\":1}\n", "a.log"))
                .hasMessageContaining("a SEND event needs message id");
        assertThatThrownBy(() -> TraceFormat.parse("INTERNAL lamport=1 x\n1 {\"1\":1}\n", "a.log"))
                .hasMessageContaining("is not a node name");
        assertThat(TraceFormat.parse("\n\nINTERNAL lamport=1\nKMC {\"KMC\":1}\n\n", "a.log")).singleElement()
                .satisfies(e -> assertThat(e.description()).isEmpty());
    }

    @Test
    void descriptionsStayOnOneLine() {
        TraceRecorder r = new TraceRecorder("KMC", 1, new LamportClock());
        TraceEvent e = r.receive(5, 1, null, "HELLO name=evil\nLAB {\"LAB\":99}\r" + "x".repeat(600));
        assertThat(TraceFormat.format(e).lines()).hasSize(2);
        assertThat(e.description()).startsWith("HELLO name=evil?LAB {\"LAB\":99}?x").hasSize(TraceEvent.MAX_DESCRIPTION_CHARS);
        Map<String, Long> v = new TreeMap<>(Map.of("KMC", 2L));
        assertThatThrownBy(() -> new TraceEvent("KMC", 1, TraceEvent.Kind.INTERNAL, 1, new TreeMap<>(v), null, ""))
                .hasMessageContaining("own vector entry is 2, it must equal the event's index 1");
    }
}
