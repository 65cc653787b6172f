package org.clocksync.node.role;

/** A follower's link to its master, the {@code master} block of /status; {@code joinedSeconds} null until joined. */
public record MasterLinkStatus(String address, boolean connected, boolean joined, Long joinedSeconds,
        long connectAttempts) {
}
