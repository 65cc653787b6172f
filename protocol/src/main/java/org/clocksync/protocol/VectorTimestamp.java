package org.clocksync.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A vector timestamp as it travels after the payload when flag bit 1 (0x02) is set: node ids strictly ascending, each
 * positive, each with a counter that is not negative, at most {@value ProtocolLimits#MAX_VECTOR_ENTRIES} entries.
 * Immutable; equal when the entries are equal, so frames that carry one still compare by value.
 */
public final class VectorTimestamp {
    private static final VectorTimestamp EMPTY = new VectorTimestamp(new int[0], new long[0]);

    private final int[] nodeIds;
    private final long[] counters;

    private VectorTimestamp(int[] nodeIds, long[] counters) {
        this.nodeIds = nodeIds;
        this.counters = counters;
    }

    public static VectorTimestamp empty() {
        return EMPTY;
    }

    /** Copies and checks the entries; throws IllegalArgumentException naming the first one that breaks a rule. */
    public static VectorTimestamp of(int[] nodeIds, long[] counters) {
        if (nodeIds.length != counters.length) {
            throw new IllegalArgumentException("vector timestamp has " + nodeIds.length + " node ids but "
                    + counters.length + " counters");
        }
        String problem = check(nodeIds, counters, nodeIds.length);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return nodeIds.length == 0 ? EMPTY : new VectorTimestamp(nodeIds.clone(), counters.clone());
    }

    /** The entries of {@code byNodeId} (sorted by id), checked as {@link #of(int[], long[])} does. */
    public static VectorTimestamp of(Map<Integer, Long> byNodeId) {
        SortedMap<Integer, Long> sorted = new TreeMap<>(byNodeId);
        int[] ids = new int[sorted.size()];
        long[] values = new long[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, Long> e : sorted.entrySet()) {
            ids[i] = e.getKey();
            values[i] = e.getValue();
            i++;
        }
        return of(ids, values);
    }

    /**
     * The first rule the first {@code count} entries break, or null: the decoder and the constructor share it so
     * that what can be built can be sent and what is received could have been built.
     */
    static String check(int[] nodeIds, long[] counters, int count) {
        if (count > ProtocolLimits.MAX_VECTOR_ENTRIES) {
            return "vector timestamp has " + count + " entries, the limit is " + ProtocolLimits.MAX_VECTOR_ENTRIES;
        }
        for (int i = 0; i < count; i++) {
            if (nodeIds[i] <= 0) {
                return "vector timestamp entry " + i + " names node " + nodeIds[i] + ", node ids are positive";
            }
            if (i > 0 && nodeIds[i] <= nodeIds[i - 1]) {
                return "vector timestamp node ids are not strictly ascending: " + nodeIds[i] + " after "
                        + nodeIds[i - 1];
            }
            if (counters[i] < 0) {
                return "vector timestamp counter " + counters[i] + " of node " + nodeIds[i] + " is negative";
            }
        }
        return null;
    }

    public int size() {
        return nodeIds.length;
    }

    public int nodeId(int index) {
        return nodeIds[index];
    }

    public long counter(int index) {
        return counters[index];
    }

    /** The counter of {@code nodeId}, 0 when it has no entry. */
    public long counterOf(int nodeId) {
        int i = Arrays.binarySearch(nodeIds, nodeId);
        return i >= 0 ? counters[i] : 0;
    }

    /** Bytes this vector takes on the wire: a u16 count, then 12 bytes per entry. */
    public int encodedBytes() {
        return Short.BYTES + nodeIds.length * (Integer.BYTES + Long.BYTES);
    }

    /** The entries as a sorted map, a copy. */
    public SortedMap<Integer, Long> toMap() {
        SortedMap<Integer, Long> map = new TreeMap<>();
        for (int i = 0; i < nodeIds.length; i++) {
            map.put(nodeIds[i], counters[i]);
        }
        return map;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorTimestamp v && Arrays.equals(nodeIds, v.nodeIds) && Arrays.equals(counters, v.counters);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(nodeIds) + Arrays.hashCode(counters);
    }

    /** {@code {1=4, 5=7}}: node id = counter. */
    @Override
    public String toString() {
        return toMap().toString();
    }
}
