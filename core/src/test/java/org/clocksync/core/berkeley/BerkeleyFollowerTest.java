package org.clocksync.core.berkeley;

import static org.assertj.core.api.Assertions.assertThat;

import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

class BerkeleyFollowerTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final int MASTER = 1;

    /** This member's clock is 7 ns ahead of the host. */
    private final BerkeleyFollower follower = new BerkeleyFollower(hostNanos -> hostNanos + 7);

    @Test
    void answersAPollWithItsClockReading() {
        assertThat(follower.onPoll(MASTER, new Message.BerkeleyPoll(11, 5), T0))
                .containsExactly(new Send(MASTER, new Message.BerkeleyReply(11, 5, T0 + 7)));
    }

    @Test
    void appliesTheCorrectionForAPolledRoundOnce() {
        follower.onPoll(MASTER, new Message.BerkeleyPoll(11, 5), T0);
        follower.onPoll(MASTER, new Message.BerkeleyPoll(12, 5), T0 + 1);
        Message.BerkeleyAdjust adjust = new Message.BerkeleyAdjust(12, 5, -42);
        assertThat(follower.onAdjust(MASTER, adjust, T0 + 2))
                .containsExactly(new AdjustClock(-42, "berkeley round 5 from node 1"));

        assertThat(follower.onAdjust(MASTER, adjust, T0 + 3)).as("replayed").isEmpty();
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(11, 5, -42), T0 + 3)).as("second for the round").isEmpty();
        assertThat(follower.rejectedAdjusts()).isEqualTo(2);
    }

    @Test
    void dropsAnUnsolicitedCorrection() {
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(1, 5, 1_000), T0)).isEmpty();
        follower.onPoll(MASTER, new Message.BerkeleyPoll(2, 6), T0);
        assertThat(follower.onAdjust(3, new Message.BerkeleyAdjust(2, 6, 1_000), T0)).as("another node").isEmpty();
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(2, 7, 1_000), T0)).as("another round").isEmpty();
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(9, 6, 1_000), T0))
                .as("a poll this node never answered: meant for another member").isEmpty();
        assertThat(follower.rejectedAdjusts()).isEqualTo(4);
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(2, 6, 1_000), T0)).hasSize(1);
    }

    @Test
    void remembersOnlyTheLastSixteenRounds() {
        for (long round = 1; round <= 17; round++) {
            follower.onPoll(MASTER, new Message.BerkeleyPoll(round, round), T0);
        }
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(1, 1, 5), T0)).as("forgotten").isEmpty();
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(2, 2, 5), T0)).hasSize(1);
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(17, 17, 5), T0)).hasSize(1);
        assertThat(follower.rejectedAdjusts()).isEqualTo(1);
    }

    @Test
    void resetForgetsThePolledRounds() {
        follower.onPoll(MASTER, new Message.BerkeleyPoll(1, 1), T0);
        follower.reset();
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(1, 1, 5), T0)).isEmpty();
        assertThat(follower.rejectedAdjusts()).isEqualTo(1);
    }

    @Test
    void dropsACorrectionBeyondTheLimit() {
        follower.onPoll(MASTER, new Message.BerkeleyPoll(1, 1), T0);
        assertThat(follower.onAdjust(MASTER, new Message.BerkeleyAdjust(1, 1, Long.MIN_VALUE), T0)).isEmpty();
        assertThat(follower.rejectedAdjusts()).isEqualTo(1);
    }
}
