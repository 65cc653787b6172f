package org.clocksync.core.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.clocksync.core.Action;
import org.clocksync.protocol.Message;

/**
 * Ring election (Chang-Roberts style, with the candidate list of Tanenbaum's variant) for one node. The ring is every
 * id ascending with wrap-around; a message goes to the next node that is not suspected, so dead nodes are skipped.
 * The initiator's election collects the ids of the live nodes on one trip round; back at the initiator, the highest
 * id wins and the announcement goes round once more. n live nodes: n election messages plus n announcements. When
 * several nodes start at once, a node running its own election stops those of lower initiators (Chang-Roberts), so
 * only the highest initiator's election goes all the way round.
 */
final class RingElector implements Elector {
    private final ElectionHost host;
    /** Every node, self included, ascending: the ring order. */
    private final List<Integer> ringIds;
    private final int selfIndex;
    private final long timeoutNanos;
    private long nextElectionId;
    private boolean running;
    private long runningId;
    private long deadlineNanos;
    /** Took part in an election (started or forwarded one) since the last decision this node adopted. */
    private boolean participating;
    /**
     * Highest election id forwarded per initiator, so that a message that misses its initiator (skipped as suspected)
     * dies after one more trip instead of circling forever. Keys are known ids only, so at most n entries.
     */
    private final TreeMap<Integer, Long> electionsForwarded = new TreeMap<>();
    private final TreeMap<Integer, Long> announcementsForwarded = new TreeMap<>();
    private long suppressed;

    RingElector(ElectionHost host, long timeoutNanos, long firstElectionId) {
        this.host = Objects.requireNonNull(host, "host");
        TreeSet<Integer> ids = new TreeSet<>(host.peerIds());
        ids.add(host.selfId());
        this.ringIds = List.copyOf(ids);
        this.selfIndex = ringIds.indexOf(host.selfId());
        this.timeoutNanos = timeoutNanos;
        this.nextElectionId = firstElectionId;
    }

