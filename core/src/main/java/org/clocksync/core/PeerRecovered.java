package org.clocksync.core;

/** A suspected peer was heard from again. */
public record PeerRecovered(int peerId) implements Action {
}
