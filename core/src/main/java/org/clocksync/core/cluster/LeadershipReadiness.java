package org.clocksync.core.cluster;

/**
 * Whether this node's clock is fit to lead. A node that has just started has a clock nobody has corrected yet, and a
 * master whose clock is off makes every line follow it; so a node made not ready becomes ready only after the cluster
 * has corrected it {@code correctionsRequired} times while it followed one coordinator. Following another coordinator
 * starts the count again: corrections from a master that is gone say nothing about agreement with the new one.
 * Once ready it stays ready until made not ready again.
 */
final class LeadershipReadiness {
    private final int correctionsRequired;
    private boolean ready = true;
    private int correctionsWhileFollowing;

    LeadershipReadiness(int correctionsRequired) {
        if (correctionsRequired < 1) {
            throw new IllegalArgumentException("corrections required must be positive, got " + correctionsRequired);
        }
        this.correctionsRequired = correctionsRequired;
    }

    boolean ready() {
        return ready;
    }

    void set(boolean ready) {
        this.ready = ready;
        correctionsWhileFollowing = 0;
    }

    /** The node began to follow a (new) coordinator. */
    void followed() {
        correctionsWhileFollowing = 0;
    }

    /** A correction was applied while following; true when it is the one that makes the node ready. */
    boolean corrected() {
        if (ready) {
            return false;
        }
        correctionsWhileFollowing++;
        if (correctionsWhileFollowing < correctionsRequired) {
            return false;
        }
        ready = true;
        return true;
    }

    /** Corrections counted towards readiness since the node last followed a coordinator (or was made not ready). */
    int correctionsWhileFollowing() {
        return correctionsWhileFollowing;
    }

    int correctionsRequired() {
        return correctionsRequired;
    }
}
