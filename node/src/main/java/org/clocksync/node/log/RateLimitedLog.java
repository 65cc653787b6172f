package org.clocksync.node.log;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/** Logs at most one line per period and says how many were suppressed, so a flood cannot fill the disk. */
public final class RateLimitedLog {
    private final Logger log;
    private final long periodNanos;
    private final AtomicLong nextAllowedNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, long periodNanos) {
        this.log = log;
        this.periodNanos = periodNanos;
    }

    public void warn(String format, Object... args) {
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        if (next != Long.MIN_VALUE && now - next < 0) {
            suppressed.incrementAndGet();
            return;
        }
        if (!nextAllowedNanos.compareAndSet(next, now + periodNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long dropped = suppressed.getAndSet(0);
        log.warn(dropped > 0 ? format + " suppressed=" + dropped : format, args);
    }
}
