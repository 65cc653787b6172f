package org.clocksync.clockctl;

import java.util.List;
import org.clocksync.simulator.PaperExperiment;

/** The document {@code simulate --json} prints: the run, its parameters and one entry per reading rule. */
record SimulationReportJson(long seed, int attemptsPerRule, Params params, List<RuleFigures> rules) {
    static SimulationReportJson of(long seed, int attemptsPerRule, PaperExperiment.Params p,
            List<PaperExperiment.RuleResult> results) {
        return new SimulationReportJson(seed, attemptsPerRule, Params.of(p),
                results.stream().map(RuleFigures::of).toList());
    }

    record Params(long oneWayDelayMinNanos, double oneWayDelayWeibullShape, long oneWayDelayWeibullScaleNanos,
            long epsilonNanos, int maxAttempts, long attemptSpacingNanos, long minDelayNanos, double maxDriftPpm,
            long accuracyNanos, double clientDriftPpm, double serverDriftPpm, long clientOffsetNanos,
            long clientTickNanos) {
        static Params of(PaperExperiment.Params p) {
            return new Params(p.oneWayDelay().minNanos(), p.oneWayDelay().shape(), p.oneWayDelay().scaleNanos(),
                    p.reader().epsilonNanos(), p.reader().maxAttempts(), p.reader().attemptSpacingNanos(),
                    p.reader().minDelayNanos(), p.reader().maxDriftPpm(), p.accuracyNanos(), p.clientDriftPpm(),
                    p.serverDriftPpm(), p.clientOffsetNanos(), p.tickNanos());
        }
    }

    record RuleFigures(String rule, int attempts, int rapports, int unsynchronizedCycles, long meanRttNanos,
            long meanReplyBoundNanos, long meanBoundNanos, long meanErrorNanos, long maxErrorNanos,
            int errorsOutsideBound, long meanDnaNanos, double messagesPerSecond, long discardedReadings,
            long contradictions, long measuredNanos) {
        static RuleFigures of(PaperExperiment.RuleResult r) {
            return new RuleFigures(r.rule().name(), r.attempts(), r.rapports(), r.unsynchronizedCycles(),
                    r.meanRttNanos(), r.meanReplyBoundNanos(), r.meanBoundNanos(), r.meanErrorNanos(),
                    r.maxErrorNanos(), r.errorsOutsideBound(), r.meanDnaNanos(), r.messagesPerSecond(),
                    r.discardedReadings(), r.contradictions(), r.measuredNanos());
        }
    }
}
