package org.clocksync.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * Space-time diagrams with their Lamport and vector timestamps worked out by hand (docs/logical-time.md draws them
 * and shows the working). Every expected value below is written out, not computed: the code must arrive at the
 * textbook answer, including the lists of events concurrent with a given one.
 */
class TextbookTimelinesTest {

    /**
     * The three-process figure of Coulouris, Dollimore, Kindberg and Blair, Distributed Systems: Concepts and Design
     * (section "Logical time and logical clocks"): p1 has a, b; p2 has c, d; p3 has e, f; m1 goes b to c, m2 goes d to
     * f. The book's answers: L = 1, 2, 3, 4, 1, 5; V(a) = (1,0,0) ... V(f) = (2,2,2); c and e are concurrent, yet
     * L(e) < L(c).
     */
    @Test
    void coulourisThreeProcessFigure() {
        Timeline t = new Timeline("p1", "p2", "p3")
                .internal("a", "p1").send("b", "p1", "m1")
                .receive("c", "p2", "m1").send("d", "p2", "m2")
                .internal("e", "p3").receive("f", "p3", "m2");

        Map<String, Long> lamport = ordered("a", 1, "b", 2, "c", 3, "d", 4, "e", 1, "f", 5);
        Map<String, long[]> vectors = new LinkedHashMap<>();
        vectors.put("a", new long[] {1, 0, 0});
        vectors.put("b", new long[] {2, 0, 0});
        vectors.put("c", new long[] {2, 1, 0});
        vectors.put("d", new long[] {2, 2, 0});
        vectors.put("e", new long[] {0, 0, 1});
        vectors.put("f", new long[] {2, 2, 2});
        TraceAnalysis analysis = checkTimestamps(t, lamport, vectors);

        assertThat(analysis.concurrent(event(t, analysis, "c"), event(t, analysis, "e"))).isTrue();
        assertThat(lamport.get("e")).isLessThan(lamport.get("c"));
        assertThat(concurrentWith(t, analysis, "e")).containsExactly("a", "b", "c", "d");
        assertThat(concurrentWith(t, analysis, "c")).containsExactly("e");
        assertThat(concurrentWith(t, analysis, "f")).isEmpty();
        assertThat(analysis.happenedBefore(event(t, analysis, "a"), event(t, analysis, "f"))).isTrue();
    }

    /**
     * Three processes P1, P2, P3 with events a..l, four each (docs/logical-time.md, "Timeline 1"):
     * <pre>
     * P1: a (internal)   b (send m1 to P2)   c (receive m3)      d (send m4 to P3)
     * P2: e (internal)   f (receive m1)      g (send m2 to P3)   h (receive m5)
     * P3: i (send m3 to P1)  j (receive m2)  k (send m5 to P2)   l (receive m4)
     * </pre>
     */
    @Test
    void threeProcessesTwelveEvents() {
        Timeline t = new Timeline("P1", "P2", "P3")
                .internal("a", "P1").send("b", "P1", "m1")
                .send("i", "P3", "m3")
                .receive("c", "P1", "m3").send("d", "P1", "m4")
                .internal("e", "P2").receive("f", "P2", "m1").send("g", "P2", "m2")
                .receive("j", "P3", "m2").send("k", "P3", "m5").receive("l", "P3", "m4")
                .receive("h", "P2", "m5");

        Map<String, Long> lamport = ordered("a", 1, "b", 2, "c", 3, "d", 4, "e", 1, "f", 3, "g", 4, "h", 7,
                "i", 1, "j", 5, "k", 6, "l", 7);
        Map<String, long[]> vectors = new LinkedHashMap<>();
        vectors.put("a", new long[] {1, 0, 0});
        vectors.put("b", new long[] {2, 0, 0});
        vectors.put("c", new long[] {3, 0, 1});
        vectors.put("d", new long[] {4, 0, 1});
        vectors.put("e", new long[] {0, 1, 0});
        vectors.put("f", new long[] {2, 2, 0});
        vectors.put("g", new long[] {2, 3, 0});
        vectors.put("h", new long[] {2, 4, 3});
        vectors.put("i", new long[] {0, 0, 1});
        vectors.put("j", new long[] {2, 3, 2});
        vectors.put("k", new long[] {2, 3, 3});
        vectors.put("l", new long[] {4, 3, 4});
        TraceAnalysis analysis = checkTimestamps(t, lamport, vectors);

        assertThat(concurrentWith(t, analysis, "e")).containsExactly("a", "b", "c", "d", "i");
        assertThat(concurrentWith(t, analysis, "c")).containsExactly("e", "f", "g", "h", "j", "k");
        assertThat(concurrentWith(t, analysis, "g")).containsExactly("c", "d", "i");
        assertThat(concurrentWith(t, analysis, "i")).containsExactly("a", "b", "e", "f", "g");
        assertThat(concurrentWith(t, analysis, "h")).containsExactly("c", "d", "l");
        assertThat(concurrentWith(t, analysis, "l")).containsExactly("h");

        assertThat(order(t, analysis, "a", "l")).isEqualTo(VectorClock.Order.BEFORE);
        assertThat(order(t, analysis, "i", "h")).isEqualTo(VectorClock.Order.BEFORE);
        assertThat(order(t, analysis, "h", "b")).isEqualTo(VectorClock.Order.AFTER);
        assertThat(order(t, analysis, "e", "d")).isEqualTo(VectorClock.Order.CONCURRENT);
        assertThat(order(t, analysis, "g", "g")).isEqualTo(VectorClock.Order.EQUAL);
        // Lamport order does not imply happened-before: L(e) = 1 < L(d) = 4, yet they are concurrent.
        assertThat(lamport.get("e")).isLessThan(lamport.get("d"));
    }

