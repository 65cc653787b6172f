package org.clocksync.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.clocksync.core.berkeley.BerkeleyConfig;
import org.clocksync.core.berkeley.RoundCompleted;
import org.clocksync.core.berkeley.RoundReport;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;

/** A Berkeley master and its slaves on a {@link Simulator}, set up in one expression, so a test states only what it varies. */
public final class BerkeleyScenario {
    public static final int MAX_ROUNDS_PER_RUN = 100_000;

    private final Simulator simulator;
    private final int masterId;
    private final BerkeleyConfig config;
    private final ServiceClockConfig clockConfig;
    private final long tickPeriodNanos;
    private final List<RoundReport> reports = new ArrayList<>();

    private BerkeleyScenario(Builder builder) {
        this.simulator = new Simulator(builder.seed);
        this.masterId = builder.masterId;
        this.config = builder.config;
        this.clockConfig = builder.clockConfig;
        this.tickPeriodNanos = builder.tickPeriodNanos;
        simulator.setDefaultDelay(builder.delay);
        simulator.addListener((hostNanos, nodeId, action) -> {
            if (nodeId == masterId && action instanceof RoundCompleted completed) {
                reports.add(completed.report());
            }
        });
        long start = simulator.startHostNanos();
        simulator.addNode(masterId, new SimulatedHardwareClock(builder.masterOffsetNanos, builder.masterDriftPpm, start),
                clockConfig, tickPeriodNanos, (id, clock) -> new BerkeleyMasterProcess(id, config, clock), start);
        for (SlaveSpec slave : builder.slaves) {
            addSlave(slave.id(), slave.offsetNanos(), slave.driftPpm(), start);
        }
    }

    private record SlaveSpec(int id, long offsetNanos, double driftPpm) {
    }

    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /**
     * Adds a slave that starts at {@code atHostNanos} and says Hello to the master. Its hardware clock has
     * {@code offsetNanos} at the simulation's start and drifts from there.
     */
    public void addSlave(int slaveId, long offsetNanos, double driftPpm, long atHostNanos) {
        long helloRetryNanos = 3 * config.intervalNanos();
        simulator.addNode(slaveId, new SimulatedHardwareClock(offsetNanos, driftPpm, simulator.startHostNanos()), clockConfig,
                tickPeriodNanos, (id, clock) -> new BerkeleySlaveProcess(masterId, "node-" + id, clock, helloRetryNanos), atHostNanos);
    }

    public void crash(int nodeId, long atHostNanos) {
        simulator.crash(nodeId, atHostNanos);
    }

    public void restart(int nodeId, long atHostNanos) {
        simulator.restart(nodeId, atHostNanos);
    }

    public void runFor(long nanos) {
        simulator.runFor(nanos);
    }

    /** Runs until the master has completed {@code rounds} more rounds; fails if they do not happen in time. */
    public void runRounds(int rounds) {
        if (rounds < 1 || rounds > MAX_ROUNDS_PER_RUN) {
            throw new IllegalArgumentException("rounds must be in 1.." + MAX_ROUNDS_PER_RUN + ", got " + rounds);
        }
        int target = reports.size() + rounds;
        long budgetNanos = Math.min(Simulator.MAX_RUN_NANOS, (rounds + 2L) * config.intervalNanos());
        if (!simulator.runUntil(() -> reports.size() >= target, simulator.nowNanos() + budgetNanos)) {
            throw new IllegalStateException("the master completed " + (reports.size() - (target - rounds)) + " of " + rounds
                    + " rounds in " + budgetNanos + " ns: is it up, and does it have members?");
        }
    }

    public long spreadNanos() {
        return simulator.spreadNanos();
    }

    public long offsetFromHostNanos(int nodeId) {
        return simulator.offsetFromHostNanos(nodeId);
    }

    /** Every round the master completed, oldest first (across master restarts). */
    public List<RoundReport> reports() {
        return Collections.unmodifiableList(reports);
    }

    public RoundReport lastReport() {
        if (reports.isEmpty()) {
            throw new IllegalStateException("no round has completed yet");
        }
        return reports.get(reports.size() - 1);
    }

    public long nowNanos() {
        return simulator.nowNanos();
    }

    public int masterId() {
        return masterId;
    }

    public Simulator simulator() {
        return simulator;
    }

    /** Collects the scenario's parameters; every one has a default matching the daemons' defaults or a quiet LAN. */
    public static final class Builder {
        private final long seed;
        private BerkeleyConfig config = BerkeleyConfig.defaults();
        private ServiceClockConfig clockConfig = ServiceClockConfig.defaults();
        private DelayModel delay = DelayModel.uniform(80_000L, 120_000L);
        private long tickPeriodNanos = 10_000_000L;
        private int masterId = 1;
        private long masterOffsetNanos;
        private double masterDriftPpm;
        private final List<SlaveSpec> slaves = new ArrayList<>();

        private Builder(long seed) {
            this.seed = seed;
        }

        public Builder config(BerkeleyConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder clockConfig(ServiceClockConfig clockConfig) {
            this.clockConfig = Objects.requireNonNull(clockConfig, "clockConfig");
            return this;
        }

        /** The one-way delay of every link, both directions; 80..120 us uniform unless set. */
        public Builder delay(DelayModel delay) {
            this.delay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** How often each node's timer fires; 10 ms unless set. */
        public Builder tickPeriodNanos(long tickPeriodNanos) {
            this.tickPeriodNanos = tickPeriodNanos;
            return this;
        }

        public Builder master(int id, long offsetNanos, double driftPpm) {
            this.masterId = id;
            this.masterOffsetNanos = offsetNanos;
            this.masterDriftPpm = driftPpm;
            return this;
        }

        public Builder slave(int id, long offsetNanos, double driftPpm) {
            slaves.add(new SlaveSpec(id, offsetNanos, driftPpm));
            return this;
        }

        public BerkeleyScenario build() {
            return new BerkeleyScenario(this);
        }
    }
}
