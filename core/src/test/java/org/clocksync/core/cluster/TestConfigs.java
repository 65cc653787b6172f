package org.clocksync.core.cluster;

/** The configuration the cluster tests' hand-computed times assume: the defaults with delays of 0..50 ms and no start-up allowance. */
final class TestConfigs {
    static final ClusterConfig FIFTY_MS = ClusterConfig.defaults().withDefaultBounds(new DelayBounds(0, 50_000_000L))
            .withStartupTimeout(0);

    private TestConfigs() {
    }
}