    /**
     * Four processes P1..P4 with events a..p, four each (docs/logical-time.md, "Timeline 2"):
     * <pre>
     * P1: a (send m1 to P2)  b (internal)       c (receive m6)      d (send m7 to P3)
     * P2: e (internal)       f (receive m1)     g (send m2 to P3)   h (send m3 to P4)
     * P3: i (send m4 to P4)  j (receive m2)     k (internal)        l (receive m7)
     * P4: m (internal)       n (receive m4)     o (receive m3)      p (send m6 to P1)
     * </pre>
     */
    @Test
    void fourProcessesSixteenEvents() {
        Timeline t = new Timeline("P1", "P2", "P3", "P4")
                .send("a", "P1", "m1").internal("b", "P1")
                .internal("e", "P2").receive("f", "P2", "m1").send("g", "P2", "m2").send("h", "P2", "m3")
                .send("i", "P3", "m4").receive("j", "P3", "m2").internal("k", "P3")
                .internal("m", "P4").receive("n", "P4", "m4").receive("o", "P4", "m3").send("p", "P4", "m6")
                .receive("c", "P1", "m6").send("d", "P1", "m7")
                .receive("l", "P3", "m7");

        Map<String, Long> lamport = ordered("a", 1, "b", 2, "c", 7, "d", 8, "e", 1, "f", 2, "g", 3, "h", 4,
                "i", 1, "j", 4, "k", 5, "l", 9, "m", 1, "n", 2, "o", 5, "p", 6);
        Map<String, long[]> vectors = new LinkedHashMap<>();
        vectors.put("a", new long[] {1, 0, 0, 0});
        vectors.put("b", new long[] {2, 0, 0, 0});
        vectors.put("c", new long[] {3, 4, 1, 4});
        vectors.put("d", new long[] {4, 4, 1, 4});
        vectors.put("e", new long[] {0, 1, 0, 0});
        vectors.put("f", new long[] {1, 2, 0, 0});
        vectors.put("g", new long[] {1, 3, 0, 0});
        vectors.put("h", new long[] {1, 4, 0, 0});
        vectors.put("i", new long[] {0, 0, 1, 0});
        vectors.put("j", new long[] {1, 3, 2, 0});
        vectors.put("k", new long[] {1, 3, 3, 0});
        vectors.put("l", new long[] {4, 4, 4, 4});
        vectors.put("m", new long[] {0, 0, 0, 1});
        vectors.put("n", new long[] {0, 0, 1, 2});
        vectors.put("o", new long[] {1, 4, 1, 3});
        vectors.put("p", new long[] {1, 4, 1, 4});
        TraceAnalysis analysis = checkTimestamps(t, lamport, vectors);

        assertThat(concurrentWith(t, analysis, "a")).containsExactly("e", "i", "m", "n");
        assertThat(concurrentWith(t, analysis, "b")).containsExactly("e", "f", "g", "h", "i", "j", "k", "m", "n", "o", "p");
        assertThat(concurrentWith(t, analysis, "h")).containsExactly("b", "i", "j", "k", "m", "n");
        assertThat(concurrentWith(t, analysis, "k")).containsExactly("b", "c", "d", "h", "m", "n", "o", "p");
        assertThat(concurrentWith(t, analysis, "n")).containsExactly("a", "b", "e", "f", "g", "h", "j", "k");
        assertThat(concurrentWith(t, analysis, "l")).as("every other event happened before l").isEmpty();

        assertThat(order(t, analysis, "i", "c")).as("i -> n -> o -> p -> c").isEqualTo(VectorClock.Order.BEFORE);
        assertThat(order(t, analysis, "e", "p")).isEqualTo(VectorClock.Order.BEFORE);
        assertThat(order(t, analysis, "m", "j")).isEqualTo(VectorClock.Order.CONCURRENT);
        assertThat(order(t, analysis, "l", "a")).isEqualTo(VectorClock.Order.AFTER);
    }

