package org.clocksync.core.berkeley;

/** One member's burst of polls within a round: at most one poll outstanding, and the lowest-RTT sample kept. */
final class MemberBurst {
    /** Request ids start at 1, so 0 means no poll is outstanding. */
    private static final long NONE = 0;

    private final int memberId;
    private int pollsSent;
    private long outstandingRequestId = NONE;
    /** The id of the last poll this member answered: the round's correction echoes it (BerkeleyFollower). */
    private long lastAnsweredRequestId = NONE;
    private long outstandingT1Nanos;
    private int samples;
    private long bestOffsetNanos;
    private long bestRttNanos = Long.MAX_VALUE;
    private long bestAtNanos;
    private String lastInvalidReason = "";
    private boolean disconnected;

    MemberBurst(int memberId) {
        this.memberId = memberId;
    }

    void pollSent(long requestId, long t1Nanos) {
        assert requestId != NONE && outstandingRequestId == NONE && !disconnected;
        pollsSent++;
        outstandingRequestId = requestId;
        outstandingT1Nanos = t1Nanos;
    }

    /** Moves t1 later to when the poll really left; never earlier, so a late report cannot shrink a round trip. */
    void departed(long requestId, long t1Nanos) {
        if (awaits(requestId) && t1Nanos > outstandingT1Nanos) {
            outstandingT1Nanos = t1Nanos;
        }
    }

    boolean awaits(long requestId) {
        return !disconnected && outstandingRequestId != NONE && outstandingRequestId == requestId;
    }

    /** Marks the outstanding poll answered and returns its send time t1. */
    long answered() {
        assert outstandingRequestId != NONE;
        lastAnsweredRequestId = outstandingRequestId;
        outstandingRequestId = NONE;
        return outstandingT1Nanos;
    }

    /**
     * Keeps the sample if its RTT is the lowest so far (on a tie, the earlier one): it has the least asymmetry.
     * {@code atNanos} is when it holds, the coordinator's clock at the poll's midpoint.
     */
    void sample(long offsetNanos, long rttNanos, long atNanos) {
        assert rttNanos >= 0;
        samples++;
        if (rttNanos < bestRttNanos) {
            bestRttNanos = rttNanos;
            bestOffsetNanos = offsetNanos;
            bestAtNanos = atNanos;
        }
    }

    long lastAnsweredRequestId() {
        return lastAnsweredRequestId;
    }

    void invalid(String reason) {
        lastInvalidReason = reason;
    }

    void disconnect() {
        disconnected = true;
        outstandingRequestId = NONE;
    }

    boolean finished(int burstSize) {
        return disconnected || (pollsSent >= burstSize && outstandingRequestId == NONE);
    }

    boolean canPollAgain(int burstSize) {
        return !disconnected && outstandingRequestId == NONE && pollsSent < burstSize;
    }

    boolean hasReading() {
        return !disconnected && samples > 0;
    }

    int memberId() {
        return memberId;
    }

    int samples() {
        return samples;
    }

    long bestOffsetNanos() {
        return bestOffsetNanos;
    }

    /** The coordinator's clock when the kept sample was taken (the midpoint of its poll). */
    long bestAtNanos() {
        return bestAtNanos;
    }

    long bestRttNanos() {
        return samples == 0 ? 0 : bestRttNanos;
    }

    boolean disconnected() {
        return disconnected;
    }

    String lastInvalidReason() {
        return lastInvalidReason;
    }
}
