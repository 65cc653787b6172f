package org.clocksync.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

class MasterObjectTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final int MO = 5;

    private static MasterObject mo() {
        MasterObject mo = new MasterObject(MO, LogicalConfig.defaults());
        mo.start(T0);
        for (int id = 1; id <= 4; id++) {
            mo.addMember(id);
        }
        return mo;
    }

    private static Map<Integer, Message.LogicalOffset> offsets(List<Action> actions) {
        Map<Integer, Message.LogicalOffset> out = new TreeMap<>();
        for (Action a : actions) {
            if (a instanceof Send s) {
                out.put(s.toNodeId(), (Message.LogicalOffset) s.message());
            }
        }
        return out;
    }

    private static LogicalRound round(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof LogicalRoundCompleted)
                .map(a -> ((LogicalRoundCompleted) a).round()).findFirst().orElseThrow();
    }

    @Test
    void ticksOncePerPeriodAndCountsReceivingAsAnEvent() {
        MasterObject mo = mo();
        mo.onTick(T0 + 1000 * MS);
        assertThat(mo.counter()).isEqualTo(100);
        mo.onRequest(1, new Message.LogicalCorrectionRequest(9), T0 + 1000 * MS);
        // receive (+1), then the round's send event sets it to average + 1 = 102 with no reading but its own
        assertThat(mo.counter()).isEqualTo(102);
    }

    @Test
    void averagesAllFiveSendsEachItsOffsetAndSetsItselfToTheAverage() {
        MasterObject mo = mo();
        long now = T0 + 1000 * MS; // MO at 100 after ticks
        mo.onTick(now);
        mo.onReport(1, new Message.LogicalReport(1, 100), now);
        mo.onReport(2, new Message.LogicalReport(1, 110), now);
        mo.onReport(3, new Message.LogicalReport(1, 90), now);
        List<Action> actions = mo.onReport(4, new Message.LogicalReport(1, 120), now);
        LogicalRound r = round(actions);
        assertThat(r.trigger()).isEqualTo(LogicalRound.Trigger.REPORT);
        assertThat(r.fromId()).isEqualTo(4);
        assertThat(r.includedCount()).isEqualTo(5);
        assertThat(r.leftOut()).isEmpty();
        Map<Integer, Message.LogicalOffset> off = offsets(actions);
        assertThat(off).containsOnlyKeys(1, 2, 3, 4);
        // every PO is told average - its value, so after LC + t + 1 all are at average + 1, as is the MO
        long avg = r.average();
        for (LogicalRound.Entry e : r.entries()) {
            assertThat(e.reading() + e.offset()).isEqualTo(avg);
            if (e.nodeId() != MO) {
                assertThat(off.get(e.nodeId()).offset()).isEqualTo(e.offset());
                assertThat(off.get(e.nodeId()).requestId()).isZero();
                assertThat(off.get(e.nodeId()).roundId()).isEqualTo(r.roundId());
            }
        }
        assertThat(mo.clock().value()).isEqualTo(avg + 1);
        assertThat(mo.roundsCompleted()).isEqualTo(4);
    }

    @Test
    void estimatesEachPoFromItsReportTheStepsSinceAndTheOffsetsItWasSent() {
        MasterObject mo = mo();
        long t1 = T0 + 1000 * MS; // the MO's counter is at 100
        mo.onTick(t1);
        LogicalRound first = round(mo.onReport(1, new Message.LogicalReport(1, 120), t1));
        assertThat(first.leftOut()).extracting(LogicalRound.Entry::status)
                .containsOnly(LogicalRound.Status.NO_REPORT);
        // report 120, then its offset (average - 120, negative: held) as the PO applies it, then one per step
        assertThat(mo.estimates(t1)).containsEntry(1, first.average() + 1);
        assertThat(mo.estimates(t1 + 35 * MS)).containsEntry(1, first.average() + 1 + 3);
        List<Action> a = mo.onRequest(1, new Message.LogicalCorrectionRequest(77), t1 + 35 * MS);
        Message.LogicalOffset o = offsets(a).get(1);
        assertThat(o.requestId()).as("the requester's offset echoes its request").isEqualTo(77);
        LogicalRound r = round(a);
        assertThat(mo.estimates(t1 + 35 * MS)).containsEntry(1, r.average() + 1);
        assertThat(mo.estimates(t1 + 55 * MS)).containsEntry(1, r.average() + 1 + 2);
    }

    @Test
    void itModelsTheLongestHoldSoAFarAheadPoIsNotBelievedCorrected() {
        MasterObject mo = mo();
        // the MO at 0 decides (no majority of two); the PO 500 ahead is told -500 but holds at most 100 steps
        LogicalRound r = round(mo.onReport(1, new Message.LogicalReport(1, 500), T0));
        assertThat(r.entry(1).offset()).isEqualTo(r.average() - 500);
        assertThat(mo.estimates(T0)).containsEntry(1, 501L - mo.config().maxHoldSteps());
    }

    @Test
    void aReportThatCrossedAnOffsetOnTheWireIsMatchedToItInsteadOfCorrectedTwice() {
        MasterObject mo = mo();
        long t1 = T0 + 1000 * MS; // the MO at 100
        mo.onTick(t1);
        LogicalRound first = round(mo.onReport(1, new Message.LogicalReport(1, 0), t1));
        long sent = first.entry(1).offset();
        assertThat(sent).isGreaterThan(90); // the PO joined late; the MO decides and tells it to catch up
        // 20 ms later the PO reports 2 (two steps): it sent that before the offset reached it
        LogicalRound second = round(mo.onReport(1, new Message.LogicalReport(2, 2), t1 + 20 * MS));
        assertThat(second.entry(1).reading()).as("the report with the offset still on the wire")
                .isEqualTo(2 + sent + 1);
        assertThat(second.entry(1).status()).isEqualTo(LogicalRound.Status.INCLUDED);
        assertThat(Math.abs(second.entry(1).offset())).as("not told to catch up a second time").isLessThan(5);
    }

    @Test
    void aLiarIsLeftOutWithItsReasonAndStaysOutUntilAReportAgrees() {
        MasterObject mo = mo();
        long now = T0 + 1000 * MS;
        mo.onTick(now);
        for (int id = 1; id <= 3; id++) {
            mo.onReport(id, new Message.LogicalReport(1, 100 + id), now);
        }
        List<Action> lie = mo.onReport(4, new Message.LogicalReport(1, 1_000_000_000L), now);
        LogicalRound r = round(lie);
        assertThat(r.leftOutIds()).containsExactly(4);
        LogicalRound.Entry e = r.entry(4);
        assertThat(e.status()).isEqualTo(LogicalRound.Status.EXCLUDED);
        assertThat(e.reason()).startsWith("counter 1000000000 is ").contains("from the median")
                .endsWith("over the limit of 50");
        assertThat(r.average()).as("not dragged").isBetween(100L, 110L);
        assertThat(offsets(lie).get(4).offset()).as("still corrected").isLessThan(-999_000_000L);

        LogicalRound next = round(mo.onReport(1, new Message.LogicalReport(2, 105), now + 10 * MS));
        assertThat(next.entry(4).status()).isEqualTo(LogicalRound.Status.SUSPECT);
        assertThat(next.entry(4).reason()).startsWith("left out since round " + r.roundId());
        assertThat(mo.leftOutCounts().get(4)).containsExactly(1, 1);

        long agreeing = mo.estimates(now + 20 * MS).get(1);
        LogicalRound back = round(mo.onReport(4, new Message.LogicalReport(3, agreeing), now + 20 * MS));
        assertThat(back.entry(4).status()).isEqualTo(LogicalRound.Status.INCLUDED);
        assertThat(back.leftOut()).isEmpty();
    }

    @Test
    void aRequestFromAPoWithNoReportYetIsAnsweredWithZero() {
        MasterObject mo = mo();
        List<Action> a = mo.onRequest(2, new Message.LogicalCorrectionRequest(5), T0 + 20 * MS);
        assertThat(offsets(a)).containsOnlyKeys(2);
        assertThat(offsets(a).get(2)).isEqualTo(new Message.LogicalOffset(5, 1, 0));
        assertThat(round(a).entry(2).status()).isEqualTo(LogicalRound.Status.NO_REPORT);
    }

    @Test
    void messagesFromNonMembersAreIgnoredAndHistoryIsBounded() {
        MasterObject mo = mo();
        assertThat(mo.onReport(9, new Message.LogicalReport(1, 5), T0)).isEmpty();
        assertThat(mo.ignoredMessages()).isEqualTo(1);
        mo.removeMember(1);
        assertThat(mo.onRequest(1, new Message.LogicalCorrectionRequest(1), T0)).isEmpty();
        for (int i = 0; i < 100; i++) {
            mo.onReport(2, new Message.LogicalReport(i, 10 + i), T0 + i * MS);
        }
        assertThat(mo.recentRounds()).hasSize(MasterObject.HISTORY);
        assertThat(mo.lastRound().roundId()).isEqualTo(100);
        assertThat(mo.clock().violations()).isZero();
    }

    @Test
    void itsOwnTimestampsNeverGoBackWhenTheAverageIsBehindIt() {
        // the MO ticks ten times as fast as the POs step, so it runs ahead of them and is outvoted
        MasterObject mo = new MasterObject(MO, LogicalConfig.of(10 * MS, 0.8, 0.15, 0.05, MS, 50));
        mo.start(T0);
        for (int id = 1; id <= 3; id++) {
            mo.addMember(id);
        }
        long[] last = {0};
        long[] violations = {0};
        mo.clock().setObserver(ts -> {
            violations[0] += ts <= last[0] ? 1 : 0;
            last[0] = ts;
        });
        long now = T0 + 1000 * MS;
        for (int id = 1; id <= 3; id++) {
            mo.onTick(now);
            assertThat(round(mo.onReport(id, new Message.LogicalReport(1, mo.clock().value()), now)).entry(id)
                    .status()).isEqualTo(LogicalRound.Status.INCLUDED);
        }
        now += 1000 * MS; // the MO is 900 ahead now
        mo.onTick(now);
        long before = mo.counter();
        long behind = mo.estimates(now).get(1);
        LogicalRound r = round(mo.onReport(1, new Message.LogicalReport(2, behind), now));
        assertThat(r.entry(MO).status()).isEqualTo(LogicalRound.Status.EXCLUDED);
        assertThat(r.average()).isLessThan(before - 800);
        assertThat(mo.counter()).isGreaterThan(before);
        assertThat(mo.clock().hold()).isEqualTo(mo.config().maxHoldSteps());
        assertThat(mo.clock().forgone()).isPositive();
        long held = mo.counter();
        mo.onTick(now + 50 * MS);
        assertThat(mo.counter()).as("held: ticks are skipped").isEqualTo(held);
        assertThat(violations[0]).isZero();
        assertThat(mo.clock().violations()).isZero();
    }
}
