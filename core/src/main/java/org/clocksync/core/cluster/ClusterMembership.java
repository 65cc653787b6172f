package org.clocksync.core.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.protocol.Message;

/**
 * The cluster side of one node, sans-IO: heartbeats and failure detection ({@link FailureDetector}), the election
 * ({@code --election bully|ring}), and the epoch rules. The daemon and the simulator feed it frames and ticks and
 * execute the actions it returns, in order: {@code RoleChanged} (start the master role, or follow a coordinator),
 * {@code Send}, {@code PeerSuspected}, {@code PeerRecovered}. Every {@code Send} returned by one call goes out
 * stamped with {@link #epoch()} as it is after that call.
 *
 * <p>Epoch rules: a frame from a lower epoch is rejected (counted) and its sender gets this node's heartbeat so it
 * catches up; a higher epoch from a known peer is adopted at once: a coordinator steps down and every node follows
 * {@link Epochs#coordinatorOf} that epoch (or starts an election if that names itself but it is not acting as master).
 * At most one node acts as master in an epoch because the epoch names its master.
 *
 * <p>Composition: the {@link FailureDetector} says who is alive, an {@link Elector} (Bully or Ring) runs elections,
 * and this class owns epoch, role and coordinator and applies the epoch rules to both. Bad input from the network
 * (unknown senders, absurd epochs, malformed lists) never throws: it is dropped and counted.
 *
 * <p>Not thread-safe: the caller feeds it from one thread (an event loop) or the simulator.
 */
public final class ClusterMembership {
    /** Elections kept for the timeline. */
    public static final int MAX_ELECTION_RECORDS = 32;

    /** Sequence number of the catch-up heartbeat sent to a stale sender: outside the detector's periodic series. */
    static final long CATCH_UP_SEQUENCE = 0;

    private final int selfId;
    private final List<Integer> peerIds;
    private final TreeSet<Integer> peerSet;
    private final ClusterConfig config;
    private final FailureDetector detector;
    private final Elector elector;
    /** How long an election may take: an election record is credited with messages up to this long after it. */
    private final long electionTimeoutNanos;

    private long epoch = Epochs.INITIAL;
    private long highestSeenEpoch = Epochs.INITIAL;
    private int coordinatorId;
    private ClusterRole role;
    /** Since when a follower has known no coordinator; the discovery timeout runs from here. */
    private long coordinatorUnknownSinceNanos;
    /** When this node began to follow its current coordinator, and whether it suspected it already then. */
    private long followingSinceNanos;
    private boolean suspectedWhenFollowed;
    /** When each stale peer last got a catch-up heartbeat: at most one per heartbeat period per peer. */
    private final TreeMap<Integer, Long> lastCatchUpNanos = new TreeMap<>();

    private final ArrayDeque<RecordBuilder> records = new ArrayDeque<>();
    /** The election this node is in (started or joined) and has not seen decided; null when none. */
    private RecordBuilder openRecord;

    private long staleFrames;
    /** Whether this node's clock is fit to lead: Bully's handback waits for it (see {@link #setReadyToLead}). */
    private final LeadershipReadiness readiness;
    private long electionMessagesSent;
    private long electionsStarted;
    private long electionRestarts;
    private long ignoredMessages;

