package org.clocksync.core.logical;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;

/**
 * A process object (PO) of the logical-clock system: a sans-IO state machine fed ticks and offsets, each with
 * {@code nowNanos}, that returns the reports and requests to send to the master object.
 *
 * <p>It takes one step per {@link LogicalConfig#stepNanos()} since {@link #start}, counted from {@code nowNanos} so a
 * late timer runs the steps it missed. At each step it chooses with the configured probabilities, drawing from its
 * own seeded {@link SplittableRandom}: an internal event, a report of its counter ({@code LOGICAL_REPORT}), or a
 * correction request ({@code LOGICAL_CORRECTION_REQUEST}); each is one event, so the Lamport counter goes up by one.
 * Receiving an offset t is an event too: {@code LC := LC + t + 1}, held rather than set back when t is negative (see
 * {@link LogicalCounter}), so every event's timestamp is above the one before. While held it skips its steps.
 *
 * <p>A Byzantine PO ({@link ByzantineBehaviour}) steps as an honest one does, lies in every report, and takes the
 * offsets it is sent as plain receive events: it follows no correction.
 *
 * <p>Without a master (before WELCOME, after the connection is lost) a step that chose to report or request is still
 * an event, but nothing is sent. An offset that answers no request of this PO (unknown request id) or comes from an
 * older round than the last one applied is dropped: a replayed or reordered offset must not be applied twice.
 */
public final class ProcessObject {
    /** Steps run by one call at most; a longer stall skips the rest (the MO sees it in the next report). */
    public static final long MAX_STEPS_PER_CALL = 100_000;
    /** Correction requests awaiting their offset; older ones are forgotten. */
    public static final int MAX_OUTSTANDING_REQUESTS = 64;

    private final int selfId;
    private final LogicalConfig config;
    private final ByzantineBehaviour behaviour;
    private final SplittableRandom random;
    private final LogicalCounter counter;
    private final ArrayDeque<Long> outstanding = new ArrayDeque<>();
    private boolean started;
    private long startNanos;
    private long stepsDone;
    private long stepsSkipped;
    private int masterId;
    private long nextRequestId = 1;
    private long lastRoundId;
    private long internalEvents;
    private long reportsSent;
    private long requestsSent;
    private long unsent;
    private long offsetsApplied;
    private long staleOffsets;
    private long lastOffset;
    private long lastOffsetNanos;
    private long lastOffsetRoundId;

    public ProcessObject(int selfId, LogicalConfig config, ByzantineBehaviour behaviour, SplittableRandom random) {
        if (selfId <= 0) {
            throw new IllegalArgumentException("selfId must be a positive node id, got " + selfId);
        }
        this.selfId = selfId;
        this.config = Objects.requireNonNull(config, "config");
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
        this.random = Objects.requireNonNull(random, "random");
        this.counter = new LogicalCounter(config.maxHoldSteps());
    }

    /** Starts the step schedule at {@code nowNanos}; the first tick starts it otherwise. */
    public void start(long nowNanos) {
        if (!started) {
            started = true;
            startNanos = nowNanos;
        }
    }

    /** Joined the master object {@code masterId} (WELCOME): reports and requests go to it from now on. */
    public void masterJoined(int masterId) {
        if (masterId <= 0) {
            throw new IllegalArgumentException("masterId must be a positive node id, got " + masterId);
        }
        this.masterId = masterId;
        // A new master (or the same one restarted) numbers its rounds afresh.
        lastRoundId = 0;
        outstanding.clear();
    }

    /** Lost the master: steps go on, nothing is sent until the next {@link #masterJoined}. */
    public void masterLost() {
        masterId = 0;
        outstanding.clear();
    }

    /** The periodic timer: runs every step due by {@code nowNanos}. */
    public List<Action> onTick(long nowNanos) {
        List<Action> actions = new ArrayList<>(2);
        catchUp(nowNanos, actions);
        return actions;
    }

