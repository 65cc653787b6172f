package org.clocksync.core.logical;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One averaging round of the master object: the readings it averaged, who was left out and why, and the offset it
 * sent each process object (its own entry carries the correction it applied to itself).
 *
 * @param masterValueBefore the MO's corrected counter when the round started
 * @param entries           the MO first, then each PO in id order
 */
public record LogicalRound(long roundId, Trigger trigger, int fromId, long hostNanos, long masterValueBefore,
                           long median, long average, List<Entry> entries) {
    /** What started the round. */
    public enum Trigger { REPORT, REQUEST }

    /** Whether a reading counted in the average. */
    public enum Status {
        /** Within the maximum deviation of the median: averaged. */
        INCLUDED,
        /** A fresh reading further than the maximum deviation from the median: left out, still corrected. */
        EXCLUDED,
        /** Its last report was excluded, so it stays out of every average until a report of it agrees; still corrected. */
        SUSPECT,
        /** No report yet: nothing to average or correct (a request from it is answered with offset 0). */
        NO_REPORT
    }

    /**
     * @param reading the counter the MO used for it (its estimate of the PO's counter now); 0 for NO_REPORT
     * @param offset  the offset sent (for the MO: applied to itself)
     * @param reason  why it was left out; empty when included
     */
    public record Entry(int nodeId, Status status, long reading, long offset, String reason) {
        public Entry {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public LogicalRound {
        Objects.requireNonNull(trigger, "trigger");
        entries = List.copyOf(entries);
    }

    public List<Entry> leftOut() {
        return entries.stream().filter(e -> e.status() != Status.INCLUDED).toList();
    }

    public Set<Integer> leftOutIds() {
        Set<Integer> ids = new TreeSet<>();
        leftOut().forEach(e -> ids.add(e.nodeId()));
        return ids;
    }

    public int includedCount() {
        return (int) entries.stream().filter(e -> e.status() == Status.INCLUDED).count();
    }

    public Entry entry(int nodeId) {
        return entries.stream().filter(e -> e.nodeId() == nodeId).findFirst().orElse(null);
    }
}
