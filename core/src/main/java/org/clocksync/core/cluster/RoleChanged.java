package org.clocksync.core.cluster;

import java.util.Objects;
import org.clocksync.core.Action;
import org.clocksync.core.Send;

/**
 * The node's cluster role changed: become coordinator (start the master role), follow {@code coordinatorId} (connect
 * to it as a slave), or stand as candidate while an election runs. Executed before any {@link Send} returned with it.
 */
public record RoleChanged(ClusterRole role, int coordinatorId, long epoch, String reason) implements Action {
    public RoleChanged {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(reason, "reason");
    }
}