    /**
     * @param configuredMaster true for the node started as master: it begins as COORDINATOR of epoch
     *                         {@link Epochs#INITIAL}; the others begin as FOLLOWER of that epoch with the coordinator
     *                         id unknown (0) until a heartbeat or {@link #onCoordinatorKnown} tells them
     */
    public ClusterMembership(int selfId, List<Integer> peerIds, ClusterConfig config, boolean configuredMaster,
            long nowNanos) {
        this.config = Objects.requireNonNull(config, "config");
        // The detector validates the ids (range, duplicates, self among peers) with messages that name the problem.
        this.detector = new FailureDetector(selfId, peerIds, config, nowNanos);
        this.selfId = selfId;
        this.peerSet = new TreeSet<>(peerIds);
        this.peerIds = List.copyOf(peerSet);
        this.role = configuredMaster ? ClusterRole.COORDINATOR : ClusterRole.FOLLOWER;
        this.coordinatorId = configuredMaster ? selfId : 0;
        this.coordinatorUnknownSinceNanos = nowNanos;
        this.followingSinceNanos = nowNanos;
        this.readiness = new LeadershipReadiness(config.correctionsBeforeLeading());

        long maxDelayNanos = config.defaultBounds().maxNanos();
        for (int id : this.peerIds) {
            maxDelayNanos = Math.max(maxDelayNanos, config.bounds(id).maxNanos());
        }
        // Election ids start at the construction time so that a restarted node's ids stay above those of its former
        // life, which the Ring peers remember (per initiator) to drop duplicates.
        long firstElectionId = Math.max(1, nowNanos);
        Host host = new Host();
        if (config.election() == ElectionAlgorithm.BULLY) {
            long answerNanos = BullyElector.answerTimeoutNanos(config, maxDelayNanos);
            this.electionTimeoutNanos = BullyElector.coordinatorTimeoutNanos(config, answerNanos);
            this.elector = new BullyElector(host, answerNanos, electionTimeoutNanos, firstElectionId);
        } else {
            this.electionTimeoutNanos = RingElector.timeoutNanos(config, this.peerIds.size() + 1, maxDelayNanos);
            this.elector = new RingElector(host, electionTimeoutNanos, firstElectionId);
        }
    }

    /** Heartbeats due, suspicions, election timeouts, the discovery timeout. */
    public List<Action> tick(long nowNanos) {
        List<Action> out = new ArrayList<>();
        // Election timeouts first, so that heartbeats of this tick already carry a coordinator this tick elected.
        elector.tick(nowNanos, out);
        out.addAll(detector.tick(nowNanos, coordinatorId));
        electIfCoordinatorSuspected(nowNanos, out);
        if (role == ClusterRole.FOLLOWER && coordinatorId == 0
                && nowNanos - coordinatorUnknownSinceNanos >= config.discoveryTimeoutNanos()) {
            startElection("discovery: no coordinator known for " + config.discoveryTimeoutNanos() / 1_000_000
                    + " ms", nowNanos, out);
        }
        return List.copyOf(out);
    }

    /**
     * The epoch gate, for every frame with a non-zero epoch (epoch 0 marks clients outside the cluster), before the
     * frame is handled. A frame from a peer also proves the peer alive.
     */
    public EpochVerdict onFrame(int senderId, long frameEpoch, long nowNanos) {
        if (frameEpoch == 0) {
            return EpochVerdict.accept(List.of()); // a client outside the cluster: the gate does not apply
        }
        if (!peerSet.contains(senderId)) {
            // A stranger may talk to us in our epoch or an older one, but can never move the cluster's epoch.
            if (frameEpoch > epoch || frameEpoch < 0) {
                staleFrames++;
                return EpochVerdict.reject(EpochVerdict.Rejection.EPOCH_FROM_STRANGER, List.of());
            }
            return EpochVerdict.accept(List.of());
        }
        List<Action> out = new ArrayList<>(detector.onHeardFrom(senderId, nowNanos));
        if (frameEpoch < 0) {
            staleFrames++;
            return EpochVerdict.reject(EpochVerdict.Rejection.ABSURD_EPOCH, out);
        }
        if (frameEpoch < epoch) {
            staleFrames++;
            Long last = lastCatchUpNanos.get(senderId);
            if (last == null || nowNanos - last >= config.heartbeatPeriodNanos()) {
                lastCatchUpNanos.put(senderId, nowNanos);
                out.add(new Send(senderId, new Message.Heartbeat(CATCH_UP_SEQUENCE, coordinatorId)));
            }
            return EpochVerdict.reject(EpochVerdict.Rejection.STALE_EPOCH, out);
        }
        if (frameEpoch > epoch) {
            if (!plausible(frameEpoch)) {
                staleFrames++;
                return EpochVerdict.reject(EpochVerdict.Rejection.EPOCH_NAMES_UNKNOWN_NODE, out);
            }
            adoptHigherEpoch(senderId, frameEpoch, nowNanos, out);
        }
        return EpochVerdict.accept(out);
    }

