package org.clocksync.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.clocksync.core.Action;
import org.clocksync.core.Send;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.core.logical.ByzantineBehaviour;
import org.clocksync.core.logical.LogicalConfig;
import org.clocksync.core.logical.LogicalRound;
import org.clocksync.core.logical.LogicalRoundCompleted;
import org.clocksync.core.logical.MasterObject;
import org.clocksync.core.logical.ProcessObject;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Message;

/**
 * The logical-clock system in the seeded discrete-event {@link Simulator}: one master object and process objects
 * (some of them Byzantine) joined with HELLO/WELCOME, as the daemons are, over links with a chosen delay. It samples
 * the honest POs' counters at one instant (the simulator's clock is everyone's) and checks each PO's timestamps with
 * its own observer, independently of the counter's self-check.
 */
public final class LogicalSimulation {
    private final Simulator simulator;
    private final int masterId;
    private final SortedMap<Integer, ByzantineBehaviour> processes;
    private final Map<Integer, long[]> observed = new TreeMap<>();
    private final List<LogicalRound> rounds = new ArrayList<>();
    private long roundsSeen;

    private LogicalSimulation(Builder b) {
        this.simulator = new Simulator(b.seed);
        this.masterId = b.masterId;
        this.processes = new TreeMap<>(b.processes);
        simulator.setDefaultDelay(b.delay);
        long start = simulator.startHostNanos();
        simulator.addNode(masterId, SimulatedHardwareClock.exact(), ServiceClockConfig.defaults(), b.timerNanos,
                (id, clock) -> new MasterProcess(id, b.config), start);
        long seedBase = new SplittableRandom(b.seed).nextLong();
        for (Map.Entry<Integer, ByzantineBehaviour> p : processes.entrySet()) {
            int id = p.getKey();
            long[] check = new long[2]; // last timestamp seen, violations
            observed.put(id, check);
            simulator.addNode(id, SimulatedHardwareClock.exact(), ServiceClockConfig.defaults(), b.timerNanos,
                    (nodeId, clock) -> new ProcessProcess(nodeId, masterId, b.config, p.getValue(),
                            new SplittableRandom(seedBase ^ (nodeId * 0x9E3779B97F4A7C15L)), check),
                    start + b.startDelays.getOrDefault(id, 0L));
        }
        simulator.addListener((hostNanos, nodeId, action) -> {
            if (action instanceof LogicalRoundCompleted done) {
                roundsSeen++;
                if (rounds.size() < MAX_ROUNDS_KEPT) {
                    rounds.add(done.round());
                }
            }
        });
    }

    /** Rounds kept for inspection; a ten-minute run has about 50 000, the counts cover all. */
    public static final int MAX_ROUNDS_KEPT = 200_000;

    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    public Simulator simulator() {
        return simulator;
    }

    public MasterObject master() {
        return ((MasterProcess) simulator.process(masterId)).mo;
    }

    public ProcessObject process(int id) {
        return ((ProcessProcess) simulator.process(id)).po;
    }

    public List<Integer> honestIds() {
        return processes.entrySet().stream().filter(e -> !e.getValue().isByzantine()).map(Map.Entry::getKey).toList();
    }

    public List<Integer> byzantineIds() {
        return processes.entrySet().stream().filter(e -> e.getValue().isByzantine()).map(Map.Entry::getKey).toList();
    }

