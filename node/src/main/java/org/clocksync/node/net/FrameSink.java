package org.clocksync.node.net;

import io.netty.channel.Channel;
import org.clocksync.protocol.Frame;

/** Where the protocol pipelines deliver: every decoded frame, and every connection that closed. */
public interface FrameSink {
    /** A decoded frame; {@code hostNanos} was read on arrival. */
    void onFrame(Channel channel, Frame frame, long hostNanos);

    /** A protocol connection (either direction) closed. */
    void onChannelClosed(Channel channel);
}
