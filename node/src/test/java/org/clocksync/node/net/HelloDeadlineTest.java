package org.clocksync.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.clocksync.node.metrics.DaemonMetrics;
import org.junit.jupiter.api.Test;

/** The first whole frame must arrive within --hello-timeout of connecting, however the bytes trickle in. */
class HelloDeadlineTest {
    private static final long TIMEOUT_NANOS = 2_000_000_000L;

    @Test
    void aConnectionWithoutAWholeFrameIsClosedAtTheDeadlineAndCounted() {
        DaemonMetrics metrics = new DaemonMetrics(1, "n1");
        EmbeddedChannel channel = new EmbeddedChannel(new HelloDeadline(TIMEOUT_NANOS, metrics));
        channel.freezeTime();
        channel.advanceTimeBy(TIMEOUT_NANOS - 100_000_000L, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isTrue();
        channel.advanceTimeBy(100_000_000L, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse();
        assertThat(metrics.scrape()).containsPattern("clocksync_connections_closed_total\\{[^}]*why=\"hello_timeout\""
                + "[^}]*} 1\\.0");
    }

    @Test
    void theFirstFrameMeetsTheDeadlineAndPassesOn() {
        DaemonMetrics metrics = new DaemonMetrics(1, "n1");
        HelloDeadline deadline = new HelloDeadline(TIMEOUT_NANOS, metrics);
        EmbeddedChannel channel = new EmbeddedChannel(deadline);
        channel.freezeTime();
        channel.writeInbound("a frame");
        assertThat((Object) channel.readInbound()).isEqualTo("a frame");
        assertThat(channel.pipeline().get(HelloDeadline.class)).isNull();
        channel.advanceTimeBy(10 * TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isTrue();
        assertThat(metrics.scrape()).doesNotContain("hello_timeout");
        channel.finishAndReleaseAll();
    }
}
