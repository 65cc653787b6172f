package org.clocksync.node.admin;

/** A peer given with --peers, in the top-level {@code peers} list of /status. */
public record ListedPeer(int id, String address) {
}