    /** An epoch above the initial one is elected: it must name self or a known peer, in a term that fits. */
    private boolean plausible(long frameEpoch) {
        int c = Epochs.coordinatorOf(frameEpoch);
        return Epochs.term(frameEpoch) >= 1 && Epochs.term(frameEpoch) <= Epochs.MAX_TERM
                && (c == selfId || peerSet.contains(c));
    }

    private void adoptHigherEpoch(int senderId, long frameEpoch, long nowNanos, List<Action> out) {
        epoch = frameEpoch;
        highestSeenEpoch = Math.max(highestSeenEpoch, frameEpoch);
        int c = Epochs.coordinatorOf(frameEpoch);
        String seen = "saw higher epoch " + frameEpoch + " from node " + senderId;
        if (c == selfId) {
            if (role == ClusterRole.COORDINATOR) {
                return; // the epoch names this node, which already acts as master: nobody else can be master in it
            }
            if (elector.mayTakeUp(frameEpoch)) {
                elector.cancel();
                becomeCoordinator(seen + ": this node won the Ring election", nowNanos, out);
                return;
            }
            // Someone believes we are master, but this life of the node never won that epoch (it restarted since).
            startElection(seen + ", naming this node, which did not win it in this life", nowNanos, out);
            return;
        }
        elector.cancel();
        if (role == ClusterRole.CANDIDATE && readiness.ready() && elector.challengesLowerCoordinator() && c < selfId) {
            // Bully: a candidate would only follow c to challenge it at once. Start over instead, in the new epoch,
            // so that higher nodes' answers are not dropped as stale; the role stays CANDIDATE.
            startElection(seen + ", naming lower node " + c, nowNanos, out);
            return;
        }
        follow(c, seen, nowNanos, out);
    }

    /** A cluster message (HEARTBEAT, FAILURE_NOTICE, BULLY_*, RING_*) that passed {@link #onFrame}. */
    public List<Action> onMessage(int senderId, long frameEpoch, Message message, long nowNanos) {
        // Acted on only in the epoch it was sent in: a message whose epoch this node left (even while the gate
        // handled this very frame) speaks of an election that is over.
        if (message == null || !peerSet.contains(senderId) || frameEpoch != epoch) {
            ignoredMessages++;
            return List.of();
        }
        List<Action> out = new ArrayList<>();
        if (message instanceof Message.Heartbeat heartbeat) {
            onHeartbeat(senderId, heartbeat, nowNanos, out);
        } else if (message instanceof Message.FailureNotice notice) {
            onFailureNotice(senderId, notice, nowNanos, out);
        } else if (message instanceof Message.BullyElection || message instanceof Message.BullyAnswer
                || message instanceof Message.BullyCoordinator || message instanceof Message.RingElection
                || message instanceof Message.RingCoordinator) {
            elector.onMessage(senderId, frameEpoch, message, nowNanos, out);
        } else {
            ignoredMessages++;
        }
        return List.copyOf(out);
    }

    private void onHeartbeat(int senderId, Message.Heartbeat heartbeat, long nowNanos, List<Action> out) {
        int c = heartbeat.coordinatorId();
        if (c == 0 || role != ClusterRole.FOLLOWER || coordinatorId != 0) {
            return; // nothing to learn; the gate already counted the frame as a sign of life
        }
        if (c == selfId || !peerSet.contains(c)) {
            ignoredMessages++;
            return;
        }
        if (epoch == Epochs.INITIAL) {
            follow(c, "heartbeat from node " + senderId + " names node " + c + " as configured master", nowNanos,
                    out);
        } else if (Epochs.coordinatorOf(epoch) == c) {
            follow(c, "heartbeat from node " + senderId + " names node " + c + ", master of epoch " + epoch, nowNanos,
                    out);
        } else {
            ignoredMessages++; // contradicts the epoch, which names its master
        }
    }

