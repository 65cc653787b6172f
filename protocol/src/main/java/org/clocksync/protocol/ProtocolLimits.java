package org.clocksync.protocol;

/** Every size limit of the wire format in one place. */
public final class ProtocolLimits {
    /** Bytes of the length prefix that precedes every frame; its value counts only the bytes after it. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Bytes after the length field that every frame has: magic, version, type, flags, sender, epoch, Lamport. */
    public static final int HEADER_BYTES = 25;
    /** Largest value the length field may hold; anything larger is rejected as soon as the length is read. */
    public static final int MAX_FRAME_BYTES = 16 * 1024;
    public static final int MAX_NAME_BYTES = 64;
    public static final int MAX_ERROR_TEXT_BYTES = 256;
    /** The whole SNAPSHOT_STATE payload, so a part always fits one frame with room for the header and a trailer. */
    public static final int MAX_SNAPSHOT_STATE_BYTES = 12 * 1024;
    /** Incoming channels in one SNAPSHOT_STATE, and ids in its pending list. */
    public static final int MAX_SNAPSHOT_CHANNELS = 64;
    /** Messages one channel of a SNAPSHOT_STATE keeps. */
    public static final int MAX_SNAPSHOT_CHANNEL_MESSAGES = 1000;
    public static final int MAX_SNAPSHOT_MESSAGE_BYTES = 512;
    public static final int MAX_SNAPSHOT_ROLE_BYTES = 128;
    public static final int MAX_SNAPSHOT_EXTRA_ENTRIES = 8;
    public static final int MAX_SNAPSHOT_EXTRA_KEY_BYTES = 32;
    public static final int MAX_SNAPSHOT_EXTRA_VALUE_BYTES = 256;
    public static final int MAX_SNAPSHOT_REFUSAL_BYTES = 1024;
    public static final int MAX_IDS = 1024;
    /** Entries of a vector timestamp (flag 0x02); one per node the sender has heard of. */
    public static final int MAX_VECTOR_ENTRIES = 1024;

    public static final int MAGIC = 0xC10C;
    public static final int VERSION = 1;

    private ProtocolLimits() {
    }
}
