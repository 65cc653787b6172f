package org.clocksync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.core.AdjustClock;
import org.clocksync.core.Send;
import org.clocksync.core.clock.ServiceClock;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /** Sends a numbered heartbeat to a peer on every tick (and a burst on start); records what it receives. */
    private static final class Chatter implements SimProcess {
        private final int selfId;
        private final int peerId;
        private final int burstOnStart;
        private final long stepOnStartNanos;
        private final List<Long> received = new ArrayList<>();
        private long sequence;

        Chatter(int selfId, int peerId, int burstOnStart, long stepOnStartNanos) {
            this.selfId = selfId;
            this.peerId = peerId;
            this.burstOnStart = burstOnStart;
            this.stepOnStartNanos = stepOnStartNanos;
        }

        @Override
        public List<Action> onStart(long hostNanos) {
            List<Action> actions = new ArrayList<>();
            for (int i = 0; i < burstOnStart; i++) {
                actions.add(new Send(peerId, new Message.Heartbeat(++sequence, 0)));
            }
            if (stepOnStartNanos != 0) {
                actions.add(new AdjustClock(stepOnStartNanos, "test"));
            }
            return actions;
        }

        @Override
        public List<Action> onMessage(int fromId, Message message, long hostNanos) {
            received.add(((Message.Heartbeat) message).sequence());
            return List.of();
        }

        @Override
        public List<Action> onTick(long hostNanos) {
            return List.of(new Send(peerId, new Message.Heartbeat(++sequence, 0)));
        }
    }

    private static Simulator twoNodes(long seed, DelayModel delay, int burstOnStart, long stepOnStartNanos, List<Chatter> created) {
        Simulator simulator = new Simulator(seed);
        simulator.setDefaultDelay(delay);
        long start = simulator.startHostNanos();
        simulator.addNode(1, SimulatedHardwareClock.exact(), ServiceClockConfig.defaults(), 10 * MS, (id, clock) -> {
            Chatter chatter = new Chatter(id, 2, burstOnStart, 0);
            created.add(chatter);
            return chatter;
        }, start + 1); // after node 2 is up: a message to a node that is not up is lost
        simulator.addNode(2, new SimulatedHardwareClock(5 * MS, 0, start), ServiceClockConfig.defaults(), 10 * MS, (id, clock) -> {
            Chatter chatter = new Chatter(id, 1, 0, stepOnStartNanos);
            created.add(chatter);
            return chatter;
        }, start);
        return simulator;
    }

    /** The processes created for a node, first life first. */
    private static List<Chatter> of(List<Chatter> created, int nodeId) {
        return created.stream().filter(c -> c.selfId == nodeId).toList();
    }

    @Test
    void aLinkIsFifoEvenWithWildlyVaryingDelays() {
        List<Chatter> created = new ArrayList<>();
        Simulator simulator = twoNodes(7, DelayModel.uniform(0, 50 * MS), 1_000, 0, created);
        simulator.runFor(2 * S);
        List<Long> received = of(created, 2).get(0).received;
        assertThat(received).hasSizeGreaterThan(1_000).isSorted().doesNotHaveDuplicates();
        assertThat(received.get(0)).isEqualTo(1);
        assertThat(received.get(received.size() - 1)).isEqualTo(received.size());
        assertThat(simulator.messagesLost()).isZero();
    }

    @Test
    void aCrashedNodeReceivesAndSendsNothingAndRestartsFresh() {
        List<Chatter> created = new ArrayList<>();
        Simulator simulator = twoNodes(7, DelayModel.constant(100_000), 0, S, created);
        long start = simulator.startHostNanos();
        simulator.crash(2, start + 100 * MS);
        simulator.restart(2, start + 200 * MS + 5);

        simulator.runUntil(start + 50 * MS);
        ServiceClock firstClock = simulator.serviceClock(2);
        assertThat(simulator.offsetFromHostNanos(2)).isEqualTo(5 * MS + S);

        simulator.runUntil(start + 150 * MS);
        assertThat(simulator.isAlive(2)).isFalse();
        assertThatThrownBy(() -> simulator.offsetFromHostNanos(2)).hasMessageContaining("node 2 is down");
        int receivedByOneWhileDown = of(created, 1).get(0).received.size();
        int receivedByTheOldProcess = of(created, 2).get(0).received.size();
        long lostBefore = simulator.messagesLost();

        simulator.runUntil(start + 200 * MS);
        assertThat(of(created, 1).get(0).received).as("node 2 sent nothing while down").hasSize(receivedByOneWhileDown);
        assertThat(simulator.messagesLost()).as("node 1's heartbeats to it were lost").isGreaterThan(lostBefore);

        simulator.runUntil(start + 400 * MS);
        assertThat(created).hasSize(3);
        Chatter restarted = of(created, 2).get(1);
        assertThat(restarted).isSameAs(simulator.process(2));
        assertThat(restarted.received).isNotEmpty();
        assertThat(of(created, 2).get(0).received).as("the old process heard nothing after its crash").hasSize(receivedByTheOldProcess);
        assertThat(simulator.serviceClock(2)).isNotSameAs(firstClock);
        // a fresh service clock: the start-up correction steps again instead of stacking on the old one
        assertThat(simulator.offsetFromHostNanos(2)).isEqualTo(5 * MS + S);
        assertThat(simulator.serviceClock(2).stepsTaken()).isEqualTo(1);
        assertThat(simulator.trace()).anyMatch(line -> line.endsWith("node 2 crash")).anyMatch(line -> line.contains("node 2 restart"));
    }

    @Test
    void theSameSeedReplaysTheSameTrace() {
        List<String> first = runChatter(11);
        assertThat(runChatter(11)).isEqualTo(first);
        assertThat(runChatter(12)).isNotEqualTo(first);
    }

    private static List<String> runChatter(long seed) {
        Simulator simulator = twoNodes(seed, DelayModel.shiftedExponential(50_000, 30_000), 3, 0, new ArrayList<>());
        simulator.runFor(S);
        return simulator.trace();
    }

    @Test
    void validatesItsInputs() {
        Simulator simulator = new Simulator(1);
        long start = simulator.startHostNanos();
        ProcessFactory factory = (id, clock) -> new Chatter(id, 1, 0, 0);
        simulator.addNode(1, SimulatedHardwareClock.exact(), ServiceClockConfig.defaults(), MS, factory, start);
        assertThatThrownBy(() -> simulator.addNode(1, SimulatedHardwareClock.exact(), ServiceClockConfig.defaults(), MS, factory, start))
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> simulator.addNode(2, SimulatedHardwareClock.exact(), ServiceClockConfig.defaults(), 0, factory, start))
                .hasMessageContaining("tick period");
        assertThatThrownBy(() -> simulator.crash(9, start)).hasMessageContaining("no node 9");
        simulator.runFor(10 * MS);
        assertThatThrownBy(() -> simulator.crash(1, start)).hasMessageContaining("before the current time");
        assertThatThrownBy(() -> simulator.runUntil(start)).hasMessageContaining("can run to a time");
        assertThatThrownBy(() -> DelayModel.uniform(10, 5)).hasMessageContaining("minNanos <= maxNanos");
    }
}
