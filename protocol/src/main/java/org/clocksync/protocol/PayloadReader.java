package org.clocksync.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Bounds-checked reads of one payload, so a short or malformed payload becomes a BAD_PAYLOAD naming the field, never an IndexOutOfBoundsException. */
final class PayloadReader {
    private final ByteBuf buf;
    private final MessageType type;
    private final int startIndex;
    private boolean vectorRead;

    PayloadReader(ByteBuf buf, MessageType type) {
        this.buf = buf;
        this.type = type;
        this.startIndex = buf.readerIndex();
    }

    long i64(String field) throws FrameRejectedException {
        need(Long.BYTES, field);
        return buf.readLong();
    }

    int i32(String field) throws FrameRejectedException {
        need(Integer.BYTES, field);
        return buf.readInt();
    }

    int u8(String field) throws FrameRejectedException {
        need(Byte.BYTES, field);
        return buf.readUnsignedByte();
    }

    /**
     * A u16 count of the entries that follow, at most {@code maxCount}; each entry takes at least two bytes, so a count
     * the rest of the payload cannot hold is refused here, before anything is allocated for it.
     */
    int count(String field, int maxCount) throws FrameRejectedException {
        int count = u16(field + " count");
        if (count > maxCount) {
            throw bad(field + " has " + count + " entries, the limit is " + maxCount);
        }
        if (count > buf.readableBytes() / 2) {
            throw bad(field + " count " + count + " cannot fit the " + buf.readableBytes() + " bytes left in the payload");
        }
        return count;
    }

    int u16(String field) throws FrameRejectedException {
        need(Short.BYTES, field);
        return buf.readUnsignedShort();
    }

    /** A u16 byte length then that many bytes of strictly valid UTF-8. */
    String string(String field, int maxBytes) throws FrameRejectedException {
        int lengthBytes = u16(field + " length");
        if (lengthBytes > maxBytes) {
            throw bad(field + " is " + lengthBytes + " bytes, the limit is " + maxBytes);
        }
        need(lengthBytes, field);
        try {
            String value = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buf.nioBuffer(buf.readerIndex(), lengthBytes))
                    .toString();
            buf.skipBytes(lengthBytes);
            return value;
        } catch (CharacterCodingException e) {
            throw bad(field + " is not valid UTF-8");
        }
    }

    /** A u16 count then that many i32 node ids. */
    List<Integer> ids(String field, int maxCount) throws FrameRejectedException {
        int count = u16(field + " count");
        if (count > maxCount) {
            throw bad(field + " has " + count + " ids, the limit is " + maxCount);
        }
        need(count * Integer.BYTES, field);
        List<Integer> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(buf.readInt());
        }
        return ids;
    }

    /**
     * The vector timestamp that follows the payload when flag 0x02 is set: u16 count, then count entries of i32 node
     * id and i64 counter. Every way it can be wrong is a BAD_PAYLOAD that says "vector timestamp".
     */
    VectorTimestamp vector() throws FrameRejectedException {
        if (buf.readableBytes() < Short.BYTES) {
            throw bad("flag 0x02 announces a vector timestamp after the payload, but the frame ends "
                    + (buf.isReadable() ? "inside its count" : "with the payload"));
        }
        int count = buf.readUnsignedShort();
        if (count > ProtocolLimits.MAX_VECTOR_ENTRIES) {
            throw bad("vector timestamp has " + count + " entries, the limit is " + ProtocolLimits.MAX_VECTOR_ENTRIES);
        }
        int entryBytes = Integer.BYTES + Long.BYTES;
        if (buf.readableBytes() < count * entryBytes) {
            throw bad("vector timestamp of " + count + " entries needs " + count * entryBytes + " bytes, "
                    + buf.readableBytes() + " left in the frame");
        }
        int[] ids = new int[count];
        long[] counters = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = buf.readInt();
            counters[i] = buf.readLong();
        }
        String problem = VectorTimestamp.check(ids, counters, count);
        if (problem != null) {
            throw bad(problem);
        }
        vectorRead = true;
        return VectorTimestamp.of(ids, counters);
    }

    void expectEnd() throws FrameRejectedException {
        if (buf.isReadable()) {
            throw bad(vectorRead ? buf.readableBytes() + " trailing bytes after the vector timestamp"
                    : "the payload has " + buf.readableBytes() + " trailing bytes after its last field");
        }
    }

    private void need(int bytes, String field) throws FrameRejectedException {
        if (buf.readableBytes() < bytes) {
            throw bad("the payload ends too soon: " + field + " at payload offset " + (buf.readerIndex() - startIndex)
                    + " needs " + bytes + " bytes, " + buf.readableBytes() + " left");
        }
    }

    FrameRejectedException bad(String detail) {
        return new FrameRejectedException(RejectReason.BAD_PAYLOAD, type + ": " + detail);
    }
}
