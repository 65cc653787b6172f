package org.clocksync.core.berkeley;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Durations;
import org.clocksync.core.Send;
import org.clocksync.core.clock.ClockLimits;
import org.clocksync.core.clock.LocalClock;
import org.clocksync.protocol.Message;

/**
 * The master's side of the Berkeley algorithm as a sans-IO state machine: it polls every member in short bursts, takes
 * the fault-tolerant average of their offsets and its own, and tells each node the signed correction to reach it. When
 * its own clock is the reference ({@link BerkeleyConfig#coordinatorIsReference()}), the target is its own clock instead.
 * It also learns each member's rate against its own clock ({@link MemberFrequency}), so readings taken at different
 * moments of a round are all brought to the moment the round is decided before they are compared.
 *
 * <p>Not thread-safe: the caller feeds it from one thread (an event loop) or the simulator.
 */
public final class BerkeleyCoordinator {
    /** The most members one coordinator polls; per-round state is bounded by this times one outstanding poll each. */
    public static final int MAX_MEMBERS = 4_096;

    private final int selfId;
    private final BerkeleyConfig config;
    private final LocalClock localClock;
    private final NavigableSet<Integer> members = new TreeSet<>();
    private final Map<Integer, RttBaseline> rttBaselines = new HashMap<>();
    /** One per member that has given a reading since it joined; at most one per member, so bounded by MAX_MEMBERS. */
    private final Map<Integer, MemberFrequency> frequencies = new HashMap<>();

    private long nextRequestId = 1;
    private long nextRoundId = 1;
    private boolean scheduled;
    private long nextRoundHostNanos;
    private Round round;

    private RoundReport lastRound;
    private long roundsCompleted;
    private long skippedRounds;
    private long staleReplies;
    private long invalidReplies;

    /** The round in progress: its id, when it began, and one burst per member polled, by id. */
    /** One round in progress; counts unfinished bursts so that finishing is O(1) per reply, not O(members). */
    private record Round(long roundId, long startedHostNanos, SortedMap<Integer, MemberBurst> bursts,
                         java.util.Set<Integer> unfinished) {
        /** A round over {@code bursts}, every one of them unfinished. */
        Round(long roundId, long startedHostNanos, SortedMap<Integer, MemberBurst> bursts) {
            this(roundId, startedHostNanos, bursts, new java.util.HashSet<>(bursts.keySet()));
        }

        /** Call after anything that may have finished {@code burst}. */
        void update(MemberBurst burst, int burstSize) {
            if (burst.finished(burstSize)) {
                unfinished.remove(burst.memberId());
            }
        }

        boolean allFinished() {
            return unfinished.isEmpty();
        }
    }

    public BerkeleyCoordinator(int selfId, BerkeleyConfig config, LocalClock localClock) {
        if (selfId <= 0) {
            throw new IllegalArgumentException("selfId must be a positive node id, got " + selfId);
        }
        this.selfId = selfId;
        this.config = Objects.requireNonNull(config, "config");
        this.localClock = Objects.requireNonNull(localClock, "localClock");
    }

    /**
     * Polls {@code memberId} from the next round on. Adding a member again (it said Hello on a new session: restarted
     * or reconnected) keeps it polled but forgets its rate, as its clock may have been reset.
     */
    public void addMember(int memberId) {
        if (memberId <= 0 || memberId == selfId) {
            throw new IllegalArgumentException("member id must be a positive node id other than the coordinator's own ("
                    + selfId + "), got " + memberId);
        }
        if (!members.contains(memberId) && members.size() >= MAX_MEMBERS) {
            throw new IllegalStateException("cannot add member " + memberId + ": this coordinator already polls "
                    + MAX_MEMBERS + " members, the limit");
        }
        if (!members.add(memberId)) {
            frequencies.remove(memberId);
        }
    }

    /** Stops polling {@code memberId}; if a round is in progress it is reported there as left out, "disconnected". */
    public void removeMember(int memberId) {
        members.remove(memberId);
        rttBaselines.remove(memberId);
        frequencies.remove(memberId); // a member that comes back is a new clock session: learn its rate afresh
        if (round != null) {
            MemberBurst burst = round.bursts().get(memberId);
            if (burst != null) {
                burst.disconnect();
                round.update(burst, config.burstSize());
            }
        }
    }

    public NavigableSet<Integer> members() {
        return Collections.unmodifiableNavigableSet(new TreeSet<>(members));
    }

