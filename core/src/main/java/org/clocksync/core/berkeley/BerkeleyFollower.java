package org.clocksync.core.berkeley;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.core.clock.ClockLimits;
import org.clocksync.core.clock.LocalClock;
import org.clocksync.protocol.Message;

/**
 * The member's side of the Berkeley algorithm: it answers polls with its clock and applies a correction only for a round
 * that coordinator actually polled it in, and only once, so a replayed or unsolicited correction never moves the clock.
 *
 * <p>Not thread-safe: the caller feeds it from one thread.
 */
public final class BerkeleyFollower {
    /** How many recent (coordinator, round) pairs are remembered; an adjust for an older round is rejected. */
    public static final int REMEMBERED_ROUNDS = 16;
    /** Polls remembered per round: the largest burst. */
    static final int MAX_POLLS_PER_ROUND = 16;

    private final LocalClock clock;
    /** Oldest first; at most {@link #REMEMBERED_ROUNDS} entries. */
    private final Deque<PolledRound> polled = new ArrayDeque<>();
    private long rejectedAdjusts;

    private static final class PolledRound {
        final int coordinatorId;
        final long roundId;
        /** The ids of the polls answered in this round (a burst is at most 16); the correction must echo one. */
        final long[] answeredRequestIds = new long[MAX_POLLS_PER_ROUND];
        int answered;
        boolean adjusted;

        void answered(long requestId) {
            if (answered < answeredRequestIds.length) {
                answeredRequestIds[answered++] = requestId;
            }
        }

        boolean answered(Message.BerkeleyAdjust adjust) {
            for (int i = 0; i < answered; i++) {
                if (answeredRequestIds[i] == adjust.requestId()) {
                    return true;
                }
            }
            return false;
        }

        PolledRound(int coordinatorId, long roundId) {
            this.coordinatorId = coordinatorId;
            this.roundId = roundId;
        }
    }

    public BerkeleyFollower(LocalClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Answers with this node's clock reading and remembers that {@code fromId} polled it in this round. */
    public List<Action> onPoll(int fromId, Message.BerkeleyPoll poll, long hostNanos) {
        Objects.requireNonNull(poll, "poll");
        PolledRound round = find(fromId, poll.roundId());
        if (round == null) {
            if (polled.size() == REMEMBERED_ROUNDS) {
                polled.removeFirst();
            }
            round = new PolledRound(fromId, poll.roundId());
            polled.addLast(round);
        }
        round.answered(poll.requestId());
        assert polled.size() <= REMEMBERED_ROUNDS;
        return List.of(new Send(fromId, new Message.BerkeleyReply(poll.requestId(), poll.roundId(), clock.readNanos(hostNanos))));
    }

    /**
     * Applies the correction once for a round {@code fromId} polled this node in, if it echoes the id of a poll this
     * node answered in that round (so it was meant for this node); anything else is rejected and counted.
     */
    public List<Action> onAdjust(int fromId, Message.BerkeleyAdjust adjust, long hostNanos) {
        Objects.requireNonNull(adjust, "adjust");
        PolledRound round = find(fromId, adjust.roundId());
        if (round == null || round.adjusted || !round.answered(adjust)
                || !ClockLimits.isValidCorrection(adjust.correctionNanos())) {
            rejectedAdjusts++;
            return List.of();
        }
        round.adjusted = true;
        return List.of(new AdjustClock(adjust.correctionNanos(), "berkeley round " + adjust.roundId() + " from node " + fromId));
    }

    /** Forgets every polled round; call it on a new connection, whose coordinator may number rounds afresh. */
    public void reset() {
        polled.clear();
    }

    /** Corrections dropped: replayed, unsolicited, meant for another member, for a forgotten round, or over the ten-year limit. */
    public long rejectedAdjusts() {
        return rejectedAdjusts;
    }

    private PolledRound find(int coordinatorId, long roundId) {
        for (PolledRound round : polled) {
            if (round.coordinatorId == coordinatorId && round.roundId == roundId) {
                return round;
            }
        }
        return null;
    }
}
