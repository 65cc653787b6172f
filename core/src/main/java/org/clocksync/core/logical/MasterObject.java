package org.clocksync.core.logical;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.berkeley.FaultTolerantAverage;
import org.clocksync.protocol.Message;

/**
 * The master object (MO) of the logical-clock system: a sans-IO state machine fed reports, correction requests and
 * ticks, each with {@code nowNanos}, that returns the offsets to send.
 *
 * <p>Its own counter ticks once per {@link LogicalConfig#tickNanos()} (an internal event); receiving a report or a
 * request is an event, and so is sending a round's offsets. Every report and every request starts a round: the MO
 * takes the current values of the five clocks, leaves out those too far from the median (the fault-tolerant average
 * of the physical clocks, {@link FaultTolerantAverage#computeWithReference}, with the MO as the reference when no
 * majority agrees), sends each PO its offset {@code average - value} and sets its own value to the average the same way
 * a PO does ({@code value + t + 1}, held rather than set back; see {@link LogicalCounter}).
 *
 * <p><b>A PO's current value.</b> The MO does not see the POs' counters between reports, so it keeps a model of each:
 * its last report, one count per step since the report arrived (a PO counts one per step, an event or a held step),
 * and every offset sent to it since, applied the way the PO applies it ({@code value + t + 1}, held up to the same
 * longest hold, the rest forgone). Every daemon is given the same {@code --logical-step} and {@code --logical-tick},
 * so the model's step and hold limit are the PO's. It is off by a step around each step boundary and by what the PO
 * counted while its report was in flight. A report that crossed offsets on the wire is matched to the offsets it had
 * not seen yet (see {@link #crossed}).
 *
 * <p><b>Liars.</b> A fresh report further than the maximum deviation from the median is left out of its round
 * ({@code EXCLUDED}), and the PO stays out of every average after it ({@code SUSPECT}) until a report of it agrees
 * again; otherwise the MO, which assumes a PO applies the offsets it is sent, would take a liar's word for the time
 * between its lies. Suspects still count towards the median (so a majority of POs outvotes an MO restarted far behind
 * them), just not in the average. Left-out POs are still sent their offsets. Each round is returned as a
 * {@link LogicalRound} in a {@link LogicalRoundCompleted} action and kept in a bounded history.
 */
public final class MasterObject {
    public static final int MAX_MEMBERS = 4096;
    /** Rounds kept for /status. */
    public static final int HISTORY = 32;
    /** Offsets per PO a report may have crossed on the wire that the MO looks back over. */
    public static final int MAX_CROSSED = 64;
    /** Ticks run by one call at most; a longer stall skips the rest (the MO's counter then lags, and is corrected). */
    public static final long MAX_TICKS_PER_CALL = 100_000;

    private final int selfId;
    private final LogicalConfig config;
    private final LogicalCounter counter;
    private final SortedMap<Integer, Member> members = new TreeMap<>();
    private final ArrayDeque<LogicalRound> history = new ArrayDeque<>();
    /** Rounds each node was left out of (EXCLUDED or SUSPECT), by id; kept after a member leaves, bounded by ids seen. */
    private final SortedMap<Integer, long[]> leftOut = new TreeMap<>();
    private boolean started;
    private long startNanos;
    private long ticksDone;
    private long ticksSkipped;
    private long roundId;
    private long reports;
    private long requests;
    private long ignored;

    /**
     * What the MO knows of one PO: a model of its counter (corrected value and hold) as of {@code anchorNanos}, a
     * step boundary of the PO as the MO sees it.
     */
    private static final class Member {
        final int id;
        boolean reported;
        long anchorNanos;
        long value;
        long hold;
        boolean suspect;
        String suspectReason = "";
        long suspectSinceRound;
        /** The last offsets sent to it, oldest first, to tell which ones a report crossed on the wire. */
        final ArrayDeque<Long> sent = new ArrayDeque<>();

        Member(int id) {
            this.id = id;
        }
    }

    public MasterObject(int selfId, LogicalConfig config) {
        if (selfId <= 0) {
            throw new IllegalArgumentException("selfId must be a positive node id, got " + selfId);
        }
        this.selfId = selfId;
        this.config = Objects.requireNonNull(config, "config");
        this.counter = new LogicalCounter(config.maxHoldSteps());
    }

    /** Starts the tick schedule at {@code nowNanos}; the first input starts it otherwise. */
    public void start(long nowNanos) {
        if (!started) {
            started = true;
            startNanos = nowNanos;
        }
    }