    /**
     * Finishes a round that is complete or timed out, and starts one when it is due: at once on the first tick that
     * finds a member, then every interval from that planned start. Late ticks skip the rounds they missed.
     */
    public List<Action> tick(long hostNanos) {
        List<Action> actions = new ArrayList<>();
        if (round != null && (round.allFinished()
                || hostNanos - round.startedHostNanos() >= config.roundTimeoutNanos())) {
            finishRound(hostNanos, actions);
        }
        if (round == null) {
            maybeStartRound(hostNanos, actions);
        }
        return actions;
    }

    /** Takes one reply: keeps its sample and sends the burst's next poll, and finishes the round when every burst is done. */
    public List<Action> onReply(int fromId, Message.BerkeleyReply reply, long hostNanos) {
        Objects.requireNonNull(reply, "reply");
        if (round == null || reply.roundId() != round.roundId()) {
            staleReplies++;
            return List.of();
        }
        MemberBurst burst = round.bursts().get(fromId);
        if (burst == null || !burst.awaits(reply.requestId())) {
            staleReplies++;
            return List.of();
        }
        long t1Nanos = burst.answered();
        long t4Nanos = localClock.readNanos(hostNanos);
        String invalidReason = sampleOrReason(burst, reply.clockNanos(), t1Nanos, t4Nanos);
        if (invalidReason != null) {
            invalidReplies++;
            burst.invalid(invalidReason);
        }
        List<Action> actions = new ArrayList<>();
        if (burst.canPollAgain(config.burstSize())) {
            sendPoll(burst, hostNanos, actions);
        }
        round.update(burst, config.burstSize());
        if (round.allFinished()) {
            finishRound(hostNanos, actions);
        }
        return actions;
    }

    /**
     * The caller reports when a poll actually left (after encoding, just before the socket write), so the round trip
     * does not include the time it spent writing other members' polls or handling other replies first. Optional: a
     * caller that does not report gets t1 from the action's own time. Unknown or answered polls are ignored.
     */
    public void onPollSent(int memberId, long requestId, long hostNanos) {
        if (round == null) {
            return;
        }
        MemberBurst burst = round.bursts().get(memberId);
        if (burst != null) {
            burst.departed(requestId, localClock.readNanos(hostNanos));
        }
    }

    /** Replies that matched no outstanding poll (unknown request, wrong member, finished round); dropped. */
    public long staleReplies() {
        return staleReplies;
    }

    /** Replies that matched a poll but carried an unusable reading (a clock more than ten years off, time going backwards). */
    public long invalidReplies() {
        return invalidReplies;
    }

    /** Planned rounds that were not run because the ticks came too late for them. */
    public long skippedRounds() {
        return skippedRounds;
    }

    public Optional<RoundReport> lastRound() {
        return Optional.ofNullable(lastRound);
    }

    public long roundsCompleted() {
        return roundsCompleted;
    }

    public boolean roundInProgress() {
        return round != null;
    }

    public int selfId() {
        return selfId;
    }

    public BerkeleyConfig config() {
        return config;
    }

    private void maybeStartRound(long hostNanos, List<Action> actions) {
        if (members.isEmpty()) {
            scheduled = false; // whoever joins next is polled at once, as on the first tick
            return;
        }
        long intervalNanos = config.intervalNanos();
        if (!scheduled || nextRoundHostNanos - hostNanos > intervalNanos) {
            // first round, or the host clock went back by more than an interval: start now rather than wait it out
            scheduled = true;
            nextRoundHostNanos = hostNanos;
        }
        if (hostNanos < nextRoundHostNanos) {
            return;
        }
        long periodsDue = (hostNanos - nextRoundHostNanos) / intervalNanos + 1;
        skippedRounds += periodsDue - 1;
        nextRoundHostNanos += periodsDue * intervalNanos;
        assert nextRoundHostNanos > hostNanos && nextRoundHostNanos - hostNanos <= intervalNanos;
        startRound(hostNanos, actions);
    }

    private void startRound(long hostNanos, List<Action> actions) {
        assert round == null && members.size() <= MAX_MEMBERS;
        SortedMap<Integer, MemberBurst> bursts = new TreeMap<>();
        for (int memberId : members) {
            bursts.put(memberId, new MemberBurst(memberId));
        }
        round = new Round(nextRoundId++, hostNanos, bursts);
        for (MemberBurst burst : bursts.values()) {
            sendPoll(burst, hostNanos, actions);
        }
    }

    private void sendPoll(MemberBurst burst, long hostNanos, List<Action> actions) {
        long requestId = nextRequestId++;
        burst.pollSent(requestId, localClock.readNanos(hostNanos));
        actions.add(new Send(burst.memberId(), new Message.BerkeleyPoll(requestId, round.roundId())));
    }

