package org.clocksync.core.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.clocksync.core.Action;
import org.clocksync.protocol.Message;

/**
 * Garcia-Molina's Bully election for one node: ask every live higher node; if none answers in time, win and announce;
 * if one answers, wait for its announcement and start over if none comes. The highest live node always wins.
 */
final class BullyElector implements Elector {
    private enum Phase { IDLE, AWAITING_ANSWER, AWAITING_COORDINATOR }

    private final ElectionHost host;
    private final long answerTimeoutNanos;
    private final long coordinatorTimeoutNanos;
    private Phase phase = Phase.IDLE;
    private long electionId;
    private long nextElectionId;
    private long deadlineNanos;

    /**
     * @param firstElectionId the id of this node's first election; ids then grow by one per election (see
     *                        {@link ClusterMembership} for why it starts at the construction time)
     */
    BullyElector(ElectionHost host, long answerTimeoutNanos, long coordinatorTimeoutNanos, long firstElectionId) {
        this.host = Objects.requireNonNull(host, "host");
        this.answerTimeoutNanos = answerTimeoutNanos;
        this.coordinatorTimeoutNanos = coordinatorTimeoutNanos;
        this.nextElectionId = firstElectionId;
    }

    /**
     * How long a starter waits for an answer: the election message and the answer each take at most the max delay, the
     * higher node handles the election when it arrives (no tick), and the starter sees the deadline up to a tick late;
     * one more tick is margin for the higher node's own processing.
     */
    static long answerTimeoutNanos(ClusterConfig config, long maxDelayNanos) {
        return 2 * maxDelayNanos + 2 * config.tickNanos();
    }

    /**
     * How long a starter that got an answer waits for the announcement: the answering node runs its own election (its
     * own answer wait, and a chain of higher nodes each starting theirs at once), so three answer waits plus a
     * heartbeat period, after which a crashed answerer is suspected too, so the restart skips it.
     */
    static long coordinatorTimeoutNanos(ClusterConfig config, long answerTimeoutNanos) {
        return 3 * answerTimeoutNanos + config.heartbeatPeriodNanos();
    }

    long answerTimeoutNanos() {
        return answerTimeoutNanos;
    }

    long coordinatorTimeoutNanos() {
        return coordinatorTimeoutNanos;
    }

    @Override
    public ElectionAlgorithm algorithm() {
        return ElectionAlgorithm.BULLY;
    }

    @Override
    public boolean running() {
        return phase != Phase.IDLE;
    }

    @Override
    public void start(String trigger, long nowNanos, List<Action> out) {
        if (phase != Phase.IDLE || host.role() == ClusterRole.COORDINATOR) {
            return;
        }
        host.becomeCandidate(trigger, nowNanos, out);
        launch(nowNanos, out);
    }

    private void launch(long nowNanos, List<Action> out) {
        electionId = nextElectionId++;
        host.launched();
        List<Integer> higher = new ArrayList<>();
        for (int id : host.peerIds()) {
            // A suspected node cannot answer; asking it would only make every election wait the full timeout.
            if (id > host.selfId() && !host.suspected(id)) {
                higher.add(id);
            }
        }
        if (higher.isEmpty()) {
            win("no live node has a higher id", nowNanos, out);
            return;
        }
        for (int id : higher) {
            host.send(id, new Message.BullyElection(electionId), nowNanos, out);
        }
        phase = Phase.AWAITING_ANSWER;
        deadlineNanos = nowNanos + answerTimeoutNanos;
    }

    private void win(String why, long nowNanos, List<Action> out) {
        long id = electionId;
        phase = Phase.IDLE;
        host.won("won Bully election " + id + ": " + why, nowNanos, out);
        if (host.role() != ClusterRole.COORDINATOR) {
            return; // the host refused (terms exhausted); nothing to announce
        }
        // To every peer, suspected ones too: a falsely suspected node learns the new master at once.
        for (int peerId : host.peerIds()) {
            host.send(peerId, new Message.BullyCoordinator(id, host.selfId()), nowNanos, out);
        }
    }

    @Override
    public void tick(long nowNanos, List<Action> out) {
        if (phase == Phase.IDLE || nowNanos - deadlineNanos < 0) {
            return;
        }
        if (phase == Phase.AWAITING_ANSWER) {
            win("no higher node answered within " + answerTimeoutNanos / 1_000_000 + " ms", nowNanos, out);
        } else {
            // The node that answered died or lost its election: ask again (the restart itself waits, so no busy loop).
            host.restarted();
            launch(nowNanos, out);
        }
    }

    @Override
    public void onMessage(int senderId, long frameEpoch, Message message, long nowNanos, List<Action> out) {
        if (message instanceof Message.BullyElection m) {
            onElection(senderId, m, nowNanos, out);
        } else if (message instanceof Message.BullyAnswer m) {
            onAnswer(senderId, m, nowNanos);
        } else if (message instanceof Message.BullyCoordinator m) {
            onCoordinator(senderId, frameEpoch, m, nowNanos, out);
        } else {
            host.ignored(); // a Ring message in a Bully cluster: a misconfigured peer
        }
    }

    private void onElection(int senderId, Message.BullyElection m, long nowNanos, List<Action> out) {
        if (senderId > host.selfId()) {
            host.ignored(); // Bully only asks higher nodes
            return;
        }
        if (host.role() == ClusterRole.COORDINATOR) {
            // Already the master of this epoch: tell the asker so, rather than churning a new epoch.
            host.send(senderId, new Message.BullyAnswer(m.electionId()), nowNanos, out);
            host.send(senderId, new Message.BullyCoordinator(m.electionId(), host.selfId()), nowNanos, out);
            return;
        }
        host.joined("election from node " + senderId, nowNanos);
        host.send(senderId, new Message.BullyAnswer(m.electionId()), nowNanos, out);
        start("election from node " + senderId, nowNanos, out);
    }

    private void onAnswer(int senderId, Message.BullyAnswer m, long nowNanos) {
        if (senderId < host.selfId() || m.electionId() != electionId || phase == Phase.IDLE) {
            host.ignored(); // a late answer to an election given up, or one this node never sent
            return;
        }
        if (phase == Phase.AWAITING_ANSWER) {
            phase = Phase.AWAITING_COORDINATOR;
            deadlineNanos = nowNanos + coordinatorTimeoutNanos;
        }
    }

    private void onCoordinator(int senderId, long frameEpoch, Message.BullyCoordinator m, long nowNanos,
            List<Action> out) {
        int c = m.coordinatorId();
        // The winner announces itself, in the epoch it claimed (which names it), or as the configured master in the
        // initial epoch (a coordinator answering an election).
        boolean epochNamesIt = Epochs.coordinatorOf(frameEpoch) == c || frameEpoch == Epochs.INITIAL;
        if (c != senderId || !epochNamesIt || host.role() == ClusterRole.COORDINATOR) {
            host.ignored();
            return;
        }
        host.follow(c, "node " + c + " announced it won Bully election " + m.electionId(), nowNanos, out);
    }

    @Override
    public void cancel() {
        phase = Phase.IDLE;
    }

    @Override
    public boolean challengesLowerCoordinator() {
        return true;
    }

    @Override
    public boolean mayTakeUp(long epoch) {
        return false; // a Bully winner claims its epoch itself, so an epoch naming this node is from a former life
    }
}