    private void onFailureNotice(int senderId, Message.FailureNotice notice, long nowNanos, List<Action> out) {
        int suspectId = notice.suspectId();
        if (suspectId != selfId && !peerSet.contains(suspectId)) {
            ignoredMessages++;
            return;
        }
        out.addAll(detector.onFailureNotice(senderId, suspectId, notice.lastHeardNanos(), nowNanos));
        electIfCoordinatorSuspected(nowNanos, out);
    }

    /**
     * A follower whose coordinator is suspected (by its own timeout or a notice) elects a new one. Checked on every
     * tick, not only when the suspicion starts, so that a node that came to follow an already suspected coordinator
     * (adopted from another node's epoch) does not follow a dead one forever; but such a coordinator first gets one
     * detector timeout to prove itself alive, so that a node that cannot hear a coordinator everyone else hears
     * re-elects at most once per timeout rather than on every tick.
     */
    private void electIfCoordinatorSuspected(long nowNanos, List<Action> out) {
        if (role != ClusterRole.FOLLOWER || coordinatorId == 0) {
            return;
        }
        if (!detector.suspected(coordinatorId)) {
            suspectedWhenFollowed = false;
            return;
        }
        if (suspectedWhenFollowed && nowNanos - followingSinceNanos <= detector.timeoutNanos(coordinatorId)) {
            return;
        }
        startElection("coordinator " + coordinatorId + " suspected", nowNanos, out);
    }

    /** A follower in the initial epoch learned its configured master's id (from the master's WELCOME). */
    public List<Action> onCoordinatorKnown(int coordinatorId, long nowNanos) {
        // Any valid id, not only peers: the configured master may be reachable through --master alone.
        if (epoch != Epochs.INITIAL || role != ClusterRole.FOLLOWER || coordinatorId == selfId
                || coordinatorId < 1 || coordinatorId > Epochs.MAX_NODE_ID || coordinatorId == this.coordinatorId) {
            return List.of();
        }
        List<Action> out = new ArrayList<>();
        follow(coordinatorId, "configured master is node " + coordinatorId, nowNanos, out);
        return List.copyOf(out);
    }

    private void startElection(String trigger, long nowNanos, List<Action> out) {
        if (role != ClusterRole.COORDINATOR) {
            elector.start(trigger, nowNanos, out);
        }
    }

    /** Follow {@code c} in the current epoch; with Bully, a lower coordinator is challenged at once. */
    private void follow(int c, String reason, long nowNanos, List<Action> out) {
        elector.cancel();
        setRole(ClusterRole.FOLLOWER, c, reason, nowNanos, out);
        closeRecord(nowNanos);
        if (readiness.ready() && elector.challengesLowerCoordinator() && c < selfId) {
            startElection("higher node joined: this node (" + selfId + ") outranks coordinator " + c, nowNanos, out);
        }
    }

    private void becomeCoordinator(String reason, long nowNanos, List<Action> out) {
        setRole(ClusterRole.COORDINATOR, selfId, reason, nowNanos, out);
        closeRecord(nowNanos);
    }

    /** Emits {@code RoleChanged} when role or coordinator changes, carrying the epoch as it is now. */
    private void setRole(ClusterRole newRole, int newCoordinatorId, String reason, long nowNanos, List<Action> out) {
        if (newRole == role && newCoordinatorId == coordinatorId) {
            return;
        }
        if (newCoordinatorId == 0 && coordinatorId != 0) {
            coordinatorUnknownSinceNanos = nowNanos;
        }
        if (newRole == ClusterRole.FOLLOWER && newCoordinatorId != 0) {
            readiness.followed();
        }
        role = newRole;
        coordinatorId = newCoordinatorId;
        followingSinceNanos = nowNanos;
        suspectedWhenFollowed = newRole == ClusterRole.FOLLOWER && newCoordinatorId != 0
                && detector.suspected(newCoordinatorId);
        out.add(new RoleChanged(newRole, newCoordinatorId, epoch, reason));
    }