    /** A PO joined (HELLO answered). Throws when the MO already has {@link #MAX_MEMBERS} or the id is its own. */
    public void addMember(int id) {
        if (id == selfId || id <= 0) {
            throw new IllegalArgumentException("a member needs a positive id other than the MO's own " + selfId
                    + ", got " + id);
        }
        if (!members.containsKey(id) && members.size() >= MAX_MEMBERS) {
            throw new IllegalStateException("the master object already has " + MAX_MEMBERS + " members");
        }
        members.put(id, new Member(id));
    }

    /** A PO left (its connection closed); a later HELLO starts it afresh. */
    public void removeMember(int id) {
        members.remove(id);
    }

    public boolean isMember(int id) {
        return members.containsKey(id);
    }

    /** The MO's periodic timer: runs every tick due by {@code nowNanos}; sends nothing. */
    public List<Action> onTick(long nowNanos) {
        catchUp(nowNanos);
        return List.of();
    }

    /** A PO's counter arrived: a receive event, then a round. Reports from non-members are ignored. */
    public List<Action> onReport(int fromId, Message.LogicalReport report, long nowNanos) {
        catchUp(nowNanos);
        Member m = members.get(fromId);
        if (m == null) {
            ignored++;
            return List.of();
        }
        counter.event();
        reports++;
        long reported = LogicalCounter.clamp(report.counter());
        if (m.reported) {
            crossed(m, reported, nowNanos);
        } else {
            m.reported = true;
            m.anchorNanos = nowNanos;
            m.value = reported;
            m.hold = 0; // a PO reports on a step it takes, so it is not held
        }

        return round(LogicalRound.Trigger.REPORT, m, 0, nowNanos);
    }

    /** A PO asks for its correction: a receive event, then a round whose offset to it echoes the request id. */
    public List<Action> onRequest(int fromId, Message.LogicalCorrectionRequest request, long nowNanos) {
        catchUp(nowNanos);
        Member m = members.get(fromId);
        if (m == null) {
            ignored++;
            return List.of();
        }
        counter.event();
        requests++;
        return round(LogicalRound.Trigger.REQUEST, m, request.requestId(), nowNanos);
    }

    /**
     * The counter as the ticks due by {@code nowNanos} will leave it, without taking them: what a status page reads when
     * the timer that takes them has not run yet.
     */
    public LogicalCounter.Reading counterAt(long nowNanos) {
        return counter.afterSteps(started ? Math.min(due(nowNanos), MAX_TICKS_PER_CALL) : 0);
    }

    /** Periodic ticks due by {@code nowNanos} and not taken yet. */
    private long due(long nowNanos) {
        return Math.floorDiv(nowNanos - startNanos, config.tickNanos()) - ticksDone;
    }

    private void catchUp(long nowNanos) {
        start(nowNanos);
        long due = due(nowNanos);
        if (due <= 0) {
            return;
        }
        long run = Math.min(due, MAX_TICKS_PER_CALL);
        for (long i = 0; i < run; i++) {
            if (counter.step()) {
                counter.event();
            }
        }
        ticksSkipped += due - run;
        ticksDone += due;
    }

    /** Brings a PO's model to the last step boundary at or before {@code nowNanos}: one count per step, held or not. */
    private void advance(Member m, long nowNanos) {
        long steps = Math.max(0, Math.floorDiv(nowNanos - m.anchorNanos, config.stepNanos()));
        if (steps > 0) {
            m.anchorNanos += steps * config.stepNanos();
            m.value = LogicalCounter.clamp(LogicalCounter.saturatingAdd(m.value, steps));
            m.hold = Math.max(0, m.hold - steps);
        }
    }

    /** The MO's estimate of a reported PO's corrected counter now (see the class comment). */
    private long estimate(Member m, long nowNanos) {
        advance(m, nowNanos);
        return m.value;
    }

    /** The PO's receive event of offset t, as {@link LogicalCounter#applyOffset} does it there. */
    private void applied(Member m, long t) {
        long[] vh = applied(m.value, m.hold, t);
        m.value = vh[0];
        m.hold = vh[1];
    }

    private long[] applied(long value, long hold, long t) {
        long timestamp = value + hold;
        long target = LogicalCounter.clamp(LogicalCounter.saturatingAdd(LogicalCounter.saturatingAdd(value, t), 1));
        if (target > timestamp) {
            return new long[] {target, 0};
        }
        long ts = timestamp + 1;
        long h = Math.min(ts - target, config.maxHoldSteps());
        return new long[] {ts - h, h};
    }

