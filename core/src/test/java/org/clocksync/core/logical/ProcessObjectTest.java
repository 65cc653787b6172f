package org.clocksync.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

class ProcessObjectTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final int MO = 5;

    private static ProcessObject po(ByzantineBehaviour b, long seed) {
        ProcessObject po = new ProcessObject(1, LogicalConfig.defaults(), b, new SplittableRandom(seed));
        po.start(T0);
        return po;
    }

    private static List<Message> sent(List<Action> actions) {
        List<Message> out = new ArrayList<>();
        for (Action a : actions) {
            assertThat(a).isInstanceOf(Send.class);
            assertThat(((Send) a).toNodeId()).isEqualTo(MO);
            out.add(((Send) a).message());
        }
        return out;
    }

    @Test
    void takesOneStepPerPeriodCountedFromTheTimeAndChoosesWithTheGivenProbabilities() {
        ProcessObject po = po(ByzantineBehaviour.HONEST, 7);
        po.masterJoined(MO);
        List<Message> messages = new ArrayList<>();
        for (int i = 1; i <= 10_000; i++) {
            messages.addAll(sent(po.onTick(T0 + i * 10 * MS)));
        }
        // a late timer runs what it missed
        messages.addAll(sent(po.onTick(T0 + 10_100 * 10 * MS)));
        assertThat(po.steps()).isEqualTo(10_100);
        assertThat(po.counter()).isEqualTo(10_100);
        long reports = messages.stream().filter(m -> m instanceof Message.LogicalReport).count();
        long requests = messages.stream().filter(m -> m instanceof Message.LogicalCorrectionRequest).count();
        assertThat(reports).isEqualTo(po.reportsSent()).isBetween(1_350L, 1_680L); // 15 %
        assertThat(requests).isEqualTo(po.requestsSent()).isBetween(400L, 620L); // 5 %
        assertThat(po.internalEvents()).isEqualTo(10_100 - reports - requests);
        // an honest report carries the timestamp of its send event
        long lastTs = 0;
        for (Message m : messages) {
            if (m instanceof Message.LogicalReport r) {
                assertThat(r.counter()).isGreaterThan(lastTs);
                lastTs = r.counter();
            }
        }
    }

    @Test
    void withoutAMasterReportAndRequestStepsAreEventsButSendNothing() {
        ProcessObject po = po(ByzantineBehaviour.HONEST, 1);
        assertThat(po.onTick(T0 + 1000 * 10 * MS)).isEmpty();
        assertThat(po.counter()).isEqualTo(1000);
        assertThat(po.unsent()).isGreaterThan(100);
    }

    @Test
    void appliesOffsetsOnceAndDropsReplayedStaleOrUnaskedAnswers() {
        ProcessObject po = po(ByzantineBehaviour.HONEST, 3);
        po.masterJoined(MO);
        po.onTick(T0 + 100 * 10 * MS);
        long c = po.counter();
        po.onOffset(MO, new Message.LogicalOffset(0, 7, 20), T0 + 100 * 10 * MS);
        assertThat(po.counter()).isEqualTo(c + 21);
        po.onOffset(MO, new Message.LogicalOffset(0, 7, 20), T0 + 100 * 10 * MS);
        po.onOffset(MO, new Message.LogicalOffset(0, 6, 20), T0 + 100 * 10 * MS);
        po.onOffset(MO, new Message.LogicalOffset(999_999, 8, 20), T0 + 100 * 10 * MS);
        po.onOffset(4, new Message.LogicalOffset(0, 9, 20), T0 + 100 * 10 * MS);
        assertThat(po.counter()).isEqualTo(c + 21);
        assertThat(po.staleOffsets()).isEqualTo(4);
        assertThat(po.offsetsApplied()).isEqualTo(1);
        // a restarted master numbers rounds from 1 again
        po.masterJoined(MO);
        po.onOffset(MO, new Message.LogicalOffset(0, 1, 0), T0 + 100 * 10 * MS);
        assertThat(po.offsetsApplied()).isEqualTo(2);
    }

    @Test
    void answersToItsOwnRequestsAreApplied() {
        ProcessObject po = po(ByzantineBehaviour.HONEST, 11);
        po.masterJoined(MO);
        long requestId = 0;
        for (int i = 1; requestId == 0; i++) {
            for (Message m : sent(po.onTick(T0 + i * 10 * MS))) {
                if (m instanceof Message.LogicalCorrectionRequest r) {
                    requestId = r.requestId();
                }
            }
        }
        long c = po.counter();
        po.onOffset(MO, new Message.LogicalOffset(requestId, 1, 4), T0 + 0);
        assertThat(po.counter()).isEqualTo(c + 5);
        po.onOffset(MO, new Message.LogicalOffset(requestId, 2, 4), T0 + 0);
        assertThat(po.staleOffsets()).as("answered once").isEqualTo(1);
    }

    /** Every event of a PO fed large negative offsets between its steps has a timestamp above the one before. */
    @Test
    void everyEventIsStrictlyIncreasingUnderLargeNegativeOffsets() {
        for (long seed = 1; seed <= 10; seed++) {
            ProcessObject po = po(ByzantineBehaviour.HONEST, seed);
            long[] last = {0};
            long[] violations = {0};
            po.clock().setObserver(ts -> {
                violations[0] += ts <= last[0] ? 1 : 0;
                last[0] = ts;
            });
            po.masterJoined(MO);
            SplittableRandom random = new SplittableRandom(seed * 31);
            long now = T0;
            long round = 0;
            long held = 0;
            for (int i = 0; i < 20_000; i++) {
                now += random.nextLong(1, 25 * MS);
                po.onTick(now);
                if (random.nextInt(3) == 0) {
                    long t = -random.nextLong(0, 2 * po.counter() + 2);
                    po.onOffset(MO, new Message.LogicalOffset(0, ++round, t), now);
                }
                held = Math.max(held, po.clock().hold());
            }
            assertThat(held).as("holds happened").isGreaterThan(10);
            assertThat(violations[0]).as("seed %d", seed).isZero();
            assertThat(po.clock().violations()).isZero();
            assertThat(po.clock().heldSteps()).isGreaterThan(0);
        }
    }

    @Test
    void byzantineReportsLie() {
        SplittableRandom r = new SplittableRandom(1);
        assertThat(ByzantineBehaviour.CONSTANT.report(42, 0, r)).isEqualTo(ByzantineBehaviour.CONSTANT_LIE);
        assertThat(ByzantineBehaviour.TWO_FACED.report(5_000_000, 0, r)).isEqualTo(6_000_000);
        assertThat(ByzantineBehaviour.TWO_FACED.report(5_000_000, 1, r)).isEqualTo(4_000_000);
        assertThat(ByzantineBehaviour.TWO_FACED.report(42, 1, r)).isZero();
        assertThat(ByzantineBehaviour.RANDOM.report(42, 0, r)).isBetween(0L, ByzantineBehaviour.RANDOM_MAX);
        assertThat(ByzantineBehaviour.HONEST.report(42, 0, r)).isEqualTo(42);
        assertThat(ByzantineBehaviour.parse("two-faced")).isEqualTo(ByzantineBehaviour.TWO_FACED);
        assertThat(ByzantineBehaviour.parse("RANDOM")).isEqualTo(ByzantineBehaviour.RANDOM);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ByzantineBehaviour.parse("sneaky"))
                .hasMessage("--byzantine takes random, constant or two-faced, got 'sneaky'");

        ProcessObject po = po(ByzantineBehaviour.CONSTANT, 5);
        po.masterJoined(MO);
        List<Message> messages = sent(po.onTick(T0 + 1000 * 10 * MS));
        assertThat(messages).filteredOn(m -> m instanceof Message.LogicalReport).isNotEmpty()
                .allSatisfy(m -> assertThat(((Message.LogicalReport) m).counter()).isEqualTo(1_000_000_000L));
        long c = po.counter();
        po.onOffset(MO, new Message.LogicalOffset(0, 1, -999_999_000L), T0 + 1000 * 10 * MS);
        assertThat(po.counter()).as("a Byzantine PO follows no correction; receiving is one event").isEqualTo(c + 1);
        assertThat(po.clock().hold()).isZero();
    }

    @Test
    void configRefusesProbabilitiesThatDoNotSumToOne() {
        assertThat(LogicalConfig.problem(10 * MS, 0.5, 0.3, 0.3, 10 * MS, 50)).isEqualTo(
                "--logical-p-internal, --logical-p-report and --logical-p-request must each be between 0 and 1 and"
                        + " sum to 1, got 0.5 + 0.3 + 0.3 = 1.1");
        assertThat(LogicalConfig.problem(10 * MS, 1.0, 0, 0, 10 * MS, 50)).contains("never talk");
        assertThat(LogicalConfig.problem(10 * MS, 0.7, 0.2, 0.1, 10 * MS, 50)).isNull();
        assertThat(LogicalConfig.problem(0, 0.7, 0.2, 0.1, 10 * MS, 50)).startsWith("--logical-step");
    }

    @Test
    void counterAtReadsTheDueStepsWithoutTakingThem() {
        ProcessObject po = po(ByzantineBehaviour.HONEST, 3);
        long later = T0 + 37 * LogicalConfig.defaults().stepNanos() + MS;
        LogicalCounter.Reading read = po.counterAt(later);
        assertThat(po.steps()).as("nothing stepped by reading").isZero();
        assertThat(po.counterAt(later)).isEqualTo(read);
        po.onTick(later);
        assertThat(new LogicalCounter.Reading(po.clock().timestamp(), po.clock().value(), po.clock().hold()))
                .isEqualTo(read);
        assertThat(read.timestamp()).isEqualTo(37);
    }
}
