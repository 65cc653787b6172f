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

    void expectEnd() throws FrameRejectedException {
        if (buf.isReadable()) {
            throw bad("the payload has " + buf.readableBytes() + " trailing bytes after its last field");
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
