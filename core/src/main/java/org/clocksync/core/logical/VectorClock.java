package org.clocksync.core.logical;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.clocksync.protocol.VectorTimestamp;

/**
 * An immutable vector clock over node ids: entry i counts the events of node i that this clock knows of. A node
 * increments its own entry on every event and merges (component-wise maximum) the sender's vector on a receive, so
 * that a happened before b exactly when V(a) < V(b).
 *
 * <p>Bounded to {@value #MAX_ENTRIES} entries (the wire limit): an operation that would make more throws
 * IllegalStateException, for the owner to count and carry on without it. Zero entries are never stored, so two clocks
 * that know the same events are equal however they were built. Counters saturate at {@link Long#MAX_VALUE}.
 */
public final class VectorClock {
    /** Most entries a vector clock holds, as many as a frame may carry. */
    public static final int MAX_ENTRIES = org.clocksync.protocol.ProtocolLimits.MAX_VECTOR_ENTRIES;

    private static final VectorClock EMPTY = new VectorClock(new int[0], new long[0]);

    /** How two vector timestamps (so the events they stamp) relate. */
    public enum Order {
        /** This one happened before the other: no entry greater, at least one smaller. */
        BEFORE,
        /** The other happened before this one. */
        AFTER,
        /** Every entry equal: the same event (or two clocks that know the same events). */
        EQUAL,
        /** Neither happened before the other. */
        CONCURRENT
    }

    /** Node ids ascending; counters[i] > 0 belongs to ids[i]. */
    private final int[] ids;
    private final long[] counters;

    private VectorClock(int[] ids, long[] counters) {
        this.ids = ids;
        this.counters = counters;
    }

    public static VectorClock empty() {
        return EMPTY;
    }

    /** A clock with these entries (node id to counter); ids must be positive, counters not negative (0 is left out). */
    public static VectorClock of(Map<Integer, Long> entries) {
        SortedMap<Integer, Long> sorted = new TreeMap<>();
        for (Map.Entry<Integer, Long> e : entries.entrySet()) {
            checkId(e.getKey());
            long value = e.getValue();
            if (value < 0) {
                throw new IllegalArgumentException("vector clock counter of node " + e.getKey() + " is negative: " + value);
            }
            if (value > 0) {
                sorted.put(e.getKey(), value);
            }
        }
        if (sorted.size() > MAX_ENTRIES) {
            throw new IllegalStateException("vector clock would have " + sorted.size() + " entries, the limit is " + MAX_ENTRIES);
        }
        int[] ids = new int[sorted.size()];
        long[] counters = new long[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, Long> e : sorted.entrySet()) {
            ids[i] = e.getKey();
            counters[i] = e.getValue();
            i++;
        }
        return ids.length == 0 ? EMPTY : new VectorClock(ids, counters);
    }

    /** The clock a frame carried (the decoder has already checked its entries). */
    public static VectorClock fromWire(VectorTimestamp wire) {
        return of(wire.toMap());
    }

    /** This clock as a frame carries it. */
    public VectorTimestamp toWire() {
        return VectorTimestamp.of(ids, counters);
    }

    /** The counter of {@code nodeId}; 0 when this clock knows none of its events. */
    public long get(int nodeId) {
        int i = Arrays.binarySearch(ids, nodeId);
        return i >= 0 ? counters[i] : 0;
    }

    /** Nodes with a non-zero entry. */
    public int size() {
        return ids.length;
    }

    /** A new event of {@code nodeId}: the same clock with that node's entry one higher. */
    public VectorClock increment(int nodeId) {
        checkId(nodeId);
        int i = Arrays.binarySearch(ids, nodeId);
        if (i >= 0) {
            long[] next = counters.clone();
            if (next[i] < Long.MAX_VALUE) {
                next[i]++;
            }
            return new VectorClock(ids, next);
        }
        if (ids.length >= MAX_ENTRIES) {
            throw new IllegalStateException("vector clock already has " + MAX_ENTRIES + " entries, cannot add node " + nodeId);
        }
        int at = -i - 1;
        int[] nextIds = new int[ids.length + 1];
        long[] next = new long[ids.length + 1];
        System.arraycopy(ids, 0, nextIds, 0, at);
        System.arraycopy(counters, 0, next, 0, at);
        nextIds[at] = nodeId;
        next[at] = 1;
        System.arraycopy(ids, at, nextIds, at + 1, ids.length - at);
        System.arraycopy(counters, at, next, at + 1, ids.length - at);
        return new VectorClock(nextIds, next);
    }

    /** The component-wise maximum of the two clocks: what a receiver knows after taking in the sender's clock. */
    public VectorClock merge(VectorClock other) {
        int[] mergedIds = new int[ids.length + other.ids.length];
        long[] merged = new long[mergedIds.length];
        int a = 0;
        int b = 0;
        int n = 0;
        while (a < ids.length || b < other.ids.length) {
            int side = side(a, b, other);
            if (side < 0) {
                mergedIds[n] = ids[a];
                merged[n++] = counters[a++];
            } else if (side > 0) {
                mergedIds[n] = other.ids[b];
                merged[n++] = other.counters[b++];
            } else {
                mergedIds[n] = ids[a];
                merged[n++] = Math.max(counters[a++], other.counters[b++]);
            }
        }
        if (n > MAX_ENTRIES) {
            throw new IllegalStateException("merged vector clock would have " + n + " entries, the limit is " + MAX_ENTRIES);
        }
        return new VectorClock(Arrays.copyOf(mergedIds, n), Arrays.copyOf(merged, n));
    }

    /** How the event stamped with this clock relates to the one stamped with {@code other}. */
    public Order compare(VectorClock other) {
        boolean someLess = false;
        boolean someGreater = false;
        int a = 0;
        int b = 0;
        while (a < ids.length || b < other.ids.length) {
            int side = side(a, b, other);
            long mine = side <= 0 ? counters[a++] : 0;
            long theirs = side >= 0 ? other.counters[b++] : 0;
            someLess |= mine < theirs;
            someGreater |= mine > theirs;
        }
        if (someLess && someGreater) {
            return Order.CONCURRENT;
        }
        return someLess ? Order.BEFORE : someGreater ? Order.AFTER : Order.EQUAL;
    }

    /** Strictly before: every entry at most the other's, one smaller. */
    public boolean happenedBefore(VectorClock other) {
        return compare(other) == Order.BEFORE;
    }

    public boolean concurrentWith(VectorClock other) {
        return compare(other) == Order.CONCURRENT;
    }

    /** Every entry at most the other's (BEFORE or EQUAL). */
    public boolean lessOrEqual(VectorClock other) {
        Order order = compare(other);
        return order == Order.BEFORE || order == Order.EQUAL;
    }

    /** The entries, node id to counter, ascending; a copy. */
    public SortedMap<Integer, Long> asMap() {
        SortedMap<Integer, Long> map = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) {
            map.put(ids[i], counters[i]);
        }
        return map;
    }

    /** In a walk over both clocks' ids: -1 when only this clock has the next id, 1 when only the other, 0 when both. */
    private int side(int a, int b, VectorClock other) {
        if (b >= other.ids.length) {
            return -1;
        }
        if (a >= ids.length) {
            return 1;
        }
        return Integer.compare(ids[a], other.ids[b]);
    }

    private static void checkId(int nodeId) {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("vector clock node ids are positive, got " + nodeId);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorClock v && Arrays.equals(ids, v.ids) && Arrays.equals(counters, v.counters);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(counters);
    }

    /** {@code {1=4, 5=7}}: node id = counter. */
    @Override
    public String toString() {
        return asMap().toString();
    }
}