    /** An offset from the master object: applied as a receive event after the steps due by now. */
    public List<Action> onOffset(int fromId, Message.LogicalOffset offset, long nowNanos) {
        List<Action> actions = new ArrayList<>(2);
        catchUp(nowNanos, actions);
        if (masterId == 0 || fromId != masterId) {
            staleOffsets++;
            return actions;
        }
        if (offset.requestId() != 0 && !outstanding.remove(offset.requestId())) {
            staleOffsets++;
            return actions;
        }
        if (offset.roundId() <= lastRoundId) {
            staleOffsets++;
            return actions;
        }
        lastRoundId = offset.roundId();
        if (behaviour.isByzantine()) {
            counter.event(); // a faulty PO follows no correction: receiving is just an event
        } else {
            counter.applyOffset(offset.offset());
        }
        offsetsApplied++;
        lastOffset = offset.offset();
        lastOffsetNanos = nowNanos;
        lastOffsetRoundId = offset.roundId();
        return actions;
    }

    /**
     * The counter as the steps due by {@code nowNanos} will leave it, without taking them: what a status page reads when
     * the timer that takes them has not run yet.
     */
    public LogicalCounter.Reading counterAt(long nowNanos) {
        return counter.afterSteps(started ? Math.min(due(nowNanos), MAX_STEPS_PER_CALL) : 0);
    }

    /** Periodic steps due by {@code nowNanos} and not taken yet. */
    private long due(long nowNanos) {
        return Math.floorDiv(nowNanos - startNanos, config.stepNanos()) - stepsDone;
    }

    private void catchUp(long nowNanos, List<Action> actions) {
        start(nowNanos);
        long due = due(nowNanos);
        if (due <= 0) {
            return;
        }
        long run = Math.min(due, MAX_STEPS_PER_CALL);
        for (long i = 0; i < run; i++) {
            step(actions);
        }
        stepsSkipped += due - run;
        stepsDone += due;
    }

    private void step(List<Action> actions) {
        if (!counter.step()) {
            return;
        }
        double r = random.nextDouble();
        long ts = counter.event();
        if (r < config.pInternal()) {
            internalEvents++;
        } else if (r < config.pInternal() + config.pReport()) {
            if (masterId == 0) {
                unsent++;
                return;
            }
            long reported = behaviour.report(ts, reportsSent, random);
            reportsSent++;
            actions.add(new Send(masterId, new Message.LogicalReport(nextRequestId++, reported)));
        } else {
            if (masterId == 0) {
                unsent++;
                return;
            }
            long requestId = nextRequestId++;
            if (outstanding.size() == MAX_OUTSTANDING_REQUESTS) {
                outstanding.removeFirst();
            }
            outstanding.addLast(requestId);
            requestsSent++;
            actions.add(new Send(masterId, new Message.LogicalCorrectionRequest(requestId)));
        }
    }

    public int selfId() {
        return selfId;
    }

    public LogicalConfig config() {
        return config;
    }

    public ByzantineBehaviour behaviour() {
        return behaviour;
    }

    /** The Lamport counter LC: the last timestamp issued. */
    public long counter() {
        return counter.timestamp();
    }

    /** The counter's state: corrected value, hold, events, violations, forgone counts. */
    public LogicalCounter clock() {
        return counter;
    }

    public int masterId() {
        return masterId;
    }

    public long steps() {
        return stepsDone;
    }

    public long stepsSkipped() {
        return stepsSkipped;
    }

    public long internalEvents() {
        return internalEvents;
    }

    public long reportsSent() {
        return reportsSent;
    }

    public long requestsSent() {
        return requestsSent;
    }

    /** Report or request steps taken while no master was joined. */
    public long unsent() {
        return unsent;
    }

    public long offsetsApplied() {
        return offsetsApplied;
    }

    /** Offsets dropped: from no master, answering no outstanding request, or from an older round. */
    public long staleOffsets() {
        return staleOffsets;
    }

    public long lastOffset() {
        return lastOffset;
    }

    /** When the last offset was applied (host nanos); 0 before the first. */
    public long lastOffsetNanos() {
        return lastOffsetNanos;
    }

    public long lastOffsetRoundId() {
        return lastOffsetRoundId;
    }
}
