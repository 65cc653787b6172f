package org.clocksync.core.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.clocksync.protocol.VectorTimestamp;
import org.junit.jupiter.api.Test;

/** LamportClock and VectorClock on their own: the rules, the bounds, and the wire form. */
class ClockRulesTest {

    @Test
    void lamportTicksOnLocalEventsAndJumpsPastTheSenderOnReceive() {
        LamportClock c = new LamportClock();
        assertThat(c.time()).isZero();
        assertThat(c.tick()).isEqualTo(1);
        assertThat(c.receive(7)).isEqualTo(8);
        assertThat(c.receive(3)).as("an older timestamp still moves the clock by one").isEqualTo(9);
        assertThat(c.tick()).isEqualTo(10);
        assertThatThrownBy(() -> c.receive(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LamportClock(-5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lamportSaturatesInsteadOfWrappingOnAHostileTimestamp() {
        LamportClock c = new LamportClock();
        assertThat(c.receive(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(c.tick()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void vectorIncrementMergeAndCompare() {
        VectorClock a = VectorClock.empty().increment(1).increment(1);
        VectorClock b = VectorClock.empty().increment(2);
        assertThat(a.asMap()).containsExactly(Map.entry(1, 2L));
        assertThat(a.compare(b)).isEqualTo(VectorClock.Order.CONCURRENT);
        VectorClock received = b.merge(a).increment(2);
        assertThat(received).hasToString("{1=2, 2=2}");
        assertThat(a.compare(received)).isEqualTo(VectorClock.Order.BEFORE);
        assertThat(received.compare(a)).isEqualTo(VectorClock.Order.AFTER);
        assertThat(received.compare(VectorClock.of(Map.of(1, 2L, 2, 2L, 3, 0L)))).isEqualTo(VectorClock.Order.EQUAL);
        assertThat(a.happenedBefore(received)).isTrue();
        assertThat(a.concurrentWith(b)).isTrue();
        assertThat(a.lessOrEqual(a)).isTrue();
        assertThat(a.get(2)).isZero();
        assertThat(VectorClock.empty().compare(VectorClock.empty())).isEqualTo(VectorClock.Order.EQUAL);
        assertThat(VectorClock.empty().compare(a)).isEqualTo(VectorClock.Order.BEFORE);
    }

    @Test
    void vectorIsImmutable() {
        VectorClock a = VectorClock.empty().increment(3);
        VectorClock b = a.increment(3);
        a.merge(VectorClock.of(Map.of(4, 9L)));
        assertThat(a.get(3)).isEqualTo(1);
        assertThat(a.size()).isEqualTo(1);
        assertThat(b.get(3)).isEqualTo(2);
    }

    @Test
    void vectorHandlesTheLargestIdsAndCounters() {
        VectorClock big = VectorClock.of(Map.of(Integer.MAX_VALUE, Long.MAX_VALUE, 1, 1L));
        assertThat(big.increment(Integer.MAX_VALUE).get(Integer.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        VectorClock other = VectorClock.of(Map.of(Integer.MAX_VALUE, 5L));
        assertThat(other.compare(big)).isEqualTo(VectorClock.Order.BEFORE);
        assertThat(big.merge(other)).isEqualTo(big);
    }

    @Test
    void vectorIsBoundedTo1024Entries() {
        Map<Integer, Long> full = new HashMap<>();
        for (int id = 1; id <= VectorClock.MAX_ENTRIES; id++) {
            full.put(id, 1L);
        }
        VectorClock v = VectorClock.of(full);
        assertThat(v.size()).isEqualTo(1024);
        assertThat(v.increment(1024).get(1024)).isEqualTo(2);
        assertThatThrownBy(() -> v.increment(5000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1024 entries");
        assertThatThrownBy(() -> v.merge(VectorClock.empty().increment(5000))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1025 entries");
        full.put(5000, 1L);
        assertThatThrownBy(() -> VectorClock.of(full)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> VectorClock.empty().increment(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VectorClock.of(Map.of(1, -1L))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vectorTravelsAsTheWireTimestamp() {
        VectorClock v = VectorClock.of(Map.of(5, 7L, 1, 4L, 3, 9L));
        VectorTimestamp wire = v.toWire();
        assertThat(wire).isEqualTo(VectorTimestamp.of(new int[] {1, 3, 5}, new long[] {4, 9, 7}));
        assertThat(VectorClock.fromWire(wire)).isEqualTo(v);
        assertThat(VectorClock.fromWire(VectorTimestamp.of(new int[] {2}, new long[] {0}))).isEqualTo(VectorClock.empty());
    }

    @Test
    void recorderIgnoresAVectorThatClaimsMoreOfThisNodesEventsThanItHad() {
        TraceRecorder r = new TraceRecorder("KMC", 1, new LamportClock());
        r.internal("start id=1");
        TraceEvent e = r.receive(5, 10, VectorClock.of(Map.of(1, 9L, 5, 3L)), "liar");
        assertThat(r.vectorsIgnored()).isEqualTo(1);
        assertThat(e.vector()).containsExactly(Map.entry("KMC", 2L));
        assertThat(e.lamport()).isEqualTo(11);
        assertThat(e.messageId()).isEqualTo("5:10");
        TraceEvent honest = r.receive(5, 11, VectorClock.of(Map.of(1, 1L, 5, 4L)), "honest");
        assertThat(honest.vector()).containsExactly(Map.entry("5", 4L), Map.entry("KMC", 3L));
        assertThat(r.vector()).isEqualTo(VectorClock.of(Map.of(1, 3L, 5, 4L)));
        assertThatThrownBy(() -> new TraceRecorder("7up", 1, new LamportClock())).hasMessageContaining("start with a letter");
    }
}
