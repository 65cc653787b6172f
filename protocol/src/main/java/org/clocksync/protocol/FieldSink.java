package org.clocksync.protocol;

import io.netty.buffer.ByteBuf;

/** Receives a frame's fields in wire order, so one piece of layout code both fills buffers and labels the hex examples. */
interface FieldSink {
    void u8(int value);

    void u16(int value);

    void i32(int value);

    void i64(long value);

    void bytes(byte[] value);

    /** A sink that appends every field to {@code out}, big-endian. */
    static FieldSink of(ByteBuf out) {
        return new FieldSink() {
            @Override
            public void u8(int value) {
                out.writeByte(value);
            }

            @Override
            public void u16(int value) {
                out.writeShort(value);
            }

            @Override
            public void i32(int value) {
                out.writeInt(value);
            }

            @Override
            public void i64(long value) {
                out.writeLong(value);
            }

            @Override
            public void bytes(byte[] value) {
                out.writeBytes(value);
            }
        };
    }
}
