package org.clocksync.node.role;

import io.netty.channel.Channel;
import java.util.Map;
import org.clocksync.protocol.Frame;

/** A node's behaviour (master or slave); called only on the node's event loop. */
public interface Role {
    /** MASTER, SLAVE or CANDIDATE, as /status reports it. */
    String name();

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

    /** Fields this role adds to /status. */
    void describe(Map<String, Object> status, long hostNanos);
}
