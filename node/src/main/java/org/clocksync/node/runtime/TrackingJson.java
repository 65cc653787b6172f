package org.clocksync.node.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.clocksync.core.clock.ReachRegister;
import org.clocksync.core.clock.TrackingStats;

/**
 * The {@code tracking} block of /status: what {@code chronyc tracking} and {@code sources} users read (RMS offset,
 * frequency, skew, last round age, reach), from the node's {@link TrackingStats} and clock discipline. On the loop.
 */
public final class TrackingJson {
    private TrackingJson() {
    }

    public static Map<String, Object> of(NodeContext ctx, long hostNanos) {
        TrackingStats t = ctx.tracking;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rmsOffsetNanos", t.rmsOffsetNanos());
        m.put("rmsSamples", t.corrections());
        m.put("frequencyPpm", ctx.clock.frequencyPpm());
        double skew = ctx.discipline.skewPpm();
        m.put("skewPpm", Double.isNaN(skew) ? null : skew);
        m.put("lastRoundAgeMillis", t.lastRoundAtNanos() == 0 ? null
                : (hostNanos - t.lastRoundAtNanos()) / 1_000_000L);
        m.put("roundIntervalMillis", t.roundIntervalNanos() / 1_000_000L);
        int reach = t.reach(hostNanos);
        m.put("reach", reach);
        m.put("reachOctal", ReachRegister.octal(reach));
        return m;
    }
}
