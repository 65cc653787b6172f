package org.clocksync.core.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Who sends heartbeats to whom. All-to-all: every node to every other. {@code ring:K}: ids in ascending order form a
 * ring and each node sends to its K successors only: a node is watched by its K successors and watches its K
 * predecessors. With at most K crashes every crashed node still has a live detector, for n*K instead of n*(n-1) heartbeats per period.
 */
public sealed interface HeartbeatTopology {
    int MAX_RING_K = 64;

    /** The nodes {@code selfId} sends heartbeats to. {@code sortedIds} holds every node, self included, ascending. */
    List<Integer> targets(int selfId, List<Integer> sortedIds);

    /** The nodes {@code selfId} expects heartbeats from, and so can detect. */
    List<Integer> sources(int selfId, List<Integer> sortedIds);

    /** Parses {@code all} or {@code ring:K}; throws with a message naming the accepted forms. */
    static HeartbeatTopology parse(String text) {
        if ("all".equals(text)) {
            return new AllToAll();
        }
        if (text != null && text.startsWith("ring:")) {
            try {
                return new Ring(Integer.parseInt(text.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("heartbeat topology must be 'all' or 'ring:K' with K between 1 and "
                + MAX_RING_K + ", got '" + text + "'");
    }

    record AllToAll() implements HeartbeatTopology {
        public List<Integer> targets(int selfId, List<Integer> sortedIds) {
            return sortedIds.stream().filter(id -> id != selfId).toList();
        }

        public List<Integer> sources(int selfId, List<Integer> sortedIds) {
            return targets(selfId, sortedIds);
        }

        @Override
        public String toString() {
            return "all";
        }
    }

    record Ring(int k) implements HeartbeatTopology {
        public Ring {
            if (k < 1 || k > MAX_RING_K) {
                throw new IllegalArgumentException("ring:K needs K between 1 and " + MAX_RING_K + ", got " + k);
            }
        }

        public List<Integer> targets(int selfId, List<Integer> sortedIds) {
            return walk(selfId, sortedIds, 1);
        }

        public List<Integer> sources(int selfId, List<Integer> sortedIds) {
            return walk(selfId, sortedIds, -1);
        }

        private List<Integer> walk(int selfId, List<Integer> sortedIds, int step) {
            int n = sortedIds.size();
            int at = sortedIds.indexOf(selfId);
            if (at < 0) {
                throw new IllegalArgumentException("node " + selfId + " is not in " + sortedIds);
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 1; i <= Math.min(k, n - 1); i++) {
                out.add(sortedIds.get(Math.floorMod(at + step * i, n)));
            }
            return out;
        }

        @Override
        public String toString() {
            return "ring:" + k;
        }
    }
}
