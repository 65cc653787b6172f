package org.clocksync.protocol.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The cluster's mutual TLS from PEM files, for the daemons and for clockctl alike: servers require a client
 * certificate, clients present theirs, both trust only the cluster's CA. Host names are not checked: peers are named by
 * id and address in --peers, and a certificate signed by the cluster's CA is what makes a member (SECURITY.md).
 */
public final class TlsContexts {
    /** The TLS versions a node speaks. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    /** A server context; throws IllegalArgumentException with one line naming the files. */
    public static SslContext server(Path cert, Path key, Path ca) {
        return build(cert, key, ca, true);
    }

    /** A client context (JDK provider, so clockctl can take its SSLContext); one-line error as {@link #server}. */
    public static SslContext client(Path cert, Path key, Path ca) {
        return build(cert, key, ca, false);
    }

    private static SslContext build(Path cert, Path key, Path ca, boolean server) {
        try {
            SslContextBuilder b = server
                    ? SslContextBuilder.forServer(cert.toFile(), key.toFile()).clientAuth(ClientAuth.REQUIRE)
                    : SslContextBuilder.forClient().keyManager(cert.toFile(), key.toFile())
                            .endpointIdentificationAlgorithm(null);
            return b.trustManager(ca.toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot set up TLS from --tls-cert " + cert + " --tls-key " + key
                    + " --tls-ca " + ca + ": " + rootMessage(e)
                    + " (PEM files: an X.509 certificate, its PKCS#8 private key, and the CA certificate)");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
    }
}
