package org.clocksync.simulator;

import org.clocksync.core.Action;

/** Sees every action a process returns, after the simulator executed it, so scenarios can collect reports without the driver knowing them. */
@FunctionalInterface
public interface SimListener {
    void onAction(long hostNanos, int nodeId, Action action);
}
