package org.clocksync.protocol;

/**
 * Fired down the pipeline (a user event) when {@link FrameDecoder} drops the first unauthenticated frame of a
 * connection, so the node can tell the peer once why it gets no answers.
 */
public record AuthenticationFailed(RejectReason reason) {
}
