package org.clocksync.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** A thread-safe in-memory {@link RejectionCounter}, shared by every connection's decoder and read by metrics and tests. */
public final class RejectionCounters implements RejectionCounter {
    private final Map<RejectReason, LongAdder> counts = new EnumMap<>(RejectReason.class);

    public RejectionCounters() {
        for (RejectReason reason : RejectReason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    @Override
    public void rejected(RejectReason reason) {
        counts.get(reason).increment();
    }

    public long count(RejectReason reason) {
        return counts.get(reason).sum();
    }

    public long total() {
        long total = 0;
        for (LongAdder adder : counts.values()) {
            total += adder.sum();
        }
        return total;
    }

    /** Every reason with its count (zeros included), in declaration order; a copy, not a live view. */
    public Map<RejectReason, Long> snapshot() {
        Map<RejectReason, Long> copy = new EnumMap<>(RejectReason.class);
        counts.forEach((reason, adder) -> copy.put(reason, adder.sum()));
        return Collections.unmodifiableMap(copy);
    }

    @Override
    public String toString() {
        return "RejectionCounters" + snapshot();
    }
}
