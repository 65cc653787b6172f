package org.clocksync.node.role;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A Berkeley slave's {@code master} block: the link's fields, then what the slave did with the corrections. */
public record FollowedMasterStatus(@JsonUnwrapped MasterLinkStatus link, long correctionsApplied,
        long rejectedCorrections) {
}
