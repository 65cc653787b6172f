package org.clocksync.protocol;

import java.util.Objects;

/**
 * An inbound frame broke the wire format; checked so every caller of {@link FrameCodec#decodeBody} must decide what
 * to do with a bad peer. It carries no stack trace: it describes the peer's bytes, not our code, and a hostile peer
 * must not be able to make us pay for stack walks.
 */
public final class FrameRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    public FrameRejectedException(RejectReason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RejectReason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "FrameRejectedException[" + reason.metricLabel() + "]: " + getMessage();
    }
}
