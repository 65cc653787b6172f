package org.clocksync.core.cristian;

import java.util.Optional;

/**
 * What a client knows of a server's clock: at {@code atNanos} on the client's clock the server's clock read somewhere in
 * [{@code earliestNanos}, {@code latestNanos}]; kept as an interval so readings can be intersected (Alari and
 * Ciuffoletti) instead of each being judged alone.
 */
public record ServerTimeInterval(long atNanos, long earliestNanos, long latestNanos) {
    public ServerTimeInterval {
        if (latestNanos < earliestNanos) {
            throw new IllegalArgumentException("empty interval of server times: " + earliestNanos + " > " + latestNanos);
        }
    }

    /**
     * The server times a Cristian reading allows at its {@code receivedNanos}. The reply left the server when its clock
     * read {@code serverNanos}, at least {@code minDelay} after the request left and at least {@code minDelay} before
     * the reply arrived; the delays are real time, which the clocks measure within {@code rho}. So the server's clock now
     * reads at least {@code serverNanos + minDelay (1 - rho)} and at most
     * {@code serverNanos + rtt (1 + 2rho / (1 - rho)) - minDelay (1 - rho)}: as rho goes to 0, exactly
     * [{@code estimate - bound}, {@code estimate + bound}] of {@link CristianReading}, otherwise Cristian's (1989)
     * bound {@code rtt/2 (1 + 2rho) - minDelay} to first order.
     */
    public static ServerTimeInterval of(CristianReading reading, double maxDriftPpm) {
        double rho = maxDriftPpm / 1e6;
        long minDelayNanos = (long) Math.floor(reading.minDelayNanos() * (1 - rho));
        long latestNanos = reading.serverNanos() + reading.rttNanos() + ResyncPlanner.driftNanos(reading.rttNanos(), maxDriftPpm)
                - minDelayNanos;
        return new ServerTimeInterval(reading.receivedNanos(), reading.serverNanos() + minDelayNanos, latestNanos);
    }

    /**
     * The same knowledge at a later (or earlier) client time: moved by the time elapsed and widened on both sides by what
     * the drift bound allows over it ({@link ResyncPlanner#driftNanos}).
     */
    public ServerTimeInterval agedTo(long nowNanos, double maxDriftPpm) {
        long elapsedNanos = nowNanos - atNanos;
        long widenNanos = ResyncPlanner.driftNanos(elapsedNanos, maxDriftPpm);
        return new ServerTimeInterval(nowNanos, earliestNanos + elapsedNanos - widenNanos, latestNanos + elapsedNanos + widenNanos);
    }

    /** The server times both allow, at the same client time; empty when they contradict each other. */
    public Optional<ServerTimeInterval> intersect(ServerTimeInterval other) {
        if (other.atNanos != atNanos) {
            throw new IllegalArgumentException("intersect intervals at the same client time (age one first): " + atNanos
                    + " != " + other.atNanos);
        }
        long earliest = Math.max(earliestNanos, other.earliestNanos);
        long latest = Math.min(latestNanos, other.latestNanos);
        return earliest <= latest ? Optional.of(new ServerTimeInterval(atNanos, earliest, latest)) : Optional.empty();
    }

    public long widthNanos() {
        return latestNanos - earliestNanos;
    }

    /** The best estimate of the server's clock at {@code atNanos}: the middle (rounded down). */
    public long midpointNanos() {
        return earliestNanos + widthNanos() / 2;
    }

    /** How far the server's clock may be from {@link #midpointNanos()}: half the width, rounded up. */
    public long halfWidthNanos() {
        return widthNanos() - widthNanos() / 2;
    }

    public boolean contains(long serverNanos) {
        return serverNanos >= earliestNanos && serverNanos <= latestNanos;
    }
}