    /** Moves to an elected epoch, refusing one that is not above the current one (terms exhausted). */
    private boolean claimEpoch(long newEpoch) {
        if (newEpoch <= epoch) {
            ignoredMessages++;
            return false;
        }
        epoch = newEpoch;
        highestSeenEpoch = Math.max(highestSeenEpoch, newEpoch);
        return true;
    }

    private void openRecord(String trigger, long nowNanos) {
        if (openRecord != null) {
            return;
        }
        openRecord = new RecordBuilder(epoch, config.election(), trigger, nowNanos);
        records.addLast(openRecord);
        if (records.size() > MAX_ELECTION_RECORDS) {
            records.removeFirst();
        }
    }

    private void closeRecord(long nowNanos) {
        if (openRecord != null) {
            openRecord.decided(epoch, coordinatorId, nowNanos);
            openRecord = null;
        }
    }

    public long epoch() {
        return epoch;
    }

    /** 0 while unknown. */
    public int coordinatorId() {
        return coordinatorId;
    }

    public ClusterRole role() {
        return role;
    }

    public FailureDetector detector() {
        return detector;
    }

    /** Newest last, at most {@link #MAX_ELECTION_RECORDS}. */
    public List<ElectionRecord> elections() {
        List<ElectionRecord> out = new ArrayList<>(records.size());
        for (RecordBuilder r : records) {
            out.add(r.build());
        }
        return List.copyOf(out);
    }

    /** Frames rejected by the epoch gate. */
    public long staleFrames() {
        return staleFrames;
    }

    /** Election messages (BULLY_*, RING_*) sent by this node since it started. */
    public long electionMessagesSent() {
        return electionMessagesSent;
    }

    /**
     * Bully's handback, where a returning higher node takes over from a lower coordinator, waits until this node is
     * ready to lead: a node that just restarted has a clock the cluster has not corrected yet, and a master whose
     * clock is off makes every line follow it. The caller makes the node not ready when it starts; it becomes ready
     * after {@link ClusterConfig#correctionsBeforeLeading} corrections while following one coordinator (see
     * {@link #onCorrectionApplied}), or when the caller says so. Elections forced by a crash are not affected.
     * Returns the election that becoming ready may start.
     */
    public List<Action> setReadyToLead(boolean ready, long nowNanos) {
        boolean was = readiness.ready();
        readiness.set(ready);
        return ready && !was ? challengeIfOutranked(nowNanos) : List.of();
    }

    /**
     * This node's clock was just corrected by the coordinator it follows (a Berkeley adjustment applied). Counts
     * towards {@link #readyToLead}; returns the election that becoming ready may start. Ignored unless the node
     * follows a known coordinator: a correction then comes from no master this node would hand the lead back to.
     */
    public List<Action> onCorrectionApplied(long nowNanos) {
        if (role != ClusterRole.FOLLOWER || coordinatorId == 0 || !readiness.corrected()) {
            return List.of();
        }
        return challengeIfOutranked(nowNanos);
    }

    private List<Action> challengeIfOutranked(long nowNanos) {
        List<Action> out = new ArrayList<>();
        if (role == ClusterRole.FOLLOWER && coordinatorId != 0 && coordinatorId < selfId
                && elector.challengesLowerCoordinator()) {
            startElection("higher node caught up: this node (" + selfId + ") outranks coordinator " + coordinatorId,
                    nowNanos, out);
        }
        return List.copyOf(out);
    }

    public boolean readyToLead() {
        return readiness.ready();
    }

    /** Corrections counted towards {@link #readyToLead} since this node last followed a coordinator. */
    public int correctionsTowardsLeading() {
        return readiness.correctionsWhileFollowing();
    }

    /** Elections this node started itself, one per election id: restarts after a timeout count too. */
    public long electionsStarted() {
        return electionsStarted;
    }

    /** The highest epoch this node adopted or claimed. */
    long highestSeenEpoch() {
        return highestSeenEpoch;
    }

