package org.clocksync.core;

/**
 * What a sans-IO state machine asks its caller to do, so the same algorithm runs under Netty and under the simulator.
 * Not sealed: the actions of one algorithm live in its package (a Berkeley round's report, an election's role
 * change), and a sealed interface outside a named module may only permit classes of its own package.
 */
public interface Action {
}
