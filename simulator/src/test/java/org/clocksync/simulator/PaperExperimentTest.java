package org.clocksync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.clocksync.core.cristian.ProbabilisticReader.Rule;
import org.clocksync.core.cristian.ProbabilisticReader;
import org.junit.jupiter.api.Test;

class PaperExperimentTest {
    private static final long DEFAULT_SEED = 1997;

    @Test
    void sameSeedSameFiguresForBothRulesAndAtLeastAThousandAttemptsEach() {
        List<PaperExperiment.RuleResult> first = PaperExperiment.run(DEFAULT_SEED, 1000, PaperExperiment.paperLike());
        List<PaperExperiment.RuleResult> again = PaperExperiment.run(DEFAULT_SEED, 1000, PaperExperiment.paperLike());

        assertThat(again).isEqualTo(first);
        assertThat(first).extracting(PaperExperiment.RuleResult::rule).containsExactly(Rule.CRISTIAN, Rule.ALARI_CIUFFOLETTI);
        for (PaperExperiment.RuleResult r : first) {
            assertThat(r.attempts()).isEqualTo(1000);
            assertThat(r.rapports()).isPositive();
            assertThat(r.errorsOutsideBound()).as("true error within the claimed bound").isZero();
            assertThat(r.contradictions()).isZero();
            assertThat(r.meanBoundNanos()).isLessThan(PaperExperiment.paperLike().reader().epsilonNanos());
            assertThat(r.meanErrorNanos()).isLessThan(r.meanBoundNanos());
            assertThat(r.meanDnaNanos()).isPositive();
            assertThat(r.messagesPerSecond()).isPositive();
        }
        // Attempt n of both rules met the same two delays, so the round trips agree.
        assertThat(first.get(0).meanRttNanos()).isEqualTo(first.get(1).meanRttNanos());
        assertThat(PaperExperiment.run(DEFAULT_SEED + 1, 1000, PaperExperiment.paperLike())).isNotEqualTo(first);
    }

    @Test
    void onTheDefaultSeedAlariCiuffolettiGetsMoreRapportsForFewerMessages() {
        List<PaperExperiment.RuleResult> results = PaperExperiment.run(DEFAULT_SEED, 1000, PaperExperiment.paperLike());
        PaperExperiment.RuleResult cristian = results.get(0);
        PaperExperiment.RuleResult ac = results.get(1);

        assertThat(ac.rapports()).isGreaterThan(cristian.rapports());
        assertThat(ac.unsynchronizedCycles()).isLessThan(cristian.unsynchronizedCycles());
        assertThat(ac.messagesPerSecond()).isLessThan(cristian.messagesPerSecond());
        assertThat(ac.meanErrorNanos()).isLessThanOrEqualTo(cristian.meanErrorNanos());
        // An intersection is never wider than the reading, so what A-C knows after a reply is tighter on average.
        assertThat(ac.meanReplyBoundNanos()).isLessThan(cristian.meanReplyBoundNanos());
    }

    @Test
    void tableHasAHeaderAndOneRowPerRule() {
        String table = PaperExperiment.table(PaperExperiment.run(3, 1000, PaperExperiment.paperLike()));

        assertThat(table.lines()).hasSize(4);
        assertThat(table.lines().findFirst().orElseThrow()).startsWith("| rule | attempts | rapports |");
        assertThat(table).contains("\n| Cristian | 1000 | ").contains("\n| Alari-Ciuffoletti | 1000 | ");
        assertThat(PaperExperiment.describe(PaperExperiment.paperLike()))
                .startsWith("one-way delay 50 us + Weibull(shape 2.0, scale 780 us); epsilon 500 us, k 8, W 1 s");
    }

    @Test
    void limitsAreChecked() {
        PaperExperiment.Params p = PaperExperiment.paperLike();
        assertThatThrownBy(() -> PaperExperiment.run(1, 0, p)).hasMessage("attempts must be in 1..100000, got 0");
        assertThatThrownBy(() -> PaperExperiment.run(1, 100_001, p)).hasMessage("attempts must be in 1..100000, got 100001");
        assertThatThrownBy(() -> new PaperExperiment.Params(p.oneWayDelay(), p.reader(), p.accuracyNanos(), 30.0, 0.0, 0, p.tickNanos()))
                .hasMessageContaining("must be within the reader's drift bound of 25.0 ppm");
        assertThatThrownBy(() -> new PaperExperiment.Params(p.oneWayDelay(), p.reader(), 600_000L, 0.0, 0.0, 0, p.tickNanos()))
                .hasMessageContaining("attempts spaced 1 s do not fit");
        ProbabilisticReader.Params tooSlow = new ProbabilisticReader.Params(500_000L, 8, 1_000_000_000L, 60_000L, 25.0);
        assertThatThrownBy(() -> new PaperExperiment.Params(p.oneWayDelay(), tooSlow, p.accuracyNanos(), 0.0, 0.0, 0, p.tickNanos()))
                .hasMessage("the reader assumes a minimum delay of 60 us but the link's is 50 us");
    }
}