    /**
     * Re-anchors a PO's model on its new report. The report left the PO before the offsets still on the wire to it
     * arrived there, and the PO will apply them after it; taking the report as if it included every offset sent
     * would make the MO send them again, and the PO would jump twice (at start, when offsets are hundreds, by
     * hundreds each time). Offsets arrive in the order sent, so the PO has applied all but some last j: the MO takes
     * the j that best explains the report against its model (the smallest j on a tie) and applies those j to it. A j
     * counts only if it brings the report within the larger of the maximum deviation and a quarter of its distance
     * from the model (on a loaded machine the model itself may be off by more than the maximum deviation); a report
     * nothing explains (a liar's) is taken as it is.
     */
    private void crossed(Member m, long reported, long nowNanos) {
        long expected = estimate(m, nowNanos);
        Long[] sent = m.sent.toArray(new Long[0]);
        long bestValue = reported;
        long bestHold = 0;
        long rawDistance = Math.abs(reported - expected);
        long bestDistance = rawDistance;
        long accept = Math.max(config.maxDeviation(), rawDistance / 4);
        for (int j = 1; j <= sent.length && bestDistance > 0; j++) {
            long value = reported;
            long hold = 0;
            for (int i = sent.length - j; i < sent.length; i++) {
                long[] vh = applied(value, hold, sent[i]);
                value = vh[0];
                hold = vh[1];
            }
            long distance = Math.abs(value - expected);
            if (distance < bestDistance && distance <= accept) {
                bestDistance = distance;
                bestValue = value;
                bestHold = hold;
            }
        }
        m.anchorNanos = nowNanos;
        m.value = bestValue;
        m.hold = bestHold;
    }

    private List<Action> round(LogicalRound.Trigger trigger, Member from, long requestId, long nowNanos) {
        long id = ++roundId;
        long before = counter.value();
        SortedMap<Integer, Long> readings = new TreeMap<>();
        readings.put(selfId, before);
        for (Member m : members.values()) {
            if (m.reported) {
                readings.put(m.id, estimate(m, nowNanos));
            }
        }
        // Every reading takes part in finding the median (a majority of POs can outvote a restarted MO even while
        // they are suspect), but a suspect PO's estimate is not averaged: it rests on the MO's belief that the PO
        // follows its offsets, which its last report contradicted. A fresh report is judged on its own.
        FaultTolerantAverage.Result ft = FaultTolerantAverage.computeWithReference(readings, config.maxDeviation(),
                selfId);
        long median = ft.medianNanos();
        long nearMedian = readings.values().stream()
                .filter(v -> Math.abs(v - median) <= config.maxDeviation()).count();
        boolean byReference = nearMedian * 2 <= readings.size();
        SortedMap<Integer, Long> averaged = new TreeMap<>();
        for (int included : ft.included()) {
            Member m = members.get(included);
            boolean fresh = trigger == LogicalRound.Trigger.REPORT && m == from;
            if (m == null || fresh || !m.suspect) {
                averaged.put(included, readings.get(included));
            }
        }
        if (averaged.isEmpty()) {
            // Only suspects agree with the median (say, the POs an MO restarted far behind them): trust them.
            ft.included().forEach(i -> averaged.put(i, readings.get(i)));
        }
        long average = FaultTolerantAverage.compute(averaged, LogicalConfig.MAX_COUNTER).averageNanos();

        List<Action> actions = new ArrayList<>();
        List<LogicalRound.Entry> entries = new ArrayList<>();
        long ownOffset = average - before;
        entries.add(entry(selfId, ft, readings, before, ownOffset, median, byReference));
        for (Member m : members.values()) {
            long echo = m == from ? requestId : 0;
            if (!m.reported) {
                entries.add(new LogicalRound.Entry(m.id, LogicalRound.Status.NO_REPORT, 0, 0,
                        "no report from it yet"));
                if (m == from) {
                    actions.add(new Send(m.id, new Message.LogicalOffset(echo, id, 0)));
                }
                continue;
            }
            long e = readings.get(m.id);
            long t = average - e;
            boolean fresh = trigger == LogicalRound.Trigger.REPORT && m == from;
            LogicalRound.Entry entry = entry(m.id, ft, readings, e, t, median, byReference);
            if (fresh) {
                m.suspect = entry.status() != LogicalRound.Status.INCLUDED;
                m.suspectReason = m.suspect ? entry.reason() : "";
                m.suspectSinceRound = m.suspect ? id : 0;
            } else if (m.suspect && !averaged.containsKey(m.id)) {
                entry = new LogicalRound.Entry(m.id, LogicalRound.Status.SUSPECT, e, t, "left out since round "
                        + m.suspectSinceRound + ", until a report agrees: " + m.suspectReason);
            }
            entries.add(entry);
            actions.add(new Send(m.id, new Message.LogicalOffset(echo, id, t)));
            applied(m, t);
            if (m.sent.size() == MAX_CROSSED) {
                m.sent.removeFirst();
            }
            m.sent.addLast(t);
        }
        counter.applyOffset(ownOffset);
        LogicalRound round = new LogicalRound(id, trigger, from.id, nowNanos, before, median, average, entries);
        for (LogicalRound.Entry e : round.leftOut()) {
            if (e.status() == LogicalRound.Status.EXCLUDED || e.status() == LogicalRound.Status.SUSPECT) {
                long[] c = leftOut.computeIfAbsent(e.nodeId(), k -> new long[2]);
                c[e.status() == LogicalRound.Status.EXCLUDED ? 0 : 1]++;
            }
        }
        if (history.size() == HISTORY) {
            history.removeFirst();
        }
        history.addLast(round);
        actions.add(new LogicalRoundCompleted(round));
        return actions;
    }

