package org.clocksync.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.clock.LocalClock;
import org.clocksync.core.cristian.ProbabilisticReader;
import org.clocksync.core.cristian.ReaderOutput;
import org.clocksync.core.cristian.ResyncPlanner;
import org.clocksync.protocol.Message;

/**
 * A simulated client that keeps reading a server's clock with a {@link ProbabilisticReader}, plans each next cycle with
 * {@link ResyncPlanner}, and measures what the paper measured, plus the true error that only a simulation can see.
 *
 * <p>The first cycle starts with the process. After a rapport the next cycle starts after the delay to next attempt
 * (DNA) that {@link ResyncPlanner#delayToNextAttemptNanos} gives for the bound reached; after an unsynchronized cycle it
 * starts one attempt spacing after the last attempt (the client keeps trying). It stops, without sending, when it would
 * make attempt {@code attemptBudget + 1}; that moment ends the measured time.
 */
public final class ProbabilisticClientProcess implements SimProcess {
    private final int serverId;
    private final LocalClock clock;
    private final LocalClock serverTruth;
    private final ProbabilisticReader reader;
    private final long accuracyNanos;
    private final int attemptBudget;

    private long nextCycleNanos = Long.MIN_VALUE;
    private long lastRequestId;
    private long outstandingRequestId;
    private long lastSentNanos;
    private boolean done;

    private int attemptsSent;
    private int repliesReceived;
    private long rttSumNanos;
    private int judgedReplies;
    private long replyBoundSumNanos;
    private int rapports;
    private int unsynchronizedCycles;
    private long boundSumNanos;
    private long errorSumNanos;
    private long maxErrorNanos;
    private int errorsOutsideBound;
    private long lastRapportHostNanos;
    private boolean dnaPending;
    private long dnaSumNanos;
    private int dnaCount;
    private long firstRequestHostNanos;
    private long endHostNanos;

    /**
     * @param clock         the client's own clock, which the reader runs on
     * @param serverTruth   the server's clock as the simulation knows it, to measure each estimate's true error
     * @param accuracyNanos the target accuracy the resynchronization plan keeps
     * @param attemptBudget how many attempts to make before stopping
     */
    public ProbabilisticClientProcess(int serverId, LocalClock clock, LocalClock serverTruth, ProbabilisticReader reader,
                                      long accuracyNanos, int attemptBudget) {
        if (attemptBudget < 1) {
            throw new IllegalArgumentException("attempt budget must be positive, got " + attemptBudget);
        }
        this.serverId = serverId;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.serverTruth = Objects.requireNonNull(serverTruth, "serverTruth");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.accuracyNanos = accuracyNanos;
        this.attemptBudget = attemptBudget;
        // Fails now, not at the first rapport, if k attempts spaced W cannot fit in the plan even at the worst bound.
        ProbabilisticReader.Params p = reader.params();
        ResyncPlanner.delayToNextAttemptNanos(accuracyNanos, p.epsilonNanos() - 1, p.maxDriftPpm(), p.maxAttempts(),
                p.attemptSpacingNanos());
    }

    @Override
    public List<Action> onStart(long hostNanos) {
        return handle(reader.start(clock.readNanos(hostNanos)), hostNanos, 0);
    }

    @Override
    public List<Action> onMessage(int fromId, Message message, long hostNanos) {
        if (done || fromId != serverId || !(message instanceof Message.CristianResponse response)
                || response.requestId() != outstandingRequestId) {
            return List.of();
        }
        outstandingRequestId = 0;
        long nowNanos = clock.readNanos(hostNanos);
        repliesReceived++;
        rttSumNanos += nowNanos - lastSentNanos;
        List<ReaderOutput> outputs = reader.onReply(lastSentNanos, nowNanos, response.clockNanos());
        if (reader.boundAfterLastReplyNanos() >= 0) {
            judgedReplies++;
            replyBoundSumNanos += reader.boundAfterLastReplyNanos();
        }
        return handle(outputs, hostNanos, serverTruth.readNanos(hostNanos));
    }

