package org.clocksync.protocol;

/** Where the decoder reports each refused frame, so metrics live outside the protocol module. */
@FunctionalInterface
public interface RejectionCounter {
    /** Called once per refused frame (a malformed frame also ends its connection), on the connection's event loop. */
    void rejected(RejectReason reason);
}
