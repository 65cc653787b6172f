package org.clocksync.core.cluster;

import java.util.List;
import org.clocksync.core.Action;

/** Whether a frame's epoch lets it through, and what the node must do about the epoch it carried. */
public record EpochVerdict(boolean accepted, String rejectReason, List<Action> actions) {
    public EpochVerdict {
        actions = List.copyOf(actions);
    }

    public static EpochVerdict accept(List<Action> actions) {
        return new EpochVerdict(true, null, actions);
    }

    public static EpochVerdict reject(String reason, List<Action> actions) {
        return new EpochVerdict(false, reason, actions);
    }
}
