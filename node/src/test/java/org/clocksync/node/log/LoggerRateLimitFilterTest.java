package org.clocksync.node.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

/** A flood of one logger's warnings comes out as one line per period; other loggers and levels are untouched. */
class LoggerRateLimitFilterTest {
    @Test
    void oneWarningPerPeriodFromTheNamedLoggerOnly() {
        LoggerContext context = new LoggerContext();
        LoggerRateLimitFilter filter = new LoggerRateLimitFilter();
        filter.setContext(context);
        filter.setLoggerName("org.clocksync.protocol.FrameDecoder");
        filter.setPeriodMillis(60_000);
        filter.start();
        context.addTurboFilter(filter);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);

        Logger decoder = context.getLogger("org.clocksync.protocol.FrameDecoder");
        Logger other = context.getLogger("org.clocksync.node.role.MasterRole");
        for (int i = 0; i < 1000; i++) {
            decoder.warn("Closing connection from {}: rejected frame", i);
            other.warn("event=round round={}", i);
        }
        decoder.info("not a warning: never limited");

        assertThat(appender.list.stream().filter(e -> e.getLoggerName().endsWith("FrameDecoder")).count())
                .isEqualTo(2);
        assertThat(appender.list.stream().filter(e -> e.getLoggerName().endsWith("MasterRole")).count())
                .isEqualTo(1000);
        assertThat(filter.isStarted()).isTrue();
    }

    @Test
    void withoutALoggerNameItDoesNotStart() {
        LoggerRateLimitFilter filter = new LoggerRateLimitFilter();
        filter.setContext(new LoggerContext());
        filter.start();
        assertThat(filter.isStarted()).isFalse();
    }
}
