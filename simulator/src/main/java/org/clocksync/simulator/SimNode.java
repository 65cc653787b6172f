package org.clocksync.simulator;

import org.clocksync.core.clock.ClockDiscipline;
import org.clocksync.core.clock.ServiceClock;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;

/** One simulated host: a hardware clock that survives crashes, and a process and service clock that do not. */
final class SimNode {
    final int id;
    final SimulatedHardwareClock hardware;
    final ServiceClockConfig clockConfig;
    final long tickPeriodNanos;
    final ProcessFactory factory;

    private boolean alive;
    /** Bumped on every start and crash, so timers and messages addressed to an earlier life are dropped. */
    private long incarnation;
    private ServiceClock serviceClock;
    private ClockDiscipline discipline;
    private SimProcess process;

    SimNode(int id, SimulatedHardwareClock hardware, ServiceClockConfig clockConfig, long tickPeriodNanos, ProcessFactory factory) {
        this.id = id;
        this.hardware = hardware;
        this.clockConfig = clockConfig;
        this.tickPeriodNanos = tickPeriodNanos;
        this.factory = factory;
    }

    void start() {
        assert !alive;
        incarnation++;
        alive = true;
        serviceClock = new ServiceClock(hardware, clockConfig);
        discipline = new ClockDiscipline(serviceClock);
        process = factory.create(id, serviceClock);
        if (process == null) {
            throw new IllegalStateException("the process factory of node " + id + " returned null");
        }
    }

    void crash() {
        assert alive;
        incarnation++;
        alive = false;
        process = null;
    }

    boolean alive() {
        return alive;
    }

    long incarnation() {
        return incarnation;
    }

    ClockDiscipline discipline() {
        return discipline;
    }

    ServiceClock serviceClock() {
        return serviceClock;
    }

    SimProcess process() {
        return process;
    }
}
