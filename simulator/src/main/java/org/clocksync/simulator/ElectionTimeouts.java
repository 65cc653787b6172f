package org.clocksync.simulator;

import org.clocksync.core.cluster.ClusterConfig;

/**
 * The election timeouts {@code ClusterMembership} gives its electors, restated here because the electors keep them
 * package-private; {@code ClusterSimTest} checks them against the real nodes' behaviour, so a change there fails it.
 */
public final class ElectionTimeouts {
    private ElectionTimeouts() {
    }

    /** BullyElector.answerTimeoutNanos: election and answer each take at most max, plus two ticks. */
    public static long bullyAnswerNanos(ClusterConfig config, long maxDelayNanos) {
        return 2 * maxDelayNanos + 2 * config.tickNanos();
    }

    /** BullyElector.coordinatorTimeoutNanos: three answer waits plus a heartbeat period. */
    public static long bullyCoordinatorNanos(ClusterConfig config, long answerTimeoutNanos) {
        return 3 * answerTimeoutNanos + config.heartbeatPeriodNanos();
    }

    /** RingElector.timeoutNanos: n + 1 hops of max + tick, doubled for the announcement's trip. */
    public static long ringNanos(ClusterConfig config, int nodeCount, long maxDelayNanos) {
        return (nodeCount + 1L) * (maxDelayNanos + config.tickNanos()) * 2;
    }
}
