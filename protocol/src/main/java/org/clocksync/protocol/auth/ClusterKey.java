package org.clocksync.protocol.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One cluster key from a key file: its id (carried in every signed frame), the secret, and whether this node may sign
 * with it or only accepts it (the first step of a rotation). {@link #toString} never shows the secret.
 */
public final class ClusterKey {
    public static final int MIN_ID = 1;
    public static final int MAX_ID = 255;
    /** HMAC-SHA256 keys shorter than the hash add no strength; RFC 2104 recommends at least the output length. */
    public static final int MIN_SECRET_BYTES = 32;
    public static final int MAX_SECRET_BYTES = 64;
    static final String ALGORITHM = "HmacSHA256";

    private final int id;
    private final SecretKeySpec secret;
    private final boolean signing;
    /** Mac objects are not thread-safe and cost a few microseconds to set up, so each thread keeps its own. */
    private final ThreadLocal<Mac> macs;

    public ClusterKey(int id, byte[] secret, boolean signing) {
        if (id < MIN_ID || id > MAX_ID) {
            throw new IllegalArgumentException("key id must be between " + MIN_ID + " and " + MAX_ID + ", got " + id);
        }
        if (secret.length < MIN_SECRET_BYTES || secret.length > MAX_SECRET_BYTES) {
            throw new IllegalArgumentException("key " + id + " is " + secret.length + " bytes; a cluster key must be "
                    + MIN_SECRET_BYTES + " to " + MAX_SECRET_BYTES + " bytes (" + 2 * MIN_SECRET_BYTES + " to "
                    + 2 * MAX_SECRET_BYTES + " hex digits), e.g. from 'openssl rand -hex 32'");
        }
        this.id = id;
        this.secret = new SecretKeySpec(Arrays.copyOf(secret, secret.length), ALGORITHM);
        this.signing = signing;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public int id() {
        return id;
    }

    /** False for a key listed with {@code accept}: frames signed with it are taken, this node never signs with it. */
    public boolean signing() {
        return signing;
    }

    /** This thread's Mac for this key, reset and ready for {@code update}. */
    Mac mac() {
        Mac mac = macs.get();
        mac.reset();
        return mac;
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + ALGORITHM + ": " + e.getMessage(), e);
        }
    }

    /** Whether two keys hold the same secret, compared in constant time. */
    boolean sameSecret(ClusterKey other) {
        return MessageDigest.isEqual(secret.getEncoded(), other.secret.getEncoded());
    }

    @Override
    public String toString() {
        return "key " + id + (signing ? "" : " (accept only)");
    }
}
