package org.clocksync.protocol;

/** Where the decoder reports each refused frame, so metrics live outside the protocol module. */
@FunctionalInterface
public interface RejectionCounter {
    /** Called exactly once per rejected connection, on that connection's event loop. */
    void rejected(RejectReason reason);
}
