package org.clocksync.core.berkeley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.core.clock.DriftEstimator;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/**
 * The coordinator learns each member's rate against its own clock and brings every reading to the instant the round
 * is decided. Each round here is decided at the round timeout, 300 ms after the polls, because one member never
 * answers: the readings of the others are then 300 ms old, 30 us at 100 ppm.
 */
class BerkeleyFrequencyTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final int MASTER = 1;
    private static final int SILENT = 9;
    private static final long ROUND_TIMEOUT_NANOS = 300 * MS;

    /** A member's clock: host time plus an offset, drifting at {@code ppm}, moved by every correction it applies. */
    private static final class SimMember {
        final int id;
        double ppm;
        long offsetNanos;
        long sinceHostNanos = T0;
        /** A liar reads the coordinator's clock plus this, whatever it is told; null for an honest member. */
        Long liesAheadNanos;

        SimMember(int id, long offsetNanos, double ppm) {
            this.id = id;
            this.offsetNanos = offsetNanos;
            this.ppm = ppm;
        }

        long offsetAt(long hostNanos) {
            return offsetNanos + Math.round(ppm * 1e-6 * (hostNanos - sinceHostNanos));
        }

        long readNanos(long hostNanos) {
            return hostNanos + offsetAt(hostNanos);
        }

        void apply(long correctionNanos, long hostNanos) {
            offsetNanos = offsetAt(hostNanos) + correctionNanos;
            sinceHostNanos = hostNanos;
        }
    }

    /** A coordinator with members that answer each poll 100 us later (read at its midpoint, +- noise) and one that never does. */
    private static final class Harness {
        final long[] ownCorrectionNanos = {0};
        final BerkeleyCoordinator coordinator;
        final Map<Integer, SimMember> members = new TreeMap<>();
        final SplittableRandom random = new SplittableRandom(11);
        final long noiseNanos;
        int round;
        /** Each member's true offset from the coordinator at the instant the last round was decided. */
        final Map<Integer, Long> trueOffsetAtDecisionNanos = new TreeMap<>();

        Harness(BerkeleyConfig config, long noiseNanos, SimMember... sims) {
            // the coordinator's clock runs at the host's rate; its own corrections move it at once
            coordinator = new BerkeleyCoordinator(MASTER, config, hostNanos -> hostNanos + ownCorrectionNanos[0]);
            this.noiseNanos = noiseNanos;
            for (SimMember sim : sims) {
                members.put(sim.id, sim);
                coordinator.addMember(sim.id);
            }
            coordinator.addMember(SILENT);
        }

        /** The offset of {@code sim}'s clock from the coordinator's at host time {@code hostNanos}. */
        long trueOffset(SimMember sim, long hostNanos) {
            return sim.readNanos(hostNanos) - (hostNanos + ownCorrectionNanos[0]);
        }

        RoundReport round() {
            long startNanos = T0 + (++round) * S;
            List<Action> polls = coordinator.tick(startNanos);
            for (Action action : polls) {
                if (action instanceof Send send && send.message() instanceof Message.BerkeleyPoll poll
                        && members.containsKey(send.toNodeId())) {
                    SimMember sim = members.get(send.toNodeId());
                    long errorNanos = noiseNanos == 0 ? 0 : random.nextLong(-noiseNanos, noiseNanos + 1);
                    long readAtHostNanos = startNanos + 50 * US + errorNanos;
                    long readNanos = sim.liesAheadNanos != null
                            ? readAtHostNanos + ownCorrectionNanos[0] + sim.liesAheadNanos
                            : sim.readNanos(readAtHostNanos);
                    coordinator.onReply(sim.id, new Message.BerkeleyReply(poll.requestId(), poll.roundId(), readNanos),
                            startNanos + 100 * US);
                }
            }
            long decisionHostNanos = startNanos + ROUND_TIMEOUT_NANOS;
            for (SimMember sim : members.values()) {
                trueOffsetAtDecisionNanos.put(sim.id, trueOffset(sim, decisionHostNanos));
            }
            List<Action> actions = coordinator.tick(decisionHostNanos);
            RoundReport report = null;
            for (Action action : actions) {
                if (action instanceof Send send && send.message() instanceof Message.BerkeleyAdjust adjust) {
                    members.get(send.toNodeId()).apply(adjust.correctionNanos(), decisionHostNanos);
                } else if (action instanceof AdjustClock own) {
                    ownCorrectionNanos[0] += own.correctionNanos();
                } else if (action instanceof RoundCompleted completed) {
                    report = completed.report();
                }
            }
            assertThat(report).as("round %d completed at the timeout", round).isNotNull();
            assertThat(report.member(SILENT).orElseThrow().status()).isEqualTo(MemberResult.Status.NO_REPLY);
            return report;
        }

        RoundReport rounds(int n) {
            RoundReport last = null;
            for (int i = 0; i < n; i++) {
                last = round();
            }
            return last;
        }
    }

    private static BerkeleyConfig config(long maxDeviationNanos) {
        return new BerkeleyConfig(S, 1, ROUND_TIMEOUT_NANOS, maxDeviationNanos);
    }

    @Test
    void theEstimateConvergesToEachMembersRateAgainstTheCoordinator() {
        Harness h = new Harness(config(50 * MS), 10 * US, new SimMember(2, 200 * US, 100.0),
                new SimMember(3, -300 * US, -40.0));
        RoundReport early = h.rounds(DriftEstimator.MIN_SAMPLES - 1);
        assertThat(early.members()).allSatisfy(m -> {
            assertThat(m.relativeFrequencyPpm()).as("node %d before enough rounds", m.nodeId()).isEmpty();
            assertThat(m.extrapolationNanos()).isZero();
        });
        RoundReport after = h.rounds(16);
        // the coordinator moved its own clock every round (to the average); that is taken out of the rates
        assertThat(h.ownCorrectionNanos[0]).isNotZero();
        assertThat(after.member(2).orElseThrow().relativeFrequencyPpm().getAsDouble()).isCloseTo(100.0, within(1.0));
        assertThat(after.member(3).orElseThrow().relativeFrequencyPpm().getAsDouble()).isCloseTo(-40.0, within(1.0));
        assertThat(after.member(MASTER).orElseThrow().relativeFrequencyPpm()).as("the coordinator is the reference").isEmpty();
        assertThat(after.member(SILENT).orElseThrow().relativeFrequencyPpm()).isEmpty();
        // the readings were 300 ms old at the decision: 100 ppm x 299.95 ms = 30 us, -40 ppm: -12 us
        assertThat(after.member(2).orElseThrow().extrapolationNanos()).isCloseTo(30 * US, within(500L));
        assertThat(after.member(3).orElseThrow().extrapolationNanos()).isCloseTo(-12 * US, within(500L));
    }

    @Test
    void extrapolatedCorrectionsAreRightAtTheDecisionAndTheOldOnesWereNot() {
        Harness h = new Harness(config(50 * MS).withCoordinatorAsReference(true), 10 * US,
                new SimMember(2, 200 * US, 100.0), new SimMember(3, -300 * US, -60.0));
        h.rounds(20);
        List<Long> errorsWithNanos = new ArrayList<>();
        List<Long> errorsWithoutNanos = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RoundReport report = h.round();
            for (int id : List.of(2, 3)) {
                MemberResult m = report.member(id).orElseThrow();
                long trueNanos = h.trueOffsetAtDecisionNanos.get(id);
                // the coordinator is the reference (target 0): the right correction is minus the offset at the decision
                errorsWithNanos.add(m.correctionNanos() + trueNanos);
                errorsWithoutNanos.add(-m.offsetNanos() + trueNanos); // what it sent before: minus the offset read
            }
        }
        double rmsWithNanos = rms(errorsWithNanos);
        double rmsWithoutNanos = rms(errorsWithoutNanos);
        System.out.printf("correction error at the decision, rms: %.1f us with extrapolation, %.1f us without%n",
                rmsWithNanos / 1e3, rmsWithoutNanos / 1e3);
        // what is left with it is the +-10 us reading error (rms 5.8 us); without it, 30 us and 18 us of drift on top
        assertThat(rmsWithNanos).isLessThan(8_000.0);
        assertThat(rmsWithoutNanos).isGreaterThan(22_000.0);
    }

    @Test
    void aMemberThatStepsLearnsItsRateAfresh() {
        SimMember member = new SimMember(2, 200 * US, 100.0);
        Harness h = new Harness(config(50 * MS).withCoordinatorAsReference(true), 10 * US, member);
        h.rounds(16);
        member.apply(5 * S, T0 + h.round * S + 500 * MS); // stepped 5 s by something else (an operator, a restart)
        MemberResult stepped = h.round().member(2).orElseThrow();
        assertThat(stepped.relativeFrequencyPpm()).isEmpty();
        assertThat(stepped.extrapolationNanos()).isZero();
        assertThat(stepped.correctionNanos()).isCloseTo(-5 * S, within(100 * US));
        for (int i = 1; i < DriftEstimator.MIN_SAMPLES; i++) {
            assertThat(h.round().member(2).orElseThrow().relativeFrequencyPpm()).as("round %d after the step", i).isEmpty();
        }
        MemberResult relearned = h.round().member(2).orElseThrow();
        assertThat(relearned.relativeFrequencyPpm().getAsDouble()).isCloseTo(100.0, within(5.0));
    }

    @Test
    void aMemberThatRejoinsLearnsItsRateAfresh() {
        Harness h = new Harness(config(50 * MS), 0, new SimMember(2, 200 * US, 100.0));
        assertThat(h.rounds(8).member(2).orElseThrow().relativeFrequencyPpm()).isPresent();

        h.coordinator.removeMember(2);
        h.coordinator.addMember(2);
        assertThat(h.round().member(2).orElseThrow().relativeFrequencyPpm()).as("after leaving and joining").isEmpty();

        assertThat(h.rounds(DriftEstimator.MIN_SAMPLES).member(2).orElseThrow().relativeFrequencyPpm()).isPresent();
        h.coordinator.addMember(2); // a Hello on a new session while still a member: it may have restarted
        assertThat(h.round().member(2).orElseThrow().relativeFrequencyPpm()).as("after saying Hello again").isEmpty();
    }

    @Test
    void aLiarsExtrapolatedReadingStaysOutOfTheAverage() {
        // Readings further than 500 us from the median are a liar's. Member 5 always reads 700 us ahead of the
        // coordinator, whatever it is told: to the coordinator it gains 700 us a second, ~700 ppm, so whenever that
        // rate is known its own reading is extrapolated by ~210 us (which breaks its line, so it is learned afresh
        // every few rounds). It is excluded, and its extrapolated reading with it.
        SimMember liar = new SimMember(5, 0, 0.0);
        liar.liesAheadNanos = 700 * US;
        Harness h = new Harness(config(500 * US), 0, new SimMember(2, 100 * US, 100.0),
                new SimMember(3, -100 * US, -40.0), liar);
        boolean liarExtrapolated = false;
        for (int i = 0; i < 40; i++) {
            RoundReport report = h.round();
            MemberResult lie = report.member(5).orElseThrow();
            assertThat(lie.status()).as("round %d", h.round).isEqualTo(MemberResult.Status.EXCLUDED);
            liarExtrapolated |= lie.extrapolationNanos() != 0;
            // the average is the coordinator's 0 and the included readings brought to the decision, and nothing else
            BigInteger sum = BigInteger.ZERO;
            for (MemberResult m : report.members()) {
                if (m.status() == MemberResult.Status.INCLUDED) {
                    sum = sum.add(BigInteger.valueOf(m.offsetNanos() + m.extrapolationNanos()));
                }
            }
            assertThat(report.includedCount()).isEqualTo(3);
            assertThat(report.averageNanos()).as("round %d", h.round)
                    .isEqualTo(FaultTolerantAverage.roundedMean(sum, report.includedCount()));
        }
        assertThat(liarExtrapolated).as("the liar's own rate was learned and used for its own reading").isTrue();
        MemberResult honest = h.round().member(2).orElseThrow();
        assertThat(honest.relativeFrequencyPpm().getAsDouble()).isCloseTo(100.0, within(1.0));
        assertThat(honest.extrapolationNanos()).isCloseTo(30 * US, within(500L));
    }

    private static double rms(List<Long> valuesNanos) {
        double sum = 0;
        for (long v : valuesNanos) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum / valuesNanos.size());
    }
}