    /** Records the sample and returns null, or returns why it cannot be used. */
    private static String sampleOrReason(MemberBurst burst, long clockNanos, long t1Nanos, long t4Nanos) {
        long rttNanos = t4Nanos - t1Nanos;
        if (rttNanos < 0) {
            return "the local clock went back " + Durations.format(-rttNanos) + " between poll and reply";
        }
        long midpointNanos = t1Nanos + rttNanos / 2;
        long offsetNanos;
        try {
            offsetNanos = Math.subtractExact(clockNanos, midpointNanos);
        } catch (ArithmeticException overflow) {
            offsetNanos = Long.MAX_VALUE;
        }
        if (!ClockLimits.isValidOffset(offsetNanos)) {
            return "its clock reading " + clockNanos + " ns is more than ten years from the coordinator's";
        }
        burst.sample(offsetNanos, rttNanos, midpointNanos);
        return null;
    }

    private void finishRound(long hostNanos, List<Action> actions) {
        Round finished = round;
        round = null;
        // The corrections are computed and sent now, so every offset is brought to this instant (see extrapolate).
        long decisionNanos = localClock.readNanos(hostNanos);
        SortedMap<Integer, Long> readings = new TreeMap<>();
        readings.put(selfId, 0L);
        SortedMap<Integer, String> slow = new TreeMap<>();
        SortedMap<Integer, String> probation = new TreeMap<>();
        Map<Integer, Long> extrapolations = new HashMap<>();
        for (MemberBurst burst : finished.bursts().values()) {
            if (!burst.hasReading()) {
                continue;
            }
            RttBaseline baseline = rttBaselines.computeIfAbsent(burst.memberId(), id -> new RttBaseline());
            boolean isSlow = baseline.recorded() >= config.probationRounds() && baseline.isSlow(burst.bestRttNanos());
            if (!isSlow) {
                // a slow reading may be off by half its round trip: it is neither used nor learned from
                extrapolations.put(burst.memberId(), extrapolate(burst, decisionNanos));
            }
            long atDecisionNanos = burst.bestOffsetNanos() + extrapolations.getOrDefault(burst.memberId(), 0L);
            if (baseline.recorded() < config.probationRounds()) {
                // A newcomer is corrected but not counted: until its usual round trip is known, nothing tells a
                // delayed first reading (milliseconds off) from a good one, and it would move everyone.
                probation.put(burst.memberId(), "new member: counted once its usual round trip is known (after "
                        + config.probationRounds() + " rounds)");
            } else if (isSlow) {
                slow.put(burst.memberId(), "best round trip " + Durations.format(burst.bestRttNanos()) + " is far over"
                        + " this member's usual " + Durations.format(baseline.usualNanos())
                        + "; the reading is not trusted this round");
            } else {
                readings.put(burst.memberId(), atDecisionNanos);
            }
            baseline.record(burst.bestRttNanos());
        }
        // With an external reference the coordinator's clock is the target: every member is steered to it (offset 0)
        // and it never moves; the median still names the liars. Otherwise all meet at the fault-tolerant average.
        boolean reference = config.coordinatorIsReference();
        FaultTolerantAverage.Result average = reference
                ? FaultTolerantAverage.compute(readings, config.maxDeviationNanos())
                : FaultTolerantAverage.computeWithReference(readings, config.maxDeviationNanos(), selfId);
        long targetNanos = reference ? 0 : average.averageNanos();

        SortedMap<Integer, MemberResult> results = new TreeMap<>();
        Map<Integer, Long> sentNanos = new HashMap<>();
        results.put(selfId, reference
                ? new MemberResult(selfId, MemberResult.Status.INCLUDED, 0, 0, 1, 0, "")
                : result(selfId, 0, 0, 1, targetNanos, average));
        for (MemberBurst burst : finished.bursts().values()) {
            int memberId = burst.memberId();
            if (!burst.hasReading()) {
                results.put(memberId, new MemberResult(memberId, MemberResult.Status.NO_REPLY, 0, 0, burst.samples(), 0,
                        leftOutReason(burst)));
                continue;
            }
            // none yet for a member that rejoined and whose first reading since was slow
            MemberFrequency frequency = frequencies.get(memberId);
            OptionalDouble frequencyPpm = frequency == null ? OptionalDouble.empty() : frequency.ppm();
            if (slow.containsKey(memberId)) {
                results.put(memberId, new MemberResult(memberId, MemberResult.Status.SLOW_REPLY,
                        burst.bestOffsetNanos(), burst.bestRttNanos(), burst.samples(), 0, slow.get(memberId),
                        frequencyPpm, 0));
                continue;
            }
            long extrapolationNanos = extrapolations.get(memberId);
            long atDecisionNanos = burst.bestOffsetNanos() + extrapolationNanos;
            long correctionNanos = targetNanos - atDecisionNanos;
            if (probation.containsKey(memberId)) {
                long fromMedianNanos = Math.abs(atDecisionNanos - average.medianNanos());
                String reason = fromMedianNanos > config.maxDeviationNanos()
                        ? "offset " + Durations.signedSeconds(atDecisionNanos, 6) + " is "
                                + Durations.seconds(fromMedianNanos, 3) + " from the median, over the "
                                + Durations.format(config.maxDeviationNanos()) + " limit"
                        : probation.get(memberId);
                results.put(memberId, new MemberResult(memberId, MemberResult.Status.EXCLUDED, burst.bestOffsetNanos(),
                        burst.bestRttNanos(), burst.samples(), correctionNanos, reason, frequencyPpm, extrapolationNanos));
            } else {
                results.put(memberId, result(memberId, burst.bestOffsetNanos(), burst.bestRttNanos(), burst.samples(),
                        correctionNanos, average, frequencyPpm, extrapolationNanos));
            }
            sentNanos.put(memberId, correctionNanos);
            // The correction echoes a poll only this member answered, so a signed correction meant for one member and
            // delivered to another (by someone on the path) is refused there (BerkeleyFollower.onAdjust).
            actions.add(new Send(memberId, new Message.BerkeleyAdjust(burst.lastAnsweredRequestId(), finished.roundId(),
                    correctionNanos)));
        }
        long ownCorrectionNanos = reference ? 0 : targetNanos;
        if (!reference) {
            actions.add(new AdjustClock(targetNanos, "berkeley round " + finished.roundId(), false));
        }
        // Both kinds of correction move every member's next offset on purpose; its rate is what they do not explain.
        for (Map.Entry<Integer, MemberFrequency> entry : frequencies.entrySet()) {
            entry.getValue().steered(sentNanos.getOrDefault(entry.getKey(), 0L), ownCorrectionNanos);
        }

        RoundReport report = new RoundReport(finished.roundId(), finished.startedHostNanos(), hostNanos,
                average.medianNanos(), targetNanos, new ArrayList<>(results.values()));
        assert report.members().size() == finished.bursts().size() + 1;
        lastRound = report;
        roundsCompleted++;
        actions.add(new RoundCompleted(report));
    }

