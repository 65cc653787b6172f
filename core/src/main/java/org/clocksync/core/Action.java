package org.clocksync.core;

/** What a sans-IO state machine asks its caller to do, so the same algorithm runs under Netty and under the simulator. */
public sealed interface Action permits Send, AdjustClock, RoundCompleted, RoleChanged, PeerSuspected, PeerRecovered,
        LogicalRoundCompleted {
}
