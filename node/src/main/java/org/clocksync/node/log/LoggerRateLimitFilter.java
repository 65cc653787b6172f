package org.clocksync.node.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Rate-limits the warnings of one logger whose code this project does not own the call sites of (the protocol
 * module's frame decoder logs every rejected connection): at most one line per period, then one
 * {@code event=log_suppressed} line saying how many were dropped. Configured in logback.xml.
 */
public final class LoggerRateLimitFilter extends TurboFilter {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LoggerRateLimitFilter.class);

    private String loggerName;
    private long periodNanos = 5_000_000_000L;
    private final AtomicLong nextAllowedNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public void setLoggerName(String loggerName) {
        this.loggerName = loggerName;
    }

    public void setPeriodMillis(long periodMillis) {
        this.periodNanos = periodMillis * 1_000_000L;
    }

    @Override
    public void start() {
        if (loggerName == null || periodNanos <= 0) {
            addError("LoggerRateLimitFilter needs a loggerName and a positive periodMillis");
            return;
        }
        super.start();
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (!isStarted() || format == null || level == null || !level.isGreaterOrEqual(Level.WARN)
                || !loggerName.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowedNanos.compareAndSet(next, now + periodNanos)) {
            suppressed.incrementAndGet();
            return FilterReply.DENY;
        }
        long dropped = suppressed.getAndSet(0);
        if (dropped > 0) {
            LOG.warn("event=log_suppressed logger={} suppressed={} periodMillis={}", loggerName, dropped,
                    periodNanos / 1_000_000L);
        }
        return FilterReply.NEUTRAL;
    }
}