    @Override
    public List<Action> onTick(long hostNanos) {
        if (done) {
            return List.of();
        }
        long nowNanos = clock.readNanos(hostNanos);
        if (!reader.inCycle()) {
            return nowNanos >= nextCycleNanos ? handle(reader.start(nowNanos), hostNanos, 0) : List.of();
        }
        List<Action> actions = handle(reader.onTick(nowNanos), hostNanos, 0);
        if (!done && !reader.inCycle() && nowNanos >= nextCycleNanos) {
            // The cycle ended unsynchronized on this tick and the next is due now: no need to wait a tick.
            actions = new ArrayList<>(actions);
            actions.addAll(handle(reader.start(nowNanos), hostNanos, 0));
        }
        return actions;
    }

    /** @param trueServerNanos the server's true clock now; only used for a Synchronized, which only a reply produces */
    private List<Action> handle(List<ReaderOutput> outputs, long hostNanos, long trueServerNanos) {
        List<Action> actions = new ArrayList<>(1);
        for (ReaderOutput output : outputs) {
            if (output instanceof ReaderOutput.SendRequest request) {
                if (attemptsSent == attemptBudget) {
                    done = true;
                    endHostNanos = hostNanos;
                    return actions;
                }
                if (attemptsSent++ == 0) {
                    firstRequestHostNanos = hostNanos;
                }
                if (dnaPending) {
                    dnaPending = false;
                    dnaSumNanos += hostNanos - lastRapportHostNanos;
                    dnaCount++;
                }
                outstandingRequestId = ++lastRequestId;
                lastSentNanos = request.sentNanos();
                actions.add(new Send(serverId, new Message.CristianRequest(outstandingRequestId)));
            } else if (output instanceof ReaderOutput.Synchronized sync) {
                rapports++;
                boundSumNanos += sync.boundNanos();
                long errorNanos = Math.abs(sync.estimateNanos() - trueServerNanos);
                errorSumNanos += errorNanos;
                maxErrorNanos = Math.max(maxErrorNanos, errorNanos);
                if (errorNanos > sync.boundNanos()) {
                    errorsOutsideBound++;
                }
                ProbabilisticReader.Params p = reader.params();
                nextCycleNanos = sync.atNanos() + ResyncPlanner.delayToNextAttemptNanos(accuracyNanos, sync.boundNanos(),
                        p.maxDriftPpm(), p.maxAttempts(), p.attemptSpacingNanos());
                lastRapportHostNanos = hostNanos;
                dnaPending = true;
            } else if (output instanceof ReaderOutput.Unsynchronized) {
                unsynchronizedCycles++;
                nextCycleNanos = lastSentNanos + reader.params().attemptSpacingNanos();
            }
        }
        return actions;
    }

    /** Whether the attempt budget is spent. */
    public boolean done() {
        return done;
    }

    public ProbabilisticReader reader() {
        return reader;
    }

    public int attemptsSent() {
        return attemptsSent;
    }

    public int repliesReceived() {
        return repliesReceived;
    }

    /** Sum of the round trips of all replies, on the client's clock. */
    public long rttSumNanos() {
        return rttSumNanos;
    }

    /** Replies that were judged (usable), over which {@link #replyBoundSumNanos()} sums. */
    public int judgedReplies() {
        return judgedReplies;
    }

    /** Sum over usable replies of how well the server's time was known right after each ({@link ProbabilisticReader#boundAfterLastReplyNanos}). */
    public long replyBoundSumNanos() {
        return replyBoundSumNanos;
    }

    public int rapports() {
        return rapports;
    }

    public int unsynchronizedCycles() {
        return unsynchronizedCycles;
    }

    /** Sum of the bounds the rapports claimed. */
    public long boundSumNanos() {
        return boundSumNanos;
    }

    /** Sum over rapports of |estimate - the server's true clock| at the moment the reply arrived. */
    public long errorSumNanos() {
        return errorSumNanos;
    }

    public long maxErrorNanos() {
        return maxErrorNanos;
    }

    /** Rapports whose true error was over their claimed bound: zero while the minimum delay and drift bound hold. */
    public int errorsOutsideBound() {
        return errorsOutsideBound;
    }

    /** Sum of the host time from each rapport to the first request of the next cycle (the DNA), over {@link #dnaCount()}. */
    public long dnaSumNanos() {
        return dnaSumNanos;
    }

    public int dnaCount() {
        return dnaCount;
    }

    /** Host time from the first request to when attempt budget + 1 would have been sent. */
    public long measuredNanos() {
        return done ? endHostNanos - firstRequestHostNanos : 0;
    }
}
