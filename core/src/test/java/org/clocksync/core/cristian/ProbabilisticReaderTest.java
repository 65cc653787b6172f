package org.clocksync.core.cristian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.clocksync.core.cristian.ProbabilisticReader.Params;
import org.clocksync.core.cristian.ProbabilisticReader.Rule;
import org.clocksync.core.cristian.ReaderOutput.ReadingDiscarded;
import org.clocksync.core.cristian.ReaderOutput.SendRequest;
import org.clocksync.core.cristian.ReaderOutput.Synchronized;
import org.clocksync.core.cristian.ReaderOutput.Unsynchronized;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ProbabilisticReaderTest {
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    /** In these tests the server's clock reads the client's plus this, exactly. */
    private static final long OFFSET = 1 * S;

    private static long server(long clientNanos) {
        return clientNanos + OFFSET;
    }

    /** The reply to a request sent at {@code sentNanos} that took {@code outNanos} there and {@code backNanos} back. */
    private static List<ReaderOutput> reply(ProbabilisticReader reader, long sentNanos, long outNanos, long backNanos) {
        return reader.onReply(sentNanos, sentNanos + outNanos + backNanos, server(sentNanos + outNanos));
    }

    @ParameterizedTest
    @EnumSource(Rule.class)
    void aGoodFirstReplySynchronizes(Rule rule) {
        ProbabilisticReader reader = new ProbabilisticReader("lab", rule, new Params(500 * US, 3, 1 * S, 100 * US, 50.0));

        assertThat(reader.start(0)).containsExactly(new SendRequest(1, 0));
        List<ReaderOutput> outputs = reply(reader, 0, 450 * US, 550 * US);

        assertThat(outputs).hasSize(1).first().isInstanceOf(Synchronized.class);
        Synchronized sync = (Synchronized) outputs.get(0);
        assertThat(sync.rule()).isEqualTo(rule);
        assertThat(sync.attempts()).isEqualTo(1);
        assertThat(sync.atNanos()).isEqualTo(1 * MS);
        // rtt/2 - min = 400 us, and ~106 ns for the drift over the round trip and the minimum delay.
        assertThat(sync.boundNanos()).isEqualTo(400_056L);
        assertThat(sync.estimateNanos()).isCloseTo(server(450 * US) + 500 * US, within(100L)); // T + rtt/2
        assertThat(Math.abs(sync.estimateNanos() - server(1 * MS))).isLessThanOrEqualTo(sync.boundNanos());
        assertThat(sync.offsetNanos()).isCloseTo(OFFSET, within(400 * US));
        assertThat(sync.reading().server()).isEqualTo("lab");
        assertThat(reader.inCycle()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Rule.class)
    void badRepliesUpToKThenUnsynchronized(Rule rule) {
        ProbabilisticReader reader = new ProbabilisticReader("lab", rule, new Params(500 * US, 3, 1 * S, 100 * US, 50.0));

        reader.start(0);
        for (int attempt = 1; attempt <= 3; attempt++) {
            long sentNanos = (attempt - 1) * S;
            List<ReaderOutput> outputs = reply(reader, sentNanos, 1_500 * US, 1_500 * US); // bound ~1.4 ms
            assertThat(outputs).noneMatch(o -> o instanceof Synchronized);
            if (attempt < 3) {
                assertThat(outputs).noneMatch(o -> o instanceof Unsynchronized);
                assertThat(reader.onTick(sentNanos + S - 1)).as("not before W").isEmpty();
                assertThat(reader.onTick(sentNanos + S)).containsExactly(new SendRequest(attempt + 1, sentNanos + S));
            } else {
                assertThat(outputs.get(outputs.size() - 1)).isInstanceOfSatisfying(Unsynchronized.class, u -> {
                    assertThat(u.attempts()).isEqualTo(3);
                    assertThat(u.atNanos()).isEqualTo(2 * S + 3 * MS);
                    assertThat(u.reason()).startsWith("no reading within epsilon 500 us in 3 attempts (best bound 1.");
                });
            }
        }
        assertThat(reader.inCycle()).isFalse();
        assertThat(reader.onTick(10 * S)).as("no cycle open").isEmpty();
        if (rule == Rule.CRISTIAN) {
            assertThat(reader.discardedReadings()).isEqualTo(3);
        }
    }

    @Test
    void unansweredAttemptsTimeOutAfterWAndLateRepliesAreIgnored() {
        ProbabilisticReader reader = new ProbabilisticReader("lab", Rule.CRISTIAN, new Params(500 * US, 3, 1 * S, 0, 50.0));

        reader.start(0);
        assertThat(reader.onTick(1 * S)).containsExactly(new SendRequest(2, 1 * S));
        // The first request's answer turns up after the second left: it matches nothing outstanding.
        assertThat(reply(reader, 0, 100 * US, 1 * S + 100 * US)).isEmpty();
        assertThat(reader.staleReplies()).isEqualTo(1);
        assertThat(reader.onTick(2 * S)).containsExactly(new SendRequest(3, 2 * S));
        List<ReaderOutput> outputs = reader.onTick(3 * S);

        assertThat(outputs).singleElement().isInstanceOfSatisfying(Unsynchronized.class, u ->
                assertThat(u.reason()).isEqualTo("no reading within epsilon 500 us in 3 attempts (no usable reply, 3 unanswered)"));
        assertThat(reader.inCycle()).isFalse();
    }

    @Test
    void alariCiuffolettiDiscardsAReadingThatDoesNotNarrowAndSynchronizesByIntersecting() {
        Params params = new Params(200 * US, 3, 1 * S, 0, 1.0);
        ProbabilisticReader ac = new ProbabilisticReader("lab", Rule.ALARI_CIUFFOLETTI, params);
        ProbabilisticReader cristian = new ProbabilisticReader("lab", Rule.CRISTIAN, params);
        ac.start(0);
        cristian.start(0);

        // Attempt 1: rtt 600 us, server time in [+100 us, +700 us]: +-300 us, not under 200 us, but kept.
        assertThat(reply(ac, 0, 100 * US, 500 * US)).isEmpty();
        assertThat(ac.knowledge()).isEqualTo(new ServerTimeInterval(600 * US, server(100 * US), server(700 * US) + 2));
        assertThat(reply(cristian, 0, 100 * US, 500 * US)).singleElement().isInstanceOf(ReadingDiscarded.class);

        // Attempt 2: rtt 2 ms, +-1 ms around the truth: it contains all that is known, so it adds nothing.
        ac.onTick(1 * S);
        cristian.onTick(1 * S);
        assertThat(reply(ac, 1 * S, 1 * MS, 1 * MS)).singleElement().isInstanceOfSatisfying(ReadingDiscarded.class, d ->
                assertThat(d.reason()).startsWith("does not narrow what is known (+-302"));
        assertThat(ac.knowledge().atNanos()).as("knowledge unchanged").isEqualTo(600 * US);
        assertThat(ac.boundAfterLastReplyNanos()).as("the old knowledge, aged 1 s").isEqualTo(302_004L);
        assertThat(reply(cristian, 1 * S, 1 * MS, 1 * MS)).singleElement().isInstanceOf(ReadingDiscarded.class);
        assertThat(cristian.boundAfterLastReplyNanos()).as("the reading alone").isEqualTo(1_000_003L);

        // Attempt 3: rtt 400 us, +-200 us alone (not under epsilon), but the old knowledge, aged 2 s, cuts it to +-102 us.
        ac.onTick(2 * S);
        cristian.onTick(2 * S);
        List<ReaderOutput> acOutputs = reply(ac, 2 * S, 300 * US, 100 * US);
        List<ReaderOutput> cristianOutputs = reply(cristian, 2 * S, 300 * US, 100 * US);

        assertThat(acOutputs).singleElement().isInstanceOfSatisfying(Synchronized.class, sync -> {
            assertThat(sync.attempts()).isEqualTo(3);
            assertThat(sync.boundNanos()).isEqualTo(102_001L);
            long trueServerNanos = server(2 * S + 400 * US);
            assertThat(sync.estimateNanos()).isEqualTo(trueServerNanos + 2_001);
            assertThat(Math.abs(sync.estimateNanos() - trueServerNanos)).isLessThanOrEqualTo(sync.boundNanos());
        });
        assertThat(ac.knowledge()).isEqualTo(new ServerTimeInterval(2 * S + 400 * US, server(2 * S + 300 * US),
                server(2 * S + 504 * US) + 2));
        assertThat(ac.discardedReadings()).isEqualTo(1);
        assertThat(cristianOutputs).last().isInstanceOf(Unsynchronized.class);
    }

    @Test
    void alariCiuffolettiWidensOldKnowledgeByTheDriftBoundTimesTheTimeSince() {
        // A first cycle leaves the server's time known within ~100 us; ten seconds later a +-1 ms reading arrives.
        ProbabilisticReader drifting = new ProbabilisticReader("lab", Rule.ALARI_CIUFFOLETTI, new Params(150 * US, 3, 1 * S, 0, 50.0));
        ProbabilisticReader steady = new ProbabilisticReader("lab", Rule.ALARI_CIUFFOLETTI, new Params(150 * US, 3, 1 * S, 0, 0.001));
        for (ProbabilisticReader reader : List.of(drifting, steady)) {
            reader.start(0);
            assertThat(reply(reader, 0, 100 * US, 100 * US)).singleElement().isInstanceOf(Synchronized.class);
            reader.start(10 * S);
        }

        // At 50 ppm per clock, 10 s may have moved the server's clock 1 ms either way: the +-1 ms reading narrows that.
        assertThat(reply(drifting, 10 * S, 1 * MS, 1 * MS)).isEmpty();
        assertThat(drifting.knowledge().atNanos()).isEqualTo(10 * S + 2 * MS);
        assertThat(drifting.knowledge().halfWidthNanos()).isEqualTo(1_000_101L);
        assertThat(drifting.knowledge().contains(server(10 * S + 2 * MS))).isTrue();
        // At 0.001 ppm the old knowledge is still within ~100 us: the same reading cannot improve it, and needs not.
        List<ReaderOutput> outputs = reply(steady, 10 * S, 1 * MS, 1 * MS);
        assertThat(outputs).hasSize(2);
        assertThat(outputs.get(0)).isInstanceOf(ReadingDiscarded.class);
        assertThat(outputs.get(1)).isInstanceOfSatisfying(Synchronized.class, sync ->
                assertThat(sync.boundNanos()).isBetween(100 * US, 101 * US));
        assertThat(steady.knowledge().atNanos()).isEqualTo(200 * US);
    }

    @Test
    void alariCiuffolettiStartsAfreshWhenAReadingContradictsWhatIsKnown() {
        ProbabilisticReader reader = new ProbabilisticReader("lab", Rule.ALARI_CIUFFOLETTI, new Params(150 * US, 3, 1 * S, 0, 1.0));
        reader.start(0);
        reply(reader, 0, 100 * US, 100 * US);
        reader.start(1 * S);

        // The server's clock jumped 10 ms: the reading misses the old interval entirely.
        List<ReaderOutput> outputs = reader.onReply(1 * S, 1 * S + 200 * US, server(1 * S + 100 * US) + 10 * MS);

        assertThat(reader.contradictions()).isEqualTo(1);
        assertThat(outputs).singleElement().isInstanceOfSatisfying(Synchronized.class, sync ->
                assertThat(sync.estimateNanos()).isCloseTo(server(1 * S + 200 * US) + 10 * MS, within(10L)));
    }

    @Test
    void anImpossibleReplyIsDiscardedNotThrown() {
        ProbabilisticReader reader = new ProbabilisticReader("lab", Rule.CRISTIAN, new Params(500 * US, 2, 1 * S, 100 * US, 50.0));
        reader.start(0);

        assertThat(reader.onReply(0, 150 * US, server(75 * US))).singleElement().isInstanceOfSatisfying(ReadingDiscarded.class, d ->
                assertThat(d.reason()).isEqualTo("round trip 150 us is under two minimum delays (200 us): the minimum"
                        + " delay is set too high or the client's clock jumped"));
        reader.onTick(1 * S);
        assertThat(reader.onReply(1 * S, 1 * S + 300 * US, Long.MAX_VALUE)).first().isInstanceOfSatisfying(ReadingDiscarded.class, d ->
                assertThat(d.reason()).endsWith("not a clock reading"));
        assertThat(reader.inCycle()).isFalse();
    }

    @Test
    void startingWhileACycleIsOpenIsACallerBug() {
        ProbabilisticReader reader = new ProbabilisticReader("lab", Rule.CRISTIAN, new Params(500 * US, 2, 1 * S, 0, 50.0));
        reader.start(0);

        assertThatThrownBy(() -> reader.start(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a reading cycle is already open (attempt 1 of 2)");
    }

    @Test
    void paramsAreValidated() {
        assertThatThrownBy(() -> new Params(0, 3, S, 0, 50.0)).hasMessageContaining("epsilon must be in 1..");
        assertThatThrownBy(() -> new Params(MS, 0, S, 0, 50.0)).hasMessageContaining("attempts per cycle must be in 1..100");
        assertThatThrownBy(() -> new Params(MS, 101, S, 0, 50.0)).hasMessageContaining("attempts per cycle must be in 1..100");
        assertThatThrownBy(() -> new Params(MS, 3, 999, 0, 50.0)).hasMessageContaining("attempt spacing must be in");
        assertThatThrownBy(() -> new Params(MS, 3, S, -1, 50.0)).hasMessageContaining("minimum one-way delay must be in");
        assertThatThrownBy(() -> new Params(MS, 3, MS, 500 * US, 50.0))
                .hasMessage("attempt spacing 1 ms is not over two minimum delays (1 ms): no reply could arrive before the next attempt");
        assertThatThrownBy(() -> new Params(MS, 3, S, 0, 0.0)).hasMessageContaining("maximum drift must be in (0, 1000.0] ppm");
        assertThatThrownBy(() -> new Params(MS, 3, S, 0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
