package org.clocksync.node.config;

import org.clocksync.core.Durations;
import org.clocksync.core.cluster.DelayBounds;

/** One {@code --delay-bounds [ID=]MIN..MAX}; peer id 0 means every channel without its own entry. */
public record PeerDelayBounds(int peerId, DelayBounds bounds) {
    public static PeerDelayBounds parse(String text) {
        String hint = "'" + text + "' is not [ID=]MIN..MAX, e.g. 0ms..50ms or 3=1ms..80ms";
        int peerId = 0;
        String range = text;
        int eq = text.indexOf('=');
        if (eq >= 0) {
            try {
                peerId = Integer.parseInt(text.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(hint);
            }
            if (peerId <= 0) {
                throw new IllegalArgumentException(hint + ": the id must be positive");
            }
            range = text.substring(eq + 1);
        }
        int dots = range.indexOf("..");
        if (dots < 0) {
            throw new IllegalArgumentException(hint);
        }
        long minNanos = Durations.parseNanos(range.substring(0, dots).trim());
        long maxNanos = Durations.parseNanos(range.substring(dots + 2).trim());
        try {
            return new PeerDelayBounds(peerId, new DelayBounds(minNanos, maxNanos));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(hint + ": " + e.getMessage());
        }
    }
}
