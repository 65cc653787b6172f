package org.clocksync.core;

import java.util.Objects;

/**
 * Correct this node's service clock by a signed amount; the caller applies it through its ClockDiscipline and logs
 * the outcome with the cause.
 *
 * @param learnDrift whether the correction also teaches the node its drift. A coordinator's own corrections do
 *                   not: if every node steered its frequency toward the cluster, the cluster's common frequency would
 *                   have nothing to hold it and would wander on estimation noise; holding the coordinator's
 *                   frequency anchors it, as the lab clock is the factory's reference.
 */
public record AdjustClock(long correctionNanos, String cause, boolean learnDrift) implements Action {
    public AdjustClock {
        Objects.requireNonNull(cause, "cause");
    }

    /** A follower's correction, which also teaches it its drift. */
    public AdjustClock(long correctionNanos, String cause) {
        this(correctionNanos, cause, true);
    }
}