    /**
     * Checks every event's Lamport time and vector (as the VectorClock the process holds, and as the merged trace
     * names it), that rebuilding the clocks from the messages alone gives the same answers, and that the trace's
     * happened-before agrees with comparing vector clocks for every pair.
     */
    private static TraceAnalysis checkTimestamps(Timeline t, Map<String, Long> lamport, Map<String, long[]> vectors) {
        assertThat(t.letters()).containsExactlyInAnyOrderElementsOf(lamport.keySet());
        TraceAnalysis analysis = new TraceAnalysis(TraceMerge.merge(t.events()).events());
        Map<String, SortedMap<String, Long>> recomputed = analysis.recomputedVectors();
        Map<String, Long> recomputedLamport = analysis.recomputedLamport();
        for (String letter : t.letters()) {
            TraceEvent merged = analysis.event(t.recorded(letter).name());
            assertThat(t.recorded(letter).lamport()).as("L(%s)", letter).isEqualTo(lamport.get(letter));
            assertThat(t.clockAt(letter)).as("V(%s) as a VectorClock", letter).isEqualTo(t.clock(vectors.get(letter)));
            assertThat(merged.vector()).as("V(%s) in the merged trace", letter).isEqualTo(t.v(vectors.get(letter)));
            assertThat(recomputed.get(merged.name())).as("V(%s) rebuilt from the messages", letter)
                    .isEqualTo(t.v(vectors.get(letter)));
            assertThat(recomputedLamport.get(merged.name())).as("L(%s) rebuilt from the messages", letter)
                    .isEqualTo(lamport.get(letter));
        }
        assertThat(analysis.inconsistencies()).isEmpty();
        assertThat(analysis.recomputedVectorMismatches()).isEmpty();
        assertThat(analysis.unmatchedReceives()).isEmpty();
        for (String x : t.letters()) {
            for (String y : t.letters()) {
                VectorClock.Order byClocks = t.clockAt(x).compare(t.clockAt(y));
                assertThat(order(t, analysis, x, y)).as("%s vs %s", x, y).isEqualTo(byClocks);
                if (byClocks == VectorClock.Order.BEFORE) {
                    assertThat(lamport.get(x)).as("clock condition: %s -> %s", x, y).isLessThan(lamport.get(y));
                }
            }
        }
        return analysis;
    }

    private static TraceEvent event(Timeline t, TraceAnalysis analysis, String letter) {
        return analysis.event(t.recorded(letter).name());
    }

    private static VectorClock.Order order(Timeline t, TraceAnalysis analysis, String x, String y) {
        return analysis.order(event(t, analysis, x), event(t, analysis, y));
    }

    /** The letters of the events concurrent with {@code letter}, alphabetically. */
    private static List<String> concurrentWith(Timeline t, TraceAnalysis analysis, String letter) {
        return analysis.concurrentWith(event(t, analysis, letter)).stream().map(t::letterOf).sorted().toList();
    }

    private static Map<String, Long> ordered(Object... pairs) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], ((Integer) pairs[i + 1]).longValue());
        }
        return map;
    }
}
