package org.clocksync.core.ntp;

import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpShort;
import org.clocksync.protocol.ntp.NtpTimestamp;

/**
 * Builds the server's reply to a client request (RFC 5905 mode 4) from the request, the server's reference and the
 * time it arrived; a pure function, so what every field holds is decided in one place and tested without a socket.
 */
public final class NtpResponder {
    private NtpResponder() {
    }

    /**
     * The reply, with its transmit timestamp set to the receive time; the sender overwrites it with the clock read
     * just before sending.
     *
     * @param request            a client request (mode 3), version 1..4
     * @param reference          what the server says about its synchronization
     * @param receiveServiceNanos the server's service clock when the request arrived (Unix nanoseconds)
     */
    public static NtpPacket reply(NtpPacket request, NtpReference reference, long receiveServiceNanos) {
        if (request.mode() != NtpPacket.MODE_CLIENT) {
            throw new IllegalArgumentException("only client requests (mode 3) are answered, got mode " + request.mode());
        }
        long receive = NtpTimestamp.fromUnixNanos(receiveServiceNanos);
        boolean synced = reference.synchronizedClock();
        long referenceTimestamp = synced && reference.referenceTimeNanos() != 0
                ? NtpTimestamp.fromUnixNanos(Math.min(reference.referenceTimeNanos(), receiveServiceNanos))
                : NtpTimestamp.ZERO;
        return new NtpPacket(reference.leapIndicator(), request.version(), NtpPacket.MODE_SERVER,
                reference.stratum(), request.poll(), NtpReferences.PRECISION_LOG2,
                NtpShort.fromNanos(reference.rootDelayNanos()), NtpShort.fromNanos(reference.rootDispersionNanos()),
                synced ? reference.referenceId() : 0, referenceTimestamp, request.transmitTimestamp(), receive,
                receive);
    }
}