    /** Of {@link #electionsStarted}, those that were restarts after a timeout. */
    long electionRestarts() {
        return electionRestarts;
    }

    /** Cluster messages dropped as malformed, from strangers, about unknown nodes, or from an epoch left behind. */
    long ignoredMessages() {
        return ignoredMessages;
    }

    boolean electionRunning() {
        return elector.running();
    }

    Elector elector() {
        return elector;
    }

    /** One {@link ElectionRecord} while it is being filled in. */
    private static final class RecordBuilder {
        private long epoch;
        private int coordinatorId;
        private final ElectionAlgorithm algorithm;
        private final String trigger;
        private final long startedNanos;
        private long decidedNanos;
        private int messagesSent;

        RecordBuilder(long epoch, ElectionAlgorithm algorithm, String trigger, long startedNanos) {
            this.epoch = epoch;
            this.algorithm = algorithm;
            this.trigger = trigger;
            this.startedNanos = startedNanos;
        }

        void decided(long decidedEpoch, int decidedCoordinatorId, long nowNanos) {
            epoch = decidedEpoch;
            coordinatorId = decidedCoordinatorId;
            decidedNanos = nowNanos;
        }

        ElectionRecord build() {
            return new ElectionRecord(epoch, coordinatorId, algorithm, trigger, startedNanos, decidedNanos,
                    messagesSent);
        }
    }

    /** The node as its elector sees it; a private class so that none of this becomes public API. */
    private final class Host implements ElectionHost {
        @Override
        public int selfId() {
            return selfId;
        }

        @Override
        public List<Integer> peerIds() {
            return peerIds;
        }

        @Override
        public boolean isKnown(int nodeId) {
            return nodeId == selfId || peerSet.contains(nodeId);
        }

        @Override
        public boolean suspected(int peerId) {
            return detector.suspected(peerId);
        }

        @Override
        public ClusterRole role() {
            return role;
        }

        @Override
        public long epoch() {
            return epoch;
        }

        @Override
        public long highestSeenEpoch() {
            return highestSeenEpoch;
        }

        @Override
        public void send(int toId, Message message, long nowNanos, List<Action> out) {
            out.add(new Send(toId, message));
            electionMessagesSent++;
            // A record just decided still owns the announcements that follow it (a Ring announcement goes round for up
            // to one election timeout); a coordinator answering a stray election long after owns no record.
            RecordBuilder last = records.peekLast();
            if (last != null && (last == openRecord || nowNanos - last.decidedNanos <= electionTimeoutNanos)
                    && last.messagesSent < Integer.MAX_VALUE) {
                last.messagesSent++;
            }
        }

        @Override
        public void becomeCandidate(String trigger, long nowNanos, List<Action> out) {
            openRecord(trigger, nowNanos);
            setRole(ClusterRole.CANDIDATE, 0, trigger, nowNanos, out);
        }

        @Override
        public void launched() {
            electionsStarted++;
        }

        @Override
        public void restarted() {
            electionRestarts++;
        }

        @Override
        public void joined(String trigger, long nowNanos) {
            openRecord(trigger, nowNanos);
        }

        @Override
        public void won(String reason, long nowNanos, List<Action> out) {
            if (claimEpoch(Epochs.next(Math.max(highestSeenEpoch, epoch), selfId))) {
                becomeCoordinator(reason, nowNanos, out);
            }
        }

        @Override
        public void decided(long newEpoch, int c, String reason, long nowNanos, List<Action> out) {
            if (!claimEpoch(newEpoch)) {
                return;
            }
            if (c == selfId) {
                becomeCoordinator(reason, nowNanos, out);
            } else {
                follow(c, reason, nowNanos, out);
            }
        }

        @Override
        public void follow(int c, String reason, long nowNanos, List<Action> out) {
            ClusterMembership.this.follow(c, reason, nowNanos, out);
        }

        @Override
        public void ignored() {
            ignoredMessages++;
        }
    }
}