    /**
     * How long an initiator waits for its election to come back and be decided: n+1 hops (n nodes, one spare), each at
     * most a max delay plus a tick, doubled for the announcement's trip and slack.
     */
    static long timeoutNanos(ClusterConfig config, int nodeCount, long maxDelayNanos) {
        return (nodeCount + 1L) * (maxDelayNanos + config.tickNanos()) * 2;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    /** Elections of lower initiators this node stopped because its own was running. */
    long suppressed() {
        return suppressed;
    }

    @Override
    public ElectionAlgorithm algorithm() {
        return ElectionAlgorithm.RING;
    }

    @Override
    public boolean running() {
        return running;
    }

    @Override
    public void start(String trigger, long nowNanos, List<Action> out) {
        if (running || host.role() == ClusterRole.COORDINATOR) {
            return;
        }
        host.becomeCandidate(trigger, nowNanos, out);
        launch(nowNanos, out);
    }

    private void launch(long nowNanos, List<Action> out) {
        runningId = nextElectionId++;
        running = true;
        participating = true;
        deadlineNanos = nowNanos + timeoutNanos;
        host.launched();
        int successor = successor();
        if (successor == host.selfId()) {
            complete(List.of(host.selfId()), nowNanos, out); // every other node is suspected: a ring of one
            return;
        }
        host.send(successor, new Message.RingElection(runningId, host.selfId(), List.of(host.selfId())), nowNanos, out);
    }

    @Override
    public void tick(long nowNanos, List<Action> out) {
        if (running && nowNanos - deadlineNanos >= 0) {
            // Lost on the way (a node died holding it, or a stale epoch dropped it): go round again.
            host.restarted();
            launch(nowNanos, out);
        }
    }

    @Override
    public void onMessage(int senderId, long frameEpoch, Message message, long nowNanos, List<Action> out) {
        if (message instanceof Message.RingElection m) {
            onElection(m, nowNanos, out);
        } else if (message instanceof Message.RingCoordinator m) {
            onCoordinator(frameEpoch, m, nowNanos, out);
        } else {
            host.ignored(); // a Bully message in a Ring cluster: a misconfigured peer
        }
    }

    private void onElection(Message.RingElection m, long nowNanos, List<Action> out) {
        int initiator = m.initiatorId();
        List<Integer> candidates = m.candidateIds();
        if (!wellFormed(candidates) || candidates.get(0) != initiator) {
            host.ignored();
            return;
        }
        if (initiator == host.selfId()) {
            if (running && m.electionId() == runningId) {
                complete(candidates, nowNanos, out);
            } else {
                host.ignored(); // one of ours that we gave up or that a decision overtook
            }
            return;
        }
        if (running && initiator < host.selfId()) {
            // Chang-Roberts: our own election, from a higher initiator, collects the same live ids and decides the
            // same winner, so the lower one stops here; should ours be lost, both initiators time out and retry.
            suppressed++;
            return;
        }
        Long forwarded = electionsForwarded.get(initiator);
        if (forwarded != null && m.electionId() <= forwarded) {
            host.ignored(); // duplicate: this election already passed here
            return;
        }
        electionsForwarded.put(initiator, m.electionId());
        participating = true;
        host.joined("joined Ring election of node " + initiator, nowNanos);
        List<Integer> next = candidates;
        if (!candidates.contains(host.selfId())) {
            next = new ArrayList<>(candidates);
            next.add(host.selfId()); // at most n ids: the list held only known ids, without duplicates, not self
        }
        int successor = successor();
        if (successor != host.selfId()) {
            host.send(successor, new Message.RingElection(m.electionId(), initiator, next), nowNanos, out);
        }
    }

    /** Back at the initiator: the highest live id wins, in the next term; the announcement goes round once. */
    private void complete(List<Integer> candidates, long nowNanos, List<Action> out) {
        int coordinator = host.selfId();
        for (int id : candidates) {
            coordinator = Math.max(coordinator, id);
        }
        long id = runningId;
        running = false;
        participating = false;
        long newEpoch = Epochs.next(Math.max(host.highestSeenEpoch(), host.epoch()), coordinator);
        host.decided(newEpoch, coordinator, "Ring election " + id + " went round " + candidates + ": node "
                + coordinator + " has the highest id", nowNanos, out);
        if (host.epoch() != newEpoch) {
            return; // the host refused (terms exhausted)
        }
        int successor = successor();
        if (successor != host.selfId()) {
            host.send(successor, new Message.RingCoordinator(id, coordinator, candidates), nowNanos, out);
        }
    }

    private void onCoordinator(long frameEpoch, Message.RingCoordinator m, long nowNanos, List<Action> out) {
        int c = m.coordinatorId();
        List<Integer> members = m.memberIds();
        // The gate has adopted the announcement's epoch already; it must name the announced coordinator.
        if (!wellFormed(members) || !members.contains(c) || Epochs.coordinatorOf(frameEpoch) != c) {
            host.ignored();
            return;
        }
        int initiator = members.get(0);
        if (initiator == host.selfId()) {
            return; // our own announcement came round: it has been everywhere once
        }
        Long forwarded = announcementsForwarded.get(initiator);
        if (forwarded != null && m.electionId() <= forwarded) {
            host.ignored();
            return;
        }
        announcementsForwarded.put(initiator, m.electionId());
        if (c == host.selfId() && host.role() != ClusterRole.COORDINATOR) {
            return; // the gate refused to take up this epoch and started a new election, which will tell everyone
        }
        int successor = successor();
        if (successor != host.selfId()) {
            host.send(successor, new Message.RingCoordinator(m.electionId(), c, members), nowNanos, out);
        }
    }

    /** Non-empty, known ids only, no duplicates, at most one per node. */
    private boolean wellFormed(List<Integer> ids) {
        if (ids.isEmpty() || ids.size() > ringIds.size()) {
            return false;
        }
        TreeSet<Integer> seen = new TreeSet<>();
        for (int id : ids) {
            if (!host.isKnown(id) || !seen.add(id)) {
                return false;
            }
        }
        return true;
    }

    /** The next node round the ring that is not suspected; self when every other node is. */
    int successor() {
        int n = ringIds.size();
        for (int step = 1; step < n; step++) {
            int id = ringIds.get((selfIndex + step) % n);
            if (!host.suspected(id)) {
                return id;
            }
        }
        return host.selfId();
    }

    @Override
    public void cancel() {
        running = false;
        participating = false;
    }

    @Override
    public boolean challengesLowerCoordinator() {
        return false;
    }

    @Override
    public boolean mayTakeUp(long epoch) {
        return participating;
    }
}
