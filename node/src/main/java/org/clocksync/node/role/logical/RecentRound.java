package org.clocksync.node.role.logical;

import java.util.List;

/** One of the master object's recent rounds in /status: its average and the ids it left out. */
public record RecentRound(long roundId, long average, List<Integer> leftOut) {
}