    private LogicalRound.Entry entry(int nodeId, FaultTolerantAverage.Result ft, Map<Integer, Long> readings,
                                     long value, long offset, long median, boolean byReference) {
        if (ft.included().contains(nodeId)) {
            return new LogicalRound.Entry(nodeId, LogicalRound.Status.INCLUDED, value, offset, "");
        }
        String reason;
        if (byReference) {
            long reference = readings.get(selfId);
            reason = "no majority agrees within " + config.maxDeviation() + " of the median " + median
                    + ", so the master object's counter " + reference + " decides: counter " + value + " is "
                    + Math.abs(value - reference) + " from it, over the limit of " + config.maxDeviation();
        } else {
            reason = "counter " + value + " is " + Math.abs(value - median) + " from the median " + median
                    + ", over the limit of " + config.maxDeviation();
        }
        return new LogicalRound.Entry(nodeId, LogicalRound.Status.EXCLUDED, value, offset, reason);
    }

    public int selfId() {
        return selfId;
    }

    public LogicalConfig config() {
        return config;
    }

    /** The MO's Lamport counter (last timestamp issued). */
    public long counter() {
        return counter.timestamp();
    }

    /** The MO's own counter state: value, hold, events, violations. */
    public LogicalCounter clock() {
        return counter;
    }

    public long roundsCompleted() {
        return roundId;
    }

    public long reportsReceived() {
        return reports;
    }

    public long requestsReceived() {
        return requests;
    }

    /** Reports and requests from nodes that are not members. */
    public long ignoredMessages() {
        return ignored;
    }

    public long ticks() {
        return ticksDone;
    }

    public long ticksSkipped() {
        return ticksSkipped;
    }

    /** The last round, or null before the first. */
    public LogicalRound lastRound() {
        return history.peekLast();
    }

    /** The last {@link #HISTORY} rounds, oldest first. */
    public List<LogicalRound> recentRounds() {
        return List.copyOf(history);
    }

    /** Rounds each node was left out of: {@code [excluded, suspect]} by id, for every id ever left out. */
    public SortedMap<Integer, long[]> leftOutCounts() {
        SortedMap<Integer, long[]> copy = new TreeMap<>();
        leftOut.forEach((k, v) -> copy.put(k, v.clone()));
        return Collections.unmodifiableSortedMap(copy);
    }

    /** The MO's current estimate of each reported member's counter; only reads (a status page calls it). */
    public SortedMap<Integer, Long> estimates(long nowNanos) {
        SortedMap<Integer, Long> out = new TreeMap<>();
        for (Member m : members.values()) {
            if (m.reported) {
                long steps = Math.max(0, Math.floorDiv(nowNanos - m.anchorNanos, config.stepNanos()));
                out.put(m.id, LogicalCounter.clamp(LogicalCounter.saturatingAdd(m.value, steps)));
            }
        }
        return out;
    }

    /** Member ids, sorted. */
    public List<Integer> memberIds() {
        return List.copyOf(members.keySet());
    }
}
