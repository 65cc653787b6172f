package org.clocksync.protocol;

/**
 * One decoded frame: the header fields every message carries, and the message.
 * The daemons fill in sender, epoch and Lamport time when they send.
 *
 * @param vector the sender's vector timestamp, or null: only a tracing node sends one (flag 0x02)
 */
public record Frame(int senderId, long epoch, long lamport, Message message, VectorTimestamp vector) {
    public Frame {
        Limits.checkNodeId("senderId", senderId);
        Limits.checkNonNegative("epoch", epoch);
        Limits.checkNonNegative("lamport", lamport);
        java.util.Objects.requireNonNull(message, "message");
    }

    /** A frame without a vector timestamp, as every node sends unless it traces. */
    public Frame(int senderId, long epoch, long lamport, Message message) {
        this(senderId, epoch, lamport, message, null);
    }

    public MessageType type() {
        return message.type();
    }

    public boolean hasVector() {
        return vector != null;
    }

    /** The same frame without its vector timestamp. */
    public Frame withoutVector() {
        return vector == null ? this : new Frame(senderId, epoch, lamport, message);
    }
}
