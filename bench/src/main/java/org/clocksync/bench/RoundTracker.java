package org.clocksync.bench;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the bench members saw, shared between the client event loop (writer) and the bench's main thread (reader).
 * A round counts as complete when every member has received its BerkeleyAdjust for it: the master sends those
 * adjusts only after it has finished the round and recorded its report, so that is the moment to read /status.
 */
final class RoundTracker {
    private final int members;
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger disconnected = new AtomicInteger();
    private final Map<Long, AtomicInteger> adjustsByRound = new ConcurrentHashMap<>();
    private final BlockingQueue<Long> completedRounds = new LinkedBlockingQueue<>();
    /** The newest round any member was polled in, and System.nanoTime() when its first poll arrived. */
    private volatile RoundStart latestStart;

    /** When the first poll of a round reached a member: the round ends within the round timeout after that. */
    record RoundStart(long roundId, long firstPollNanos) {
    }

    RoundTracker(int members) {
        this.members = members;
    }

    void joined() {
        joined.incrementAndGet();
    }

    void refused() {
        refused.incrementAndGet();
    }

    void disconnected() {
        disconnected.incrementAndGet();
    }

    /** Called for every poll, on the member event loop (one thread), so the check-then-set needs no lock. */
    void polled(long roundId) {
        RoundStart s = latestStart;
        if (s == null || roundId > s.roundId()) {
            latestStart = new RoundStart(roundId, System.nanoTime());
        }
    }

    RoundStart latestStart() {
        return latestStart;
    }

    void adjusted(long roundId) {
        int n = adjustsByRound.computeIfAbsent(roundId, r -> new AtomicInteger()).incrementAndGet();
        if (n == members) {
            adjustsByRound.remove(roundId);
            completedRounds.add(roundId);
        }
        if (adjustsByRound.size() > 64) {
            // rounds some member never got an adjust for; forget the oldest so this stays bounded
            adjustsByRound.keySet().stream().sorted().limit(32).toList().forEach(adjustsByRound::remove);
        }
    }

    int joinedCount() {
        return joined.get();
    }

    int refusedCount() {
        return refused.get();
    }

    int disconnectedCount() {
        return disconnected.get();
    }

    BlockingQueue<Long> completedRounds() {
        return completedRounds;
    }
}
