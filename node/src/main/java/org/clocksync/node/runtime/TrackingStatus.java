package org.clocksync.node.runtime;

import org.clocksync.core.clock.ReachRegister;
import org.clocksync.core.clock.TrackingStats;

/**
 * The {@code tracking} block of /status: what {@code chronyc tracking} and {@code sources} users read (RMS offset,
 * frequency, skew, last round age, reach), from the node's {@link TrackingStats} and clock discipline. Null fields are
 * not known yet and are written as null.
 */
public record TrackingStatus(long rmsOffsetNanos, long rmsSamples, double frequencyPpm, Double skewPpm,
        Long lastRoundAgeMillis, long roundIntervalMillis, int reach, String reachOctal) {

    /** As of {@code hostNanos}; on the loop. */
    public static TrackingStatus of(NodeContext ctx, long hostNanos) {
        TrackingStats t = ctx.tracking;
        double skew = ctx.discipline.skewPpm();
        int reach = t.reach(hostNanos);
        return new TrackingStatus(t.rmsOffsetNanos(), t.corrections(), ctx.clock.frequencyPpm(),
                Double.isNaN(skew) ? null : skew,
                t.lastRoundAtNanos() == 0 ? null : (hostNanos - t.lastRoundAtNanos()) / 1_000_000L,
                t.roundIntervalNanos() / 1_000_000L, reach, ReachRegister.octal(reach));
    }
}
