package org.clocksync.protocol;

import java.net.InetSocketAddress;

/** A HOST:PORT option value, checked when parsed so that a typo is reported before anything starts. */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    public static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected HOST:PORT, e.g. 127.0.0.1:7001");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT, e.g. 127.0.0.1:7001");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the port must be a number from 0 to 65535");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': the port must be a number from 0 to 65535");
        }
        return new HostPort(host, port);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
