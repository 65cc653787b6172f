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
    BAD_PAYLOAD("the peer's encoder is broken or runs another release; check its release and logs");

    private final String advice;

    RejectReason(String advice) {
        this.advice = advice;
    }

    /** The label used for this reason in metrics, e.g. {@code bad_magic}. */
    public String metricLabel() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One sentence telling an operator what to look at. */
    public String advice() {
        return advice;
    }
}