    private static MemberResult result(int nodeId, long offsetNanos, long rttNanos, int samples, long correctionNanos,
                                       FaultTolerantAverage.Result average) {
        return result(nodeId, offsetNanos, rttNanos, samples, correctionNanos, average, OptionalDouble.empty(), 0);
    }

    private static MemberResult result(int nodeId, long offsetNanos, long rttNanos, int samples, long correctionNanos,
                                       FaultTolerantAverage.Result average, OptionalDouble frequencyPpm,
                                       long extrapolationNanos) {
        Map<Integer, String> excluded = average.excludedReasons();
        if (excluded.containsKey(nodeId)) {
            return new MemberResult(nodeId, MemberResult.Status.EXCLUDED, offsetNanos, rttNanos, samples, correctionNanos,
                    excluded.get(nodeId), frequencyPpm, extrapolationNanos);
        }
        return new MemberResult(nodeId, MemberResult.Status.INCLUDED, offsetNanos, rttNanos, samples, correctionNanos, "",
                frequencyPpm, extrapolationNanos);
    }

    /**
     * Learns from the member's reading and returns how far its offset moves from the reading to {@code decisionNanos}
     * at its rate against this clock. The polls of one round are spread over up to the round timeout (a slow member
     * holds the decision back for all); at 100 ppm a reading 300 ms old is 30 us stale, more than the spread sought.
     */
    private long extrapolate(MemberBurst burst, long decisionNanos) {
        MemberFrequency frequency = frequencies.computeIfAbsent(burst.memberId(), id -> new MemberFrequency());
        frequency.measured(burst.bestAtNanos(), burst.bestOffsetNanos());
        long extrapolationNanos = frequency.extrapolationNanos(burst.bestAtNanos(), decisionNanos);
        // the offset averaged and corrected must stay a valid reading; only one near the ten-year limit could leave it
        return ClockLimits.isValidOffset(burst.bestOffsetNanos() + extrapolationNanos) ? extrapolationNanos : 0;
    }

    private String leftOutReason(MemberBurst burst) {
        if (burst.disconnected()) {
            return "disconnected";
        }
        if (!burst.lastInvalidReason().isEmpty()) {
            return "no usable reply within " + Durations.format(config.roundTimeoutNanos()) + ": " + burst.lastInvalidReason();
        }
        return "no reply within " + Durations.format(config.roundTimeoutNanos());
    }
}
