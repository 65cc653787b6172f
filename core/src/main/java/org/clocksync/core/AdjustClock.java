package org.clocksync.core;

import java.util.Objects;

/** Correct this node's service clock by a signed amount; the caller applies it with ServiceClock.adjust and logs the outcome with the cause. */
public record AdjustClock(long correctionNanos, String cause) implements Action {
    public AdjustClock {
        Objects.requireNonNull(cause, "cause");
    }
}
