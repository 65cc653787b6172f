package org.clocksync.node.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Where this process reaches one of its own listeners: the loopback address when it is bound to a wildcard. */
public final class Loopback {
    private Loopback() {
    }

    public static InetSocketAddress reach(InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        if (address == null || !address.isAnyLocalAddress()) {
            return bound;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(address instanceof Inet6Address ? "::1" : "127.0.0.1"),
                    bound.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal loopback address always resolves", e);
        }
    }
}
