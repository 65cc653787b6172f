package org.clocksync.core.berkeley;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/**
 * A coordinator whose clock is the reference (it follows an upstream NTP server) steers every member to its own clock
 * and never corrects itself; liars are still found around the median and reported.
 */
class CoordinatorAsReferenceTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final int MASTER = 1;
    private static final BerkeleyConfig PLAIN = new BerkeleyConfig(S, 1, 300 * MS, 50 * MS);

    /**
     * One round over members 2, 3 and 4, 3 ms, 5 ms and 2 s ahead of the coordinator (whose clock reads the host's);
     * each reads its clock 50 us after the poll and the reply lands 100 us after it, so the offsets are exact.
     */
    private static List<Action> oneRound(BerkeleyConfig config) {
        BerkeleyCoordinator coordinator = new BerkeleyCoordinator(MASTER, config, hostNanos -> hostNanos);
        long[] offsets = {0, 0, 3 * MS, 5 * MS, 2 * S};
        for (int id = 2; id <= 4; id++) {
            coordinator.addMember(id);
        }
        List<Action> polls = coordinator.tick(T0);
        List<Action> all = new ArrayList<>();
        for (Action a : polls) {
            Send send = (Send) a;
            Message.BerkeleyPoll poll = (Message.BerkeleyPoll) send.message();
            long clock = T0 + 50 * US + offsets[send.toNodeId()];
            all.addAll(coordinator.onReply(send.toNodeId(),
                    new Message.BerkeleyReply(poll.requestId(), poll.roundId(), clock), T0 + 100 * US));
        }
        return all;
    }

    private static long correction(List<Action> actions, int id) {
        return actions.stream()
                .filter(a -> a instanceof Send s && s.toNodeId() == id && s.message() instanceof Message.BerkeleyAdjust)
                .map(a -> ((Message.BerkeleyAdjust) ((Send) a).message()).correctionNanos())
                .findFirst().orElseThrow(() -> new AssertionError("no adjust to " + id + " in " + actions));
    }

    private static RoundReport report(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof RoundCompleted).map(a -> ((RoundCompleted) a).report())
                .findFirst().orElseThrow(() -> new AssertionError("round did not complete: " + actions));
    }

    @Test
    void membersAreSteeredToTheReferenceWhichNeverMoves() {
        List<Action> actions = oneRound(PLAIN.withCoordinatorAsReference(true));
        assertThat(correction(actions, 2)).isEqualTo(-3 * MS);
        assertThat(correction(actions, 3)).isEqualTo(-5 * MS);
        assertThat(correction(actions, 4)).as("the liar is corrected too").isEqualTo(-2 * S);
        assertThat(actions).as("the reference never corrects itself").noneMatch(a -> a instanceof AdjustClock);

        RoundReport report = report(actions);
        assertThat(report.medianNanos()).as("readings 0, 3 ms, 5 ms, 2 s").isEqualTo(4 * MS);
        assertThat(report.averageNanos()).as("the target is the reference's own clock").isZero();
        assertThat(report.member(MASTER).orElseThrow())
                .isEqualTo(new MemberResult(MASTER, MemberResult.Status.INCLUDED, 0, 0, 1, 0, ""));
        MemberResult liar = report.member(4).orElseThrow();
        assertThat(liar.status()).isEqualTo(MemberResult.Status.EXCLUDED);
        assertThat(liar.reason()).contains("from the median, over the 50 ms limit");
        assertThat(report.member(2).orElseThrow().status()).isEqualTo(MemberResult.Status.INCLUDED);
    }

    /** The same round without a reference: all meet at the average of 0, 3 and 5 ms, the coordinator included. */
    @Test
    void withoutAReferenceTheCoordinatorMovesToTheAverage() {
        List<Action> actions = oneRound(PLAIN);
        long average = 2_666_667; // (0 + 3 + 5) / 3 ms, rounded half up
        assertThat(correction(actions, 2)).isEqualTo(average - 3 * MS);
        assertThat(actions).filteredOn(a -> a instanceof AdjustClock)
                .containsExactly(new AdjustClock(average, "berkeley round 1", false));
    }

    @Test
    void theReferenceIsOffUnlessAskedFor() {
        assertThat(BerkeleyConfig.defaults().coordinatorIsReference()).isFalse();
        assertThat(PLAIN.coordinatorIsReference()).isFalse();
        BerkeleyConfig reference = new BerkeleyConfig(S, 4, 300 * MS, 50 * MS, 3, true);
        assertThat(reference.coordinatorIsReference()).isTrue();
        assertThat(reference.withCoordinatorAsReference(false)).isEqualTo(new BerkeleyConfig(S, 4, 300 * MS, 50 * MS, 3));
    }
}
