package org.clocksync.core.logical;

import java.util.Objects;
import org.clocksync.core.Action;

/** The logical-clock master object finished an averaging round; the caller publishes it (status, metrics, logs). */
public record LogicalRoundCompleted(LogicalRound round) implements Action {
    public LogicalRoundCompleted {
        Objects.requireNonNull(round, "round");
    }
}
