package org.clocksync.protocol.ntp;

import io.netty.buffer.ByteBuf;

/**
 * Reads and writes the 48-byte NTP header; the decoder checks what a server must before answering (length, version,
 * client mode) and never throws on bad input, since every datagram is untrusted.
 */
public final class NtpCodec {
    /** Longest datagram accepted: the header plus room for a MAC or a few small extension fields. */
    public static final int MAX_PACKET_BYTES = 1024;
    /** Byte offset of the transmit timestamp, so a sender can stamp it at the last moment. */
    public static final int TRANSMIT_TIMESTAMP_OFFSET = 40;

    private NtpCodec() {
    }

    /**
     * Decodes a client request from the readable bytes of {@code datagram} without moving its reader index; the
     * bytes after the header are not read.
     */
    public static NtpDecoded decode(ByteBuf datagram) {
        int length = datagram.readableBytes();
        if (length < NtpPacket.LENGTH) {
            return NtpDecoded.rejected(NtpRejectReason.TOO_SHORT, length);
        }
        if (length > MAX_PACKET_BYTES) {
            return NtpDecoded.rejected(NtpRejectReason.TOO_LONG, length);
        }
        int i = datagram.readerIndex();
        int first = datagram.getUnsignedByte(i);
        int version = (first >>> 3) & 0x7;
        int mode = first & 0x7;
        if (version < 1 || version > NtpPacket.MAX_VERSION) {
            return NtpDecoded.rejected(NtpRejectReason.BAD_VERSION, length);
        }
        if (mode != NtpPacket.MODE_CLIENT) {
            return NtpDecoded.rejected(NtpRejectReason.WRONG_MODE, length);
        }
        return NtpDecoded.ok(read(datagram, i), length);
    }

    /** Reads a header of any mode at {@code index}; the caller has checked that 48 bytes are there. */
    static NtpPacket read(ByteBuf b, int index) {
        int first = b.getUnsignedByte(index);
        return new NtpPacket(first >>> 6, (first >>> 3) & 0x7, first & 0x7,
                b.getUnsignedByte(index + 1), b.getByte(index + 2), b.getByte(index + 3),
                b.getInt(index + 4), b.getInt(index + 8), b.getInt(index + 12),
                b.getLong(index + 16), b.getLong(index + 24), b.getLong(index + 32), b.getLong(index + 40));
    }

    /**
     * Decodes a header of any mode, as a client reads a server's reply; null when fewer than 48 bytes are readable.
     */
    public static NtpPacket decodeAnyMode(ByteBuf datagram) {
        if (datagram.readableBytes() < NtpPacket.LENGTH) {
            return null;
        }
        return read(datagram, datagram.readerIndex());
    }

    /** Writes the 48-byte header at the writer index. */
    public static void encode(NtpPacket p, ByteBuf out) {
        out.ensureWritable(NtpPacket.LENGTH);
        out.writeByte((p.leapIndicator() << 6) | (p.version() << 3) | p.mode());
        out.writeByte(p.stratum());
        out.writeByte(p.poll());
        out.writeByte(p.precision());
        out.writeInt(p.rootDelayShort());
        out.writeInt(p.rootDispersionShort());
        out.writeInt(p.referenceId());
        out.writeLong(p.referenceTimestamp());
        out.writeLong(p.originTimestamp());
        out.writeLong(p.receiveTimestamp());
        out.writeLong(p.transmitTimestamp());
    }

    /** Overwrites the transmit timestamp of a header that starts at {@code headerIndex}. */
    public static void setTransmitTimestamp(ByteBuf buf, int headerIndex, long timestamp) {
        buf.setLong(headerIndex + TRANSMIT_TIMESTAMP_OFFSET, timestamp);
    }
}
