package org.clocksync.protocol;

/** Why a request failed; a two-byte code on the wire. */
public enum ErrorCode {
    BAD_REQUEST(1),
    NOT_A_MEMBER(2),
    NOT_COORDINATOR(3),
    UNSUPPORTED(4),
    OVERLOADED(5),
    INTERNAL(6);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The error code for a wire value, or null when the value is not assigned. */
    public static ErrorCode fromCode(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
