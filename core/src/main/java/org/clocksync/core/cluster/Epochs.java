package org.clocksync.core.cluster;

/**
 * Epoch numbering. Epoch {@link #INITIAL} is the reign of the configured master (the node started as master). An
 * elected epoch is {@code term * STRIDE + coordinatorId}: the epoch itself names the only node that may act as master
 * in it, so two partitions that elect at once can never claim the same epoch (the ballot-number trick of Paxos), and a
 * node that sees a higher epoch knows whom to follow without another message. Read in decimal: epoch 300004 is the
 * third election, won by node 4.
 */
public final class Epochs {
    public static final long INITIAL = 1;
    public static final long STRIDE = 100_000;
    /** Node ids must fit below {@link #STRIDE}. */
    public static final int MAX_NODE_ID = 65_535;
    /** Terms are bounded so that an epoch never overflows a long. */
    public static final long MAX_TERM = Long.MAX_VALUE / STRIDE - 1;

    private Epochs() {
    }

    public static long elected(long term, int coordinatorId) {
        checkNodeId(coordinatorId);
        if (term < 1 || term > MAX_TERM) {
            throw new IllegalArgumentException("term must be between 1 and " + MAX_TERM + ", got " + term);
        }
        return term * STRIDE + coordinatorId;
    }

    /** 0 for the initial epoch, else the number of the election that made it. */
    public static long term(long epoch) {
        return epoch / STRIDE;
    }

    /** The node that is master in an elected epoch; 0 for the initial epoch (the configured master, id not implied). */
    public static int coordinatorOf(long epoch) {
        return epoch >= STRIDE ? (int) (epoch % STRIDE) : 0;
    }

    /** The epoch {@code selfId} claims when it wins an election, having seen at most {@code highestSeenEpoch}. */
    public static long next(long highestSeenEpoch, int selfId) {
        return elected(Math.min(term(highestSeenEpoch) + 1, MAX_TERM), selfId);
    }

    public static void checkNodeId(int id) {
        if (id < 1 || id > MAX_NODE_ID) {
            throw new IllegalArgumentException("node ids must be between 1 and " + MAX_NODE_ID + ", got " + id);
        }
    }
}
