package org.clocksync.core;

import java.util.Objects;
import org.clocksync.protocol.Message;

/** Send one message to one node; the caller owns the connection and drops the message if there is none. */
public record Send(int toNodeId, Message message) implements Action {
    public Send {
        if (toNodeId <= 0) {
            throw new IllegalArgumentException("toNodeId must be a positive node id, got " + toNodeId);
        }
        Objects.requireNonNull(message, "message");
    }
}
