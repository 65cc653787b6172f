package org.clocksync.clockctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.clocksync.node.Node;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.role.MasterRole;
import org.clocksync.protocol.HostPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clockctl query --tls-*} against a real master with mutual TLS on loopback. */
class QueryTlsTest {
    @TempDir
    Path dir;
    private X509Bundle ca;
    private Node master;
    private String address;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        ca = new CertificateBuilder().subject("CN=cluster CA").ecp256().setIsCertificateAuthority(true)
                .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign)
                .notBefore(Instant.now().minus(1, ChronoUnit.HOURS)).notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
                .buildSelfSigned();
        DaemonOptions o = new DaemonOptions();
        o.id = 5;
        o.listen = new HostPort("127.0.0.1", 0);
        o.admin = new HostPort("127.0.0.1", 0);
        o.warmupExchanges = 0;
        o.simOffsetNanos = 2_000_000_000L;
        List<Path> files = issue(ca, "master");
        o.tlsCert = files.get(0);
        o.tlsKey = files.get(1);
        o.tlsCa = files.get(2);
        assertThat(o.problem()).isNull();
        master = new Node(o, MasterRole::new).start();
        address = master.boundListen().toString();
    }

    @AfterEach
    void stop() {
        if (master != null) {
            master.close();
        }
    }

    /** Certificate, PKCS#8 key (mode 600) and CA certificate of a node named {@code name}, signed by {@code by}. */
    private List<Path> issue(X509Bundle by, String name) throws Exception {
        X509Bundle cert = new CertificateBuilder().subject("CN=" + name).ecp256()
                .setKeyUsage(true, CertificateBuilder.KeyUsage.digitalSignature)
                .addExtendedKeyUsageServerAuth().addExtendedKeyUsageClientAuth()
                .notBefore(Instant.now().minus(1, ChronoUnit.HOURS)).notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
                .buildIssuedBy(by);
        Path certPem = Files.writeString(dir.resolve(name + ".pem"), cert.getCertificatePEM());
        Path key = Files.writeString(dir.resolve(name + ".key"), cert.getPrivateKeyPEM());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path caPem = Files.writeString(dir.resolve(name + "-ca.pem"), by.getRootCertificatePEM());
        return List.of(certPem, key, caPem);
    }

    private int query(String... args) {
        List<String> all = new ArrayList<>(List.of("query", "--samples", "2"));
        all.addAll(List.of(args));
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        out.reset();
        err.reset();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return ClockCtl.run(all.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aClientWithTheClustersCertificateGetsTheTime() throws Exception {
        List<Path> f = issue(ca, "clockctl");
        assertThat(query("--json", "--tls-cert", f.get(0).toString(), "--tls-key", f.get(1).toString(),
                "--tls-ca", f.get(2).toString(), address)).as(stdout() + err).isEqualTo(0);
        JsonNode reading = ClockCtlJson.MAPPER.readTree(stdout()).get(0);
        assertThat(reading.get("chosen").asBoolean()).isTrue();
        assertThat(reading.get("offsetNanos").asLong()).isBetween(1_900_000_000L, 2_100_000_000L);
        assertThat(master.metrics().connectionsClosed("tls_handshake")).isZero();
    }

    @Test
    void withoutTlsOrWithAnotherCaNothingIsAnswered() throws Exception {
        assertThat(query(address)).isEqualTo(1);
        assertThat(stdout()).contains("unreachable (" + address + " closed the connection without answering (does it"
                + " run with --tls-*? then give clockctl --tls-cert, --tls-key and --tls-ca))");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> master.metrics().connectionsClosed("tls_handshake") == 1);

        X509Bundle other = new CertificateBuilder().subject("CN=other CA").ecp256().setIsCertificateAuthority(true)
                .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign).buildSelfSigned();
        List<Path> f = issue(other, "intruder");
        assertThat(query("--tls-cert", f.get(0).toString(), "--tls-key", f.get(1).toString(), "--tls-ca",
                f.get(2).toString(), address)).isEqualTo(1);
        String line = stdout().lines().filter(l -> l.startsWith(address)).findFirst().orElse("");
        assertThat(line).contains("unreachable (");
        System.out.println("clockctl with another CA: " + line);
    }

    @Test
    void badTlsOptionsAreOneLineAndExitCode2() throws Exception {
        List<Path> f = issue(ca, "clockctl");
        assertThat(query("--tls-cert", f.get(0).toString(), address)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("clockctl query: TLS needs all of --tls-cert, --tls-key and --tls-ca, got 1 of them\n");
        assertThat(query("--tls-cert", f.get(1).toString(), "--tls-key", f.get(0).toString(), "--tls-ca",
                f.get(2).toString(), address)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("clockctl query: cannot set up TLS from")
                .hasLineCount(1);
    }
}
