package org.clocksync.core;

import java.util.Objects;
import org.clocksync.core.logical.LogicalRound;

/** The logical-clock master object finished an averaging round; the caller publishes it (status, metrics, logs). */
public record LogicalRoundCompleted(LogicalRound round) implements Action {
    public LogicalRoundCompleted {
        Objects.requireNonNull(round, "round");
    }
}
