package org.clocksync.node;

import org.clocksync.node.config.DaemonOptions;
import org.clocksync.protocol.HostPort;

/** What every in-process node of the tests starts from: loopback, ports the system picks, no warm-up. */
public final class TestNodeOptions {
    private TestNodeOptions() {
    }

    /** Options for node {@code id} named {@code name} (null: the daemon's default name). */
    public static DaemonOptions loopback(int id, String name) {
        DaemonOptions o = new DaemonOptions();
        o.id = id;
        o.name = name;
        o.listen = new HostPort("127.0.0.1", 0);
        o.admin = new HostPort("127.0.0.1", 0);
        o.warmupExchanges = 0;
        return o;
    }
}
