package org.clocksync.protocol;

/** Every message type of the suite, with its one-byte code on the wire (PROTOCOL.md lists the layouts). */
public enum MessageType {
    HELLO(1),
    WELCOME(2),
    BERKELEY_POLL(3),
    BERKELEY_REPLY(4),
    BERKELEY_ADJUST(5),
    CRISTIAN_REQUEST(6),
    CRISTIAN_RESPONSE(7),
    HEARTBEAT(8),
    FAILURE_NOTICE(9),
    BULLY_ELECTION(10),
    BULLY_ANSWER(11),
    BULLY_COORDINATOR(12),
    RING_ELECTION(13),
    RING_COORDINATOR(14),
    SNAPSHOT_MARKER(15),
    SNAPSHOT_STATE(16),
    ERROR(17),
    LOGICAL_REPORT(18),
    LOGICAL_CORRECTION_REQUEST(19),
    LOGICAL_OFFSET(20);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a wire code, or null when the code is not assigned. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
