package org.clocksync.clockctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.clocksync.core.cristian.ProbabilisticReader;
import org.clocksync.simulator.PaperExperiment;
import org.junit.jupiter.api.Test;

/** The text of {@code clockctl simulate --json} for fixed figures, independent of what the simulator computes. */
class SimulateJsonTest {
    @Test
    void parametersThenOneObjectPerRuleUnitsInTheNames() throws Exception {
        Simulate simulate = new Simulate();
        simulate.seed = 7;
        simulate.attempts = 300;
        List<PaperExperiment.RuleResult> results = List.of(
                new PaperExperiment.RuleResult(ProbabilisticReader.Rule.values()[0], 300, 290, 10, 1_500_000L,
                        750_000L, 700_000L, 12_000L, 90_000L, 0, 13_000L, 0.5, 4L, 0L, 86_400_000_000_000L),
                new PaperExperiment.RuleResult(ProbabilisticReader.Rule.values()[1], 300, 300, 0, 1_400_000L,
                        650_000L, 450_000L, 9_000L, 60_000L, 1, 8_000L, 2.25, 0L, 1L, 86_400_000_000_000L));

        assertThat(simulate.toJsonText(PaperExperiment.paperLike(), results))
                .isEqualTo("{\"seed\":7,\"attemptsPerRule\":300,\"params\":{"
                + "\"oneWayDelayMinNanos\":50000,\"oneWayDelayWeibullShape\":2.0,\"oneWayDelayWeibullScaleNanos\":780000,"
                + "\"epsilonNanos\":500000,\"maxAttempts\":8,\"attemptSpacingNanos\":1000000000,\"minDelayNanos\":50000,"
                + "\"maxDriftPpm\":25.0,\"accuracyNanos\":2100000,\"clientDriftPpm\":20.0,\"serverDriftPpm\":-15.0,"
                + "\"clientOffsetNanos\":250000000,\"clientTickNanos\":10000000},\"rules\":["
                + "{\"rule\":\"CRISTIAN\",\"attempts\":300,\"rapports\":290,\"unsynchronizedCycles\":10,"
                + "\"meanRttNanos\":1500000,\"meanReplyBoundNanos\":750000,\"meanBoundNanos\":700000,"
                + "\"meanErrorNanos\":12000,\"maxErrorNanos\":90000,\"errorsOutsideBound\":0,\"meanDnaNanos\":13000,"
                + "\"messagesPerSecond\":0.5,\"discardedReadings\":4,\"contradictions\":0,"
                + "\"measuredNanos\":86400000000000},"
                + "{\"rule\":\"ALARI_CIUFFOLETTI\",\"attempts\":300,\"rapports\":300,\"unsynchronizedCycles\":0,"
                + "\"meanRttNanos\":1400000,\"meanReplyBoundNanos\":650000,\"meanBoundNanos\":450000,"
                + "\"meanErrorNanos\":9000,\"maxErrorNanos\":60000,\"errorsOutsideBound\":1,\"meanDnaNanos\":8000,"
                + "\"messagesPerSecond\":2.25,\"discardedReadings\":0,\"contradictions\":1,"
                + "\"measuredNanos\":86400000000000}]}");
    }
}
