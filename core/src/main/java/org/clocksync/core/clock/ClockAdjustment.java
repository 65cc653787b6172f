package org.clocksync.core.clock;

/** What ServiceClock.adjust did with a correction, so the caller can log it in the operator's terms. */
public record ClockAdjustment(Kind kind, long correctionNanos, long slewDurationNanos, boolean largeButSlewed) {
    /** STEP: applied at once (the one allowed jump); SLEW: applied gradually, the clock never runs backwards. */
    public enum Kind { STEP, SLEW }

    public ClockAdjustment {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (slewDurationNanos < 0) {
            throw new IllegalArgumentException("slewDurationNanos must not be negative, got " + slewDurationNanos);
        }
        if (kind == Kind.STEP && (slewDurationNanos != 0 || largeButSlewed)) {
            throw new IllegalArgumentException("a STEP has no slew duration and is never largeButSlewed");
        }
    }
}
