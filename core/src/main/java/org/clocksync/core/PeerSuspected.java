package org.clocksync.core;

/** This node now suspects a peer crashed: by its own heartbeat timeout, or told by a failure notice. */
public record PeerSuspected(int peerId, boolean byNotice, long silentNanos) implements Action {
}
