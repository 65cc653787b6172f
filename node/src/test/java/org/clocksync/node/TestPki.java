package org.clocksync.node;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.clocksync.node.config.DaemonOptions;

/** A certificate authority made at test time, and node certificates it signs, as PEM files in a test directory. */
public final class TestPki {
    private final X509Bundle ca;
    private final Path dir;
    private final String name;

    /** The PEM files a node needs: its certificate, its PKCS#8 key (mode 600) and the CA it trusts. */
    public record NodeFiles(Path cert, Path key, Path ca) {
        /** Puts these files into {@code options} as --tls-cert, --tls-key and --tls-ca. */
        public DaemonOptions applyTo(DaemonOptions options) {
            options.tlsCert = cert;
            options.tlsKey = key;
            options.tlsCa = ca;
            return options;
        }
    }

    private TestPki(X509Bundle ca, Path dir, String name) {
        this.ca = ca;
        this.dir = dir;
        this.name = name;
    }

    /** A new CA named {@code name}; its certificate is written to {@code dir/name-ca.pem}. */
    public static TestPki ca(Path dir, String name) throws Exception {
        X509Bundle ca = new CertificateBuilder()
                .subject("CN=" + name + " CA")
                .notBefore(Instant.now().minus(1, ChronoUnit.HOURS))
                .notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
                .ecp256()
                .setIsCertificateAuthority(true)
                .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign, CertificateBuilder.KeyUsage.cRLSign)
                .buildSelfSigned();
        write(dir.resolve(name + "-ca.pem"), ca.getCertificatePEM(), false);
        return new TestPki(ca, dir, name);
    }

    public Path caPem() {
        return dir.resolve(name + "-ca.pem");
    }

    /** A certificate for node {@code node}, signed by this CA, usable as TLS server and client; trusts this CA. */
    public NodeFiles issue(String node) throws Exception {
        X509Bundle cert = new CertificateBuilder()
                .subject("CN=" + node)
                .notBefore(Instant.now().minus(1, ChronoUnit.HOURS))
                .notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
                .ecp256()
                .setKeyUsage(true, CertificateBuilder.KeyUsage.digitalSignature)
                .addExtendedKeyUsageServerAuth()
                .addExtendedKeyUsageClientAuth()
                .buildIssuedBy(ca);
        Path certPem = write(dir.resolve(name + "-" + node + ".pem"), cert.getCertificatePEM(), false);
        Path keyPem = write(dir.resolve(name + "-" + node + ".key"), cert.getPrivateKeyPEM(), true);
        return new NodeFiles(certPem, keyPem, caPem());
    }

    private static Path write(Path file, String pem, boolean secret) throws IOException {
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        if (secret) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }
}
