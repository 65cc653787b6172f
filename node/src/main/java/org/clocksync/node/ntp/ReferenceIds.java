package org.clocksync.node.ntp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The reference id a secondary server puts in its replies for its upstream (RFC 5905 section 7.3): the IPv4 address
 * itself, or the first four bytes of the MD5 of an IPv6 address, which lets clients detect a timing loop.
 */
final class ReferenceIds {
    private ReferenceIds() {
    }

    static int of(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return ByteBuffer.wrap(bytes).getInt();
        }
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("MD5").digest(bytes)).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
