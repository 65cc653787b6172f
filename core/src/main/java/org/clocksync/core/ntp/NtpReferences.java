package org.clocksync.core.ntp;

import org.clocksync.protocol.ntp.NtpPacket;

/**
 * Derives what a node advertises over NTP from what its role knows, as pure functions, so the rules are written (and
 * tested) once:
 *
 * <ul>
 *   <li>The master is the cluster's reference clock: stratum as configured (1 by default), reference id {@code LOCL},
 *       root delay 0 and a root dispersion of its precision, reference time its last correction (or its start).
 *   <li>A slave is one stratum further; until its first correction it is unsynchronized (leap 3, stratum 16). Its root
 *       delay is the round trip to the master measured from Berkeley polls; its root dispersion is its precision plus
 *       {@link #DISPERSION_RATE_PPM} of the time since its last correction, RFC 5905's allowance (PHI) for a clock
 *       left to itself. Once that reaches {@link #MAX_DISPERSION_NANOS} (RFC 5905 MAXDISP, after about 12 days
 *       without a correction) it says it is unsynchronized again.
 * </ul>
 */
public final class NtpReferences {
    /** log2 of the precision advertised: 2^-20 s, about 1 us, what a Java clock read gives. */
    public static final int PRECISION_LOG2 = -20;
    /** {@link #PRECISION_LOG2} in nanoseconds, rounded up. */
    public static final long PRECISION_NANOS = 954;
    /** RFC 5905 PHI: how fast an undisciplined clock's error bound grows, 15 ppm. */
    public static final long DISPERSION_RATE_PPM = 15;
    /** RFC 5905 MAXDISP: a server whose error bound reaches 16 s is no longer a time source. */
    public static final long MAX_DISPERSION_NANOS = 16_000_000_000L;
    /** "LOCL": the master serves its own clock, which is the cluster's reference by definition. */
    public static final int MASTER_REFERENCE_ID = NtpPacket.referenceIdOf("LOCL");
    public static final int MAX_STRATUM = 15;

    private NtpReferences() {
    }

    /**
     * The master's reference.
     *
     * @param stratum            1..15
     * @param referenceTimeNanos service-clock time of its last correction, or of its start if none
     */
    public static NtpReference master(int stratum, long referenceTimeNanos) {
        checkStratum(stratum);
        return new NtpReference(NtpPacket.LEAP_NONE, stratum, MASTER_REFERENCE_ID, referenceTimeNanos, 0,
                PRECISION_NANOS);
    }

    /** The reference of a slave that has not been corrected yet: unsynchronized. */
    public static NtpReference unsynchronized() {
        return new NtpReference(NtpPacket.LEAP_UNSYNCHRONIZED, NtpPacket.STRATUM_UNSYNCHRONIZED, 0, 0, 0,
                MAX_DISPERSION_NANOS);
    }

    /**
     * A slave's reference.
     *
     * @param masterStratum          the master's stratum (the slave serves one more)
     * @param referenceId            the master's IPv4 address, or a hash of its address
     * @param lastCorrectionNanos    service-clock time of the last correction
     * @param sinceCorrectionNanos   time elapsed since then
     * @param upstreamRoundTripNanos round trip to the master, 0 if not measured
     */
    public static NtpReference slave(int masterStratum, int referenceId, long lastCorrectionNanos,
            long sinceCorrectionNanos, long upstreamRoundTripNanos) {
        checkStratum(masterStratum);
        long age = Math.max(0, sinceCorrectionNanos);
        // Below the limit age * 15 stays under 1.7e16, far from overflow.
        long dispersion = age >= MAX_DISPERSION_NANOS / DISPERSION_RATE_PPM * 1_000_000L
                ? MAX_DISPERSION_NANOS
                : PRECISION_NANOS + age * DISPERSION_RATE_PPM / 1_000_000L;
        if (dispersion >= MAX_DISPERSION_NANOS) {
            return unsynchronized();
        }
        return new NtpReference(NtpPacket.LEAP_NONE, Math.min(masterStratum + 1, MAX_STRATUM), referenceId,
                lastCorrectionNanos, Math.max(0, upstreamRoundTripNanos), dispersion);
    }

    private static void checkStratum(int stratum) {
        if (stratum < 1 || stratum > MAX_STRATUM) {
            throw new IllegalArgumentException("stratum must be 1.." + MAX_STRATUM + ", got " + stratum);
        }
    }
}
