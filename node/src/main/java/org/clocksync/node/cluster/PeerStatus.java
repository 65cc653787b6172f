package org.clocksync.node.cluster;

/** One peer in the {@code cluster} block of /status: whether it is heard, suspected, and linked. */
public record PeerStatus(int id, String address, String state, boolean monitored, Long lastHeartbeatAgeMillis,
        boolean linkConnected) {
}
