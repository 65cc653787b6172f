package org.clocksync.protocol;

import java.util.Locale;

/** Why an inbound frame was refused; one metric label per value so operators can tell a misconfigured peer from a broken network. */
public enum RejectReason {
    /** The connection closed (peer crash, read timeout) while only part of a frame had arrived. */
    TRUNCATED("the peer closed or timed out mid-frame; if this repeats, check the network path and the peer's logs"),
    /** The length prefix exceeds the frame size limit. */
    OVERSIZE("the peer is not speaking this protocol or is broken; check what is connecting to the protocol port"),
    /** The first two header bytes are not 0xC10C. */
    BAD_MAGIC("the peer is not a clocksync daemon; check that only clocksync nodes connect to the protocol port"),
    /** The peer speaks another protocol version. */
    BAD_VERSION("run the same clocksync release on every node"),
    /** The message type code is not assigned in this protocol version. */
    UNKNOWN_TYPE("run the same clocksync release on every node"),
    /** A header field (length, flags, sender id, epoch, Lamport time) is out of range. */
    BAD_HEADER("the peer's encoder is broken or its configuration differs (authentication?); check its release and configuration"),
    /** The payload does not match the layout of its message type. */
    BAD_PAYLOAD("the peer's encoder is broken or runs another release; check its release and logs"),
    /** This node has a key, the frame is not signed (dropped; the connection closes after a few). */
    MISSING_TAG("the peer runs without --key-file; give every node the same key file, or none"),
    /** The frame is signed but this node has no key (the connection closes). */
    UNEXPECTED_TAG("the peer signs its frames; give this node the cluster's --key-file too"),
    /** The frame is signed with a key id this node does not hold (dropped). */
    UNKNOWN_KEY("the peer signs with a key this node lacks; add new keys as 'accept' everywhere before anyone signs with them (SECURITY.md)"),
    /** The HMAC tag is wrong: another key, or the bytes were changed on the way (dropped). */
    BAD_TAG("the peer holds a different key with the same id, or something on the path altered the frame; compare key files"),
    /** A signed frame whose sequence its sender already used, or used too long ago: a replay (dropped). */
    REPLAYED("someone sent a recorded frame again, or a frame arrived far behind its sender's later ones; check who connects"),
    /** A cluster frame (heartbeat, election, snapshot, Berkeley poll or correction) whose tag names no receiver (dropped). */
    MISDIRECTED("a node must bind these frames to their receiver: someone delivered another link's frame here, or the peer runs an older release");

    private final String advice;

    RejectReason(String advice) {
        this.advice = advice;
    }

    /** The label used for this reason in metrics, e.g. {@code bad_magic}. */
    public String metricLabel() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the frame is dropped and the connection kept (up to a few times), rather than the connection closed. */
    public boolean dropsFrameOnly() {
        return this == MISSING_TAG || this == UNKNOWN_KEY || this == BAD_TAG || this == REPLAYED || this == MISDIRECTED;
    }

    /** One sentence telling an operator what to look at. */
    public String advice() {
        return advice;
    }
}
