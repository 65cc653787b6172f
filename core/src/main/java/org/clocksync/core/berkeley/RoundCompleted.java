package org.clocksync.core.berkeley;

import java.util.Objects;
import org.clocksync.core.Action;

/** A Berkeley round finished; the caller publishes the report (status, metrics, logs). */
public record RoundCompleted(RoundReport report) implements Action {
    public RoundCompleted {
        Objects.requireNonNull(report, "report");
    }
}
