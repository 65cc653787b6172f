package org.clocksync.core;

import java.util.Objects;
import org.clocksync.core.berkeley.RoundReport;

/** A Berkeley round finished; the caller publishes the report (status, metrics, logs). */
public record RoundCompleted(RoundReport report) implements Action {
    public RoundCompleted {
        Objects.requireNonNull(report, "report");
    }
}
