package org.clocksync.protocol.ntp;

/**
 * What {@link NtpCodec#decode} made of a datagram: a packet, or the reason it was refused (exactly one is set), so
 * that a flood of junk costs no exception per packet.
 */
public record NtpDecoded(NtpPacket packet, NtpRejectReason reject, int length) {
    public NtpDecoded {
        if ((packet == null) == (reject == null)) {
            throw new IllegalArgumentException("exactly one of packet and reject must be set");
        }
    }

    static NtpDecoded ok(NtpPacket packet, int length) {
        return new NtpDecoded(packet, null, length);
    }

    static NtpDecoded rejected(NtpRejectReason reason, int length) {
        return new NtpDecoded(null, reason, length);
    }

    public boolean isPacket() {
        return packet != null;
    }
}
