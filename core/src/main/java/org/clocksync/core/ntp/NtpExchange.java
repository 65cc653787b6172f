package org.clocksync.core.ntp;

import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpTimestamp;

/**
 * The four timestamps of one client/server exchange and the offset and delay they give (RFC 5905 section 8), so that
 * every NTP client in this project computes them the same way.
 *
 * @param t1Nanos client transmit time, client clock (origin)
 * @param t2Nanos server receive time, server clock
 * @param t3Nanos server transmit time, server clock
 * @param t4Nanos client receive time, client clock
 */
public record NtpExchange(long t1Nanos, long t2Nanos, long t3Nanos, long t4Nanos) {

    /** The exchange a server reply completes; T1 is the reply's origin timestamp, which must be what the client sent. */
    public static NtpExchange of(NtpPacket reply, long t4Nanos) {
        return new NtpExchange(NtpTimestamp.toUnixNanos(reply.originTimestamp()),
                NtpTimestamp.toUnixNanos(reply.receiveTimestamp()),
                NtpTimestamp.toUnixNanos(reply.transmitTimestamp()), t4Nanos);
    }

    /** theta = ((T2 - T1) + (T3 - T4)) / 2: the server's clock minus the client's, if the two legs took equal time. */
    public long offsetNanos() {
        return Math.floorDiv(Math.addExact(t2Nanos - t1Nanos, t3Nanos - t4Nanos), 2);
    }

    /** delta = (T4 - T1) - (T3 - T2): time on the wire; may come out slightly negative when clocks are coarse. */
    public long delayNanos() {
        return Math.subtractExact(t4Nanos - t1Nanos, t3Nanos - t2Nanos);
    }

    /** The offset, delay and time of this exchange as one sample. */
    public NtpSample sample() {
        return new NtpSample(offsetNanos(), delayNanos(), t4Nanos);
    }
}
