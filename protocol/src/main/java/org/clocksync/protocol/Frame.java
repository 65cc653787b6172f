package org.clocksync.protocol;

/**
 * One decoded frame: the header fields every message carries, and the message.
 * The daemons fill in sender, epoch and Lamport time when they send.
 */
public record Frame(int senderId, long epoch, long lamport, Message message) {
    public Frame {
        Limits.checkNodeId("senderId", senderId);
        Limits.checkNonNegative("epoch", epoch);
        Limits.checkNonNegative("lamport", lamport);
        java.util.Objects.requireNonNull(message, "message");
    }

    public MessageType type() {
        return message.type();
    }
}
