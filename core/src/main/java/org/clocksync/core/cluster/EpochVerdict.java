package org.clocksync.core.cluster;

import java.util.List;
import java.util.Locale;
import org.clocksync.core.Action;

/** Whether a frame's epoch lets it through, and what the node must do about the epoch it carried. */
public record EpochVerdict(boolean accepted, Rejection rejection, List<Action> actions) {
    /** Why the gate refused a frame; logs and metrics print {@link #text()}. */
    public enum Rejection {
        /** A peer still in an older epoch: it missed an election and is told the current one. */
        STALE_EPOCH,
        /** A node outside the peers tried to move the cluster's epoch. */
        EPOCH_FROM_STRANGER,
        /** A negative epoch: no node ever sends one. */
        ABSURD_EPOCH,
        /** A higher epoch naming a node that is not a peer, or a term that does not fit. */
        EPOCH_NAMES_UNKNOWN_NODE;

        /** The lowercase name that logs and metrics have always printed, e.g. {@code stale_epoch}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public EpochVerdict {
        actions = List.copyOf(actions);
        if (accepted != (rejection == null)) {
            throw new IllegalArgumentException("a verdict has a rejection exactly when it rejects");
        }
    }

    public static EpochVerdict accept(List<Action> actions) {
        return new EpochVerdict(true, null, actions);
    }

    public static EpochVerdict reject(Rejection why, List<Action> actions) {
        return new EpochVerdict(false, why, actions);
    }

    /** The rejection as logs print it ({@code stale_epoch}, ...), or null when accepted. */
    public String rejectReason() {
        return rejection == null ? null : rejection.text();
    }
}
