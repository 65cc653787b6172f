package org.clocksync.protocol;

import java.util.ArrayList;
import java.util.List;

/** A {@link FieldSink} that only records field widths in bytes, used to size frames and to group hex dumps by field. */
final class FieldWidths implements FieldSink {
    private final List<Integer> widthsBytes = new ArrayList<>();
    private int totalBytes;

    @Override
    public void u8(int value) {
        add(1);
    }

    @Override
    public void u16(int value) {
        add(2);
    }

    @Override
    public void i32(int value) {
        add(4);
    }

    @Override
    public void i64(long value) {
        add(8);
    }

    @Override
    public void bytes(byte[] value) {
        if (value.length > 0) {
            add(value.length);
        }
    }

    private void add(int bytes) {
        widthsBytes.add(bytes);
        totalBytes += bytes;
    }

    List<Integer> widthsBytes() {
        return List.copyOf(widthsBytes);
    }

    int totalBytes() {
        return totalBytes;
    }
}
