package org.clocksync.core.cluster;

/**
 * What a node knows of one peer, for /status and the simulator.
 *
 * @param monitored     whether this node expects heartbeats from the peer (always with all-to-all; its K
 *                      predecessors with ring:K)
 * @param suspected     suspected crashed, by this node's own timeout or by a failure notice
 * @param lastHeardNanos host time of the last heartbeat from it; 0 if never
 */
public record PeerView(int id, boolean monitored, boolean suspected, long lastHeardNanos) {
}
