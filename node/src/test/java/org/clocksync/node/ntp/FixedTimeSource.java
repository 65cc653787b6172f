package org.clocksync.node.ntp;

import org.clocksync.core.ntp.NtpReference;
import org.clocksync.core.ntp.NtpReferences;

/** A time source for handler tests: the host clock advances 1 us per read and the service clock is 2.5 s ahead. */
final class FixedTimeSource implements NtpTimeSource {
    static final long START_NANOS = 1_767_225_600_000_000_000L;
    static final long OFFSET_NANOS = 2_500_000_000L;

    long hostNanos = START_NANOS;
    long monotonicNanos;
    NtpReference reference = NtpReferences.master(1, START_NANOS + OFFSET_NANOS - 5_000_000_000L);
    RuntimeException failure;

    @Override
    public long hostNanos() {
        hostNanos += 1_000;
        return hostNanos;
    }

    @Override
    public long monotonicNanos() {
        return monotonicNanos;
    }

    @Override
    public long serviceNanos(long hostNanos) {
        if (failure != null) {
            throw failure;
        }
        return hostNanos + OFFSET_NANOS;
    }

    @Override
    public NtpReference reference(long hostNanos) {
        return reference;
    }
}
