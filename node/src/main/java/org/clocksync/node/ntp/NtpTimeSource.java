package org.clocksync.node.ntp;

import org.clocksync.core.ntp.NtpReference;

/** The clocks and state the NTP handler reads, behind an interface so tests can drive the handler with fixed times. */
public interface NtpTimeSource {
    /** The host's UTC clock in Unix nanoseconds, read once per event. */
    long hostNanos();

    /** A monotonic clock for rate limiting, which a host clock step must not disturb. */
    long monotonicNanos();

    /** The service clock (what this node serves) at {@code hostNanos}. */
    long serviceNanos(long hostNanos);

    /** Stratum, reference id, root delay and dispersion as of {@code hostNanos}. */
    NtpReference reference(long hostNanos);
}
