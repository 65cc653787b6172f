package org.clocksync.core.berkeley;

import java.util.List;
import java.util.Optional;

/** The outcome of one Berkeley round, published for status pages, metrics and logs. */
public record RoundReport(long roundId, long startedHostNanos, long finishedHostNanos, long medianNanos, long averageNanos,
                          List<MemberResult> members) {
    public RoundReport {
        members = List.copyOf(members);
        if (finishedHostNanos < startedHostNanos) {
            throw new IllegalArgumentException("round " + roundId + " finished before it started");
        }
        for (int i = 1; i < members.size(); i++) {
            if (members.get(i - 1).nodeId() >= members.get(i).nodeId()) {
                throw new IllegalArgumentException("members must be sorted by id without duplicates");
            }
        }
    }

    /** How many readings, the coordinator's own included, went into the average. */
    public int includedCount() {
        return (int) members.stream().filter(m -> m.status() == MemberResult.Status.INCLUDED).count();
    }

    /** The members that gave no usable reading (silent, disconnected) and so got no correction this round. */
    public List<MemberResult> leftOut() {
        return members.stream().filter(m -> m.status() == MemberResult.Status.NO_REPLY).toList();
    }

    /** The members whose readings were too far from the median: corrected, but not counted in the average. */
    public List<MemberResult> excluded() {
        return members.stream().filter(m -> m.status() == MemberResult.Status.EXCLUDED).toList();
    }

    public Optional<MemberResult> member(int nodeId) {
        return members.stream().filter(m -> m.nodeId() == nodeId).findFirst();
    }
}