    /** Max minus min of the honest POs' counters now. */
    public long honestSpread() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int id : honestIds()) {
            long c = process(id).counter();
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        return max - min;
    }

    /** Timestamps that were not above the previous one, as this simulation's own observer saw them, for one PO. */
    public long observedViolations(int id) {
        return observed.get(id)[1];
    }

    public List<LogicalRound> rounds() {
        return rounds;
    }

    public long roundsSeen() {
        return roundsSeen;
    }

    /**
     * Runs {@code warmupNanos}, then {@code durationNanos} sampling the honest spread every {@code sampleNanos}.
     */
    public Result run(long warmupNanos, long durationNanos, long sampleNanos) {
        simulator.runFor(warmupNanos);
        long firstRound = roundsSeen;
        int n = (int) Math.min(Integer.MAX_VALUE - 8, durationNanos / sampleNanos);
        long[] spreads = new long[n];
        for (int i = 0; i < n; i++) {
            simulator.runFor(sampleNanos);
            spreads[i] = honestSpread();
        }
        Arrays.sort(spreads);
        SortedMap<Integer, Long> violations = new TreeMap<>();
        for (int id : processes.keySet()) {
            violations.put(id, process(id).clock().violations() + observedViolations(id));
        }
        violations.put(masterId, master().clock().violations());
        long measuredRounds = roundsSeen - firstRound;
        return new Result(n, spreads.length == 0 ? 0 : spreads[spreads.length / 2],
                spreads.length == 0 ? 0 : spreads[(int) Math.min(spreads.length - 1, Math.ceil(spreads.length * 0.99) - 1)],
                spreads.length == 0 ? 0 : spreads[spreads.length - 1], violations, master().leftOutCounts(),
                measuredRounds, master().roundsCompleted());
    }

    /**
     * @param leftOut rounds each node was left out of, {@code [excluded, suspect]}, over the whole run
     */
    public record Result(int samples, long p50Spread, long p99Spread, long maxSpread, SortedMap<Integer, Long> violations,
                         SortedMap<Integer, long[]> leftOut, long measuredRounds, long totalRounds) {
        public long leftOutTotal(int id) {
            long[] c = leftOut.get(id);
            return c == null ? 0 : c[0] + c[1];
        }

        public long totalViolations() {
            return violations.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The MO as a simulated process: HELLO makes the sender a member and is answered with WELCOME. */
    private static final class MasterProcess implements SimProcess {
        private final int selfId;
        final MasterObject mo;

        MasterProcess(int selfId, LogicalConfig config) {
            this.selfId = selfId;
            this.mo = new MasterObject(selfId, config);
        }

        @Override
        public List<Action> onStart(long hostNanos) {
            mo.start(hostNanos);
            return List.of();
        }

        @Override
        public List<Action> onMessage(int fromId, Message message, long hostNanos) {
            if (message instanceof Message.Hello hello) {
                mo.addMember(fromId);
                return List.of(new Send(fromId, new Message.Welcome(hello.requestId(), selfId, 0)));
            }
            if (!mo.isMember(fromId)) {
                // as a restarted daemon's closed connection does: the PO says HELLO again
                return List.of(new Send(fromId, new Message.ErrorMessage(0, ErrorCode.NOT_A_MEMBER, "say HELLO")));
            }
            if (message instanceof Message.LogicalReport report) {
                return mo.onReport(fromId, report, hostNanos);
            }
            if (message instanceof Message.LogicalCorrectionRequest request) {
                return mo.onRequest(fromId, request, hostNanos);
            }
            return List.of();
        }

        @Override
        public List<Action> onTick(long hostNanos) {
            return mo.onTick(hostNanos);
        }
    }

    /** A PO as a simulated process: says HELLO at start, joins on WELCOME. */
    private static final class ProcessProcess implements SimProcess {
        private final int masterId;
        final ProcessObject po;

        ProcessProcess(int selfId, int masterId, LogicalConfig config, ByzantineBehaviour behaviour,
                       SplittableRandom random, long[] check) {
            this.masterId = masterId;
            this.po = new ProcessObject(selfId, config, behaviour, random);
            po.clock().setObserver(ts -> {
                if (ts <= check[0]) {
                    check[1]++;
                }
                check[0] = ts;
            });
        }

        @Override
        public List<Action> onStart(long hostNanos) {
            po.start(hostNanos);
            return List.of(new Send(masterId, new Message.Hello(1, "po-" + po.selfId())));
        }

        @Override
        public List<Action> onMessage(int fromId, Message message, long hostNanos) {
            if (message instanceof Message.Welcome welcome && fromId == masterId) {
                po.masterJoined(welcome.coordinatorId());
                return po.onTick(hostNanos);
            }
            if (message instanceof Message.LogicalOffset offset) {
                return po.onOffset(fromId, offset, hostNanos);
            }
            if (message instanceof Message.ErrorMessage && fromId == masterId && po.masterId() != 0) {
                po.masterLost();
                return List.of(new Send(masterId, new Message.Hello(1, "po-" + po.selfId())));
            }
            return List.of();
        }

        @Override
        public List<Action> onTick(long hostNanos) {
            return po.onTick(hostNanos);
        }
    }

    /** One MO and POs; defaults: the MO id 5, 100 us +- 50 us links, a 1 ms timer, {@link LogicalConfig#defaults()}. */
    public static final class Builder {
        private final long seed;
        private int masterId = 5;
        private final SortedMap<Integer, ByzantineBehaviour> processes = new TreeMap<>();
        private final Map<Integer, Long> startDelays = new TreeMap<>();
        private LogicalConfig config = LogicalConfig.defaults();
        private DelayModel delay = DelayModel.uniform(50_000L, 150_000L);
        private long timerNanos = 1_000_000L;

        private Builder(long seed) {
            this.seed = seed;
        }

        public Builder master(int id) {
            masterId = id;
            return this;
        }

        /** A PO that starts {@code startDelayNanos} after the MO. */
        public Builder process(int id, ByzantineBehaviour behaviour, long startDelayNanos) {
            processes.put(id, Objects.requireNonNull(behaviour, "behaviour"));
            startDelays.put(id, startDelayNanos);
            return this;
        }

        public Builder config(LogicalConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder delay(DelayModel delay) {
            this.delay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** How often each node's timer fires; steps and ticks due are run from the time, not counted per fire. */
        public Builder timer(long timerNanos) {
            this.timerNanos = timerNanos;
            return this;
        }

        public LogicalSimulation build() {
            if (processes.containsKey(masterId)) {
                throw new IllegalArgumentException("node " + masterId + " cannot be both the MO and a PO");
            }
            return new LogicalSimulation(this);
        }
    }
}
