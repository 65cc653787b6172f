package org.clocksync.simulator;

import org.clocksync.core.clock.LocalClock;

/** Builds a node's process on start and on every restart, so a restart really begins from fresh state. */
@FunctionalInterface
public interface ProcessFactory {
    /** @param serviceClock the node's service clock, which the simulator corrects when the process asks it to */
    SimProcess create(int nodeId, LocalClock serviceClock);
}
