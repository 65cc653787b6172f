package org.clocksync.node.role;

import io.netty.channel.Channel;
import org.clocksync.protocol.Frame;

/** A node's behaviour (master or slave); called only on the node's event loop. */
public interface Role {
    /** Whether this role leads or follows; behaviour branches on this, never on the name. */
    RoleKind kind();

    /** MASTER or SLAVE, as /status reports it. */
    default String name() {
        return kind().name();
    }

    int coordinatorId();

    void start();

    void stop();

    /** A decoded frame from an inbound or outbound connection; {@code hostNanos} was read on arrival. */
    void onFrame(Channel channel, Frame frame, long hostNanos);

    /** A protocol connection (either direction) closed. */
    void onChannelClosed(Channel channel);

    /** The last Berkeley round this node ran or followed, for snapshots; 0 if none. */
    default long lastRoundId() {
        return 0;
    }

    /**
     * What this role adds to /status. Only reads: building the status must not advance a state machine or send,
     * or reading /status would change what it reports.
     */
    RoleStatus status(long hostNanos);
}
