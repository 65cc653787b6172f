package org.clocksync.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Byte-array helpers for building valid and deliberately broken frames in tests. */
final class Wire {
    private Wire() {
    }

    static byte[] bytes(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A frame with the given header fields and a raw payload; the length prefix is computed. */
    static byte[] frame(int magic, int version, int typeCode, int flags, int senderId, long epoch, long lamport, byte[] payload) {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeInt(ProtocolLimits.HEADER_BYTES + payload.length);
            buf.writeShort(magic).writeByte(version).writeByte(typeCode).writeByte(flags);
            buf.writeInt(senderId).writeLong(epoch).writeLong(lamport);
            buf.writeBytes(payload);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** A well-formed header (sender 3, epoch 2, Lamport 42) around a raw payload. */
    static byte[] frame(MessageType type, byte[] payload) {
        return frame(ProtocolLimits.MAGIC, ProtocolLimits.VERSION, type.code(), 0, 3, 2, 42, payload);
    }

    /** Builds a raw payload from longs, ints, shorts and byte arrays, written big-endian in order. */
    static byte[] payload(Object... fields) {
        ByteBuf buf = Unpooled.buffer();
        try {
            for (Object field : fields) {
                if (field instanceof Long l) {
                    buf.writeLong(l);
                } else if (field instanceof Integer i) {
                    buf.writeInt(i);
                } else if (field instanceof Short s) {
                    buf.writeShort(s);
                } else if (field instanceof byte[] b) {
                    buf.writeBytes(b);
                } else {
                    throw new IllegalArgumentException("unsupported field " + field);
                }
            }
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static byte[] with(byte[] bytes, int index, int value) {
        byte[] copy = Arrays.copyOf(bytes, bytes.length);
        copy[index] = (byte) value;
        return copy;
    }

    static byte[] lengthPrefix(long lengthBytes) {
        return new byte[] {(byte) (lengthBytes >>> 24), (byte) (lengthBytes >>> 16), (byte) (lengthBytes >>> 8), (byte) lengthBytes};
    }
}
