package org.clocksync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.clocksync.core.logical.ByzantineBehaviour;
import org.clocksync.core.logical.LogicalConfig;
import org.clocksync.core.logical.LogicalRound;
import org.clocksync.core.logical.MasterObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The five-object logical system in the seeded simulator: MO 5, honest POs 1-3 and Byzantine PO 4, started up to
 * 1.7 s apart.
 *
 * <p><b>The bound.</b> No counter grows faster than rho = max(1/s + R, 1/tick + 2R) counts a second: a PO counts one
 * per step of period s and one per round, since every round (R a second: 4 POs x (p_report + p_request) / s) sends
 * every PO an offset; the MO one per tick and two per round (receive, send); the POs follow the average of the five.
 * With one-way delays at most d, let E = ceil(d x rho), what a counter can grow while one message is in flight.
 * Honest POs stay within B = 4 (E + 1) of each other once they have joined ({@link LogicalConfig#spreadBound}):
 * <ul>
 * <li>the MO's estimate of a PO counts whole steps since its report arrived and the offsets it sent since, so it
 *     misses what the PO counted while the report travelled and the step phase: E + 1. After a round every PO sits at
 *     average + 1 plus its own error, so two POs differ by up to 2 (E + 1);</li>
 * <li>a negative offset of that size holds a counter up to E + 1 above its corrected value;</li>
 * <li>a report that crosses offsets on the wire was counted before them; the MO matches it to the offsets it had not
 *     seen ({@code MasterObject.crossed}), but offsets of +-1 cannot be told apart from a step, so up to another
 *     E + 1 remains.</li>
 * </ul>
 * With the defaults (s = tick = 10 ms, R = 80, rho = 260 a second) and LAN delays (d = 150 us) E = 1 and B = 8
 * counts; with delays up to 25 ms, E = 7 and B = 32.
 */
class LogicalSystemSimTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private static LogicalSimulation system(long seed, ByzantineBehaviour liar, LogicalConfig config, DelayModel delay) {
        return LogicalSimulation.builder(seed)
                .config(config)
                .delay(delay)
                .process(1, ByzantineBehaviour.HONEST, 0)
                .process(2, ByzantineBehaviour.HONEST, 300 * MS)
                .process(3, ByzantineBehaviour.HONEST, 1_700 * MS)
                .process(4, liar, 900 * MS)
                .build();
    }

    private static long bound(long maxDelayNanos) {
        return LogicalConfig.defaults().spreadBound(maxDelayNanos, 4);
    }

    @ParameterizedTest
    @EnumSource(value = ByzantineBehaviour.class, names = {"RANDOM", "CONSTANT", "TWO_FACED"})
    void honestPosStayWithinTheBoundAndMonotonicWhileTheLiarIsLeftOut(ByzantineBehaviour liar) {
        LogicalSimulation sim = system(42, liar, LogicalConfig.defaults(), DelayModel.uniform(50_000, 150_000));
        LogicalSimulation.Result r = sim.run(10 * S, 120 * S, 10 * MS);
        long b = bound(150_000);
        assertThat(b).isEqualTo(8);
        System.out.printf("%s: honest spread p50 %d p99 %d max %d (bound %d), rounds %d, liar left out of %d%n", liar,
                r.p50Spread(), r.p99Spread(), r.maxSpread(), b, r.totalRounds(), r.leftOutTotal(4));
        assertThat(r.samples()).isEqualTo(12_000);
        assertThat(r.maxSpread()).isLessThanOrEqualTo(b);
        assertThat(r.totalViolations()).isZero();
        assertThat(sim.process(1).clock().events()).isGreaterThan(20_000);
        assertLiarLeftOutOfEveryRoundAfterItsFirstReport(sim, 4);
        assertNotDragged(sim, 130 * S);
    }

    /** Delays up to 25 ms, longer than two steps: E = 7, B = 32. */
    @Test
    void aSlowNetworkWidensTheBoundAsStated() {
        LogicalSimulation sim = system(7, ByzantineBehaviour.TWO_FACED, LogicalConfig.defaults(),
                DelayModel.uniform(0, 25 * MS));
        LogicalSimulation.Result r = sim.run(10 * S, 120 * S, 10 * MS);
        long b = bound(25 * MS);
        assertThat(b).isEqualTo(32);
        System.out.printf("slow network: honest spread p50 %d p99 %d max %d (bound %d)%n", r.p50Spread(),
                r.p99Spread(), r.maxSpread(), b);
        assertThat(r.maxSpread()).isLessThanOrEqualTo(b);
        assertThat(r.totalViolations()).isZero();
        assertLiarLeftOutOfEveryRoundAfterItsFirstReport(sim, 4);
    }

    /**
     * A machine so loaded that a message may take 300 ms to be handled (E = 78, B = 316): the POs still converge from
     * start-up and stay within tens of each other, because a report that crosses offsets is matched to them instead
     * of being taken as if it included them (which made POs overshoot by the sum of the offsets in flight).
     */
    @Test
    void evenThreeHundredMillisecondDelaysKeepTheBound() {
        LogicalSimulation sim = system(11, ByzantineBehaviour.TWO_FACED, LogicalConfig.defaults(),
                DelayModel.uniform(0, 300 * MS));
        LogicalSimulation.Result r = sim.run(10 * S, 120 * S, 10 * MS);
        long b = bound(300 * MS);
        assertThat(b).isEqualTo(316);
        System.out.printf("300 ms delays: honest spread p50 %d p99 %d max %d (bound %d)%n", r.p50Spread(),
                r.p99Spread(), r.maxSpread(), b);
        assertThat(r.maxSpread()).isLessThanOrEqualTo(b);
        assertThat(r.totalViolations()).isZero();
        for (int id : sim.honestIds()) {
            assertThat(sim.process(id).clock().forgone()).as("no PO was pushed far ahead and held").isZero();
        }
    }

    /**
     * The POs join 25 s after the MO (its counter thousands ahead), one at a time, on links of up to 300 ms: every
     * first correction is thousands, and the reports sent before it arrived must not make the MO send it again.
     */
    @Test
    void latePosCatchUpOnceEvenWhenTheirReportsCrossTheCorrection() {
        LogicalSimulation sim = LogicalSimulation.builder(5)
                .delay(DelayModel.uniform(0, 300 * MS))
                .process(1, ByzantineBehaviour.HONEST, 25 * S)
                .process(2, ByzantineBehaviour.HONEST, 26 * S)
                .process(3, ByzantineBehaviour.HONEST, 26_200 * MS)
                .process(4, ByzantineBehaviour.TWO_FACED, 27 * S)
                .build();
        LogicalSimulation.Result r = sim.run(35 * S, 60 * S, 10 * MS);
        System.out.printf("late POs, 300 ms delays: honest spread p50 %d p99 %d max %d%n", r.p50Spread(),
                r.p99Spread(), r.maxSpread());
        for (int id : sim.honestIds()) {
            assertThat(sim.process(id).clock().forgone()).as("PO %d never overshot and was held back", id).isZero();
        }
        assertThat(r.maxSpread()).isLessThanOrEqualTo(bound(300 * MS));
        assertThat(r.totalViolations()).isZero();
    }

    /**
     * The ten minutes, in virtual time, for a few seeds, with delays of 50 us plus an exponential tail (mean
     * 100 us; one over 5 ms has probability e^-49, so the bound is taken at d = 5.15 ms, still B = 8).
     */
    @Test
    void tenMinutesWithATwoFacedPo() {
        for (long seed = 1; seed <= 3; seed++) {
            LogicalSimulation sim = system(seed, ByzantineBehaviour.TWO_FACED, LogicalConfig.defaults(),
                    DelayModel.shiftedExponential(50_000, 100_000));
            LogicalSimulation.Result r = sim.run(10 * S, 600 * S, 200 * MS);
            System.out.printf("10 min seed %d: honest spread p50 %d p99 %d max %d, rounds %d, liar left out of %d%n",
                    seed, r.p50Spread(), r.p99Spread(), r.maxSpread(), r.totalRounds(), r.leftOutTotal(4));
            assertThat(r.maxSpread()).isLessThanOrEqualTo(bound(150_000 + 5 * MS));
            assertThat(r.totalViolations()).isZero();
            assertNotDragged(sim, 610 * S);
        }
    }

    /**
     * The MO restarts after a minute with its counter at 0, thousands behind the POs: a majority of POs outvotes it
     * within a few rounds, it jumps forward to them, and the honest POs never leave the bound or go backwards.
     */
    @Test
    void aRestartedMoIsOutvotedByThePosAndCatchesUp() {
        LogicalSimulation sim = system(3, ByzantineBehaviour.RANDOM, LogicalConfig.defaults(),
                DelayModel.uniform(50_000, 150_000));
        sim.run(10 * S, 50 * S, 100 * MS);
        long before = sim.process(1).counter();
        sim.simulator().restart(5, sim.simulator().nowNanos() + 1);
        sim.simulator().runFor(2 * S);
        assertThat(sim.master().counter()).as("caught up with the POs").isGreaterThan(before);
        LogicalSimulation.Result r = sim.run(0, 60 * S, 10 * MS);
        System.out.printf("after an MO restart: honest spread p50 %d p99 %d max %d%n", r.p50Spread(), r.p99Spread(),
                r.maxSpread());
        assertThat(r.maxSpread()).isLessThanOrEqualTo(bound(150_000));
        assertThat(r.totalViolations()).isZero();
        assertThat(sim.master().lastRound().leftOutIds()).containsExactly(4);
    }

    /** Without the fault-tolerant average (any deviation allowed) the constant liar drags everyone by 10^9 / 5. */
    @Test
    void withoutTheFaultTolerantAverageTheLiarWouldDragTheHonestPos() {
        LogicalConfig noLimit = LogicalConfig.of(10 * MS, 0.8, 0.15, 0.05, 10 * MS, LogicalConfig.MAX_COUNTER);
        LogicalSimulation sim = system(42, ByzantineBehaviour.CONSTANT, noLimit, DelayModel.uniform(50_000, 150_000));
        sim.run(10 * S, 10 * S, 100 * MS);
        assertThat(sim.process(1).counter()).isGreaterThan(100_000_000L);
        assertThat(sim.master().lastRound().leftOut()).isEmpty();
    }

    private static void assertLiarLeftOutOfEveryRoundAfterItsFirstReport(LogicalSimulation sim, int liar) {
        List<LogicalRound> rounds = sim.rounds();
        assertThat(rounds).hasSizeGreaterThan(5_000);
        int first = 0;
        while (rounds.get(first).entry(liar) == null
                || rounds.get(first).entry(liar).status() == LogicalRound.Status.NO_REPORT) {
            first++;
        }
        List<LogicalRound> after = rounds.subList(first, rounds.size());
        assertThat(after).allSatisfy(round -> {
            assertThat(round.leftOutIds()).contains(liar);
            assertThat(round.entry(liar).reason()).isNotEmpty();
        });
        // once they have joined and been corrected, the honest ones are in every average
        List<LogicalRound> late = rounds.subList(rounds.size() / 10, rounds.size());
        assertThat(late).allSatisfy(round -> assertThat(round.leftOutIds()).containsExactly(liar));
        long[] counts = sim.master().leftOutCounts().get(liar);
        assertThat(counts[0] + counts[1]).isEqualTo(after.size());
    }

    /**
     * No counter grows faster than rho = 260 a second (see the class comment; the honest ones grow about 205 a second,
     * the average of the MO and the POs), nor slower than one per step. Dragged by a liar they would be millions
     * ahead.
     */
    private static void assertNotDragged(LogicalSimulation sim, long elapsedNanos) {
        for (int id : sim.honestIds()) {
            assertThat(sim.process(id).counter()).as("PO %d", id)
                    .isLessThan(elapsedNanos / S * 260).isGreaterThan(elapsedNanos / S * 100);
        }
    }
}
