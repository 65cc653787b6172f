package org.clocksync.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.role.MasterRole;
import org.clocksync.node.role.SlaveRole;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nodes on loopback with --tls-*: members with a certificate of the cluster's CA join and are corrected; a
 * certificate of another CA and a plain client are refused and counted, and nothing else is disturbed.
 */
class TlsNodeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestPki cluster;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void makeCa() throws Exception {
        cluster = TestPki.ca(dir, "cluster");
    }

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private static DaemonOptions options(int id) {
        DaemonOptions o = TestNodeOptions.loopback(id, "node" + id);
        o.intervalNanos = 200_000_000L;
        o.roundTimeoutNanos = 100_000_000L;
        return o;
    }

    private Node master(DaemonOptions o) {
        assertThat(o.problem()).isNull();
        Node n = new Node(o, MasterRole::new).start();
        nodes.add(n);
        return n;
    }

    private Node slave(DaemonOptions o, Node master) {
        o.master = master.boundListen();
        assertThat(o.problem()).isNull();
        Node n = new Node(o, SlaveRole::new).start();
        nodes.add(n);
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Node node, String name) throws Exception {
        return (Map<String, Object>) StatusDocument.read(node).get(name);
    }

    private static long tlsFailures(Node node) {
        return node.metrics().connectionsClosed("tls_handshake");
    }

    private static long corrections(Node slave) throws Exception {
        return ((Number) section(slave, "master").get("correctionsApplied")).longValue();
    }

    private static boolean joined(Node slave) throws Exception {
        return Boolean.TRUE.equals(section(slave, "master").get("joined"));
    }

    @Test
    void aMemberWithTheClustersCertificateJoinsAndIsCorrected() throws Exception {
        DaemonOptions mo = cluster.issue("master").applyTo(options(10));
        mo.warmupExchanges = 200; // the warm-up connects to the node itself, through TLS too
        Node master = master(mo);
        assertThat(master.metrics().framesReceived.count()).as("warm-up requests over TLS").isGreaterThan(0);
        assertThat(tlsFailures(master)).isZero();

        long started = System.nanoTime();
        Node slave = slave(cluster.issue("slave").applyTo(options(1)), master);
        await().atMost(WAIT).until(() -> joined(slave));
        long joinMillis = (System.nanoTime() - started) / 1_000_000;
        await().atMost(WAIT).until(() -> corrections(slave) >= 2);
        System.out.printf("TLS: slave joined %d ms after start, 2 corrections after %d ms%n", joinMillis,
                (System.nanoTime() - started) / 1_000_000);

        assertThat(section(master, "security")).containsEntry("tls", true).containsEntry("tlsHandshakesFailed", 0L);
        assertThat(section(slave, "security")).containsEntry("tls", true).containsEntry("authenticated", false);
        assertThat(tlsFailures(slave)).isZero();
        assertThat(master.metrics().scrape()).doesNotContain("why=\"tls_handshake\"");
    }

    @Test
    void aMemberWithACertificateOfAnotherCaNeverJoins() throws Exception {
        Node master = master(cluster.issue("master").applyTo(options(10)));
        TestPki outsider = TestPki.ca(dir, "outsider");
        // It even trusts the cluster's CA, so the master's check is what keeps it out (the JDK client, told which
        // CAs the master takes, offers no certificate at all: "Empty client certificate chain").
        DaemonOptions ro = outsider.issue("rogue").applyTo(options(2));
        ro.tlsCa = cluster.caPem();
        Node rogue = slave(ro, master);

        await().atMost(WAIT).until(() -> tlsFailures(master) >= 2);
        System.out.printf("TLS: master refused the outsider's handshake %d times, the outsider counted %d%n",
                tlsFailures(master), tlsFailures(rogue));
        assertThat(joined(rogue)).isFalse();
        assertThat(corrections(rogue)).isZero();
        assertThat((List<?>) StatusDocument.read(master).get("members")).isEmpty();
        assertThat(section(master, "security")).containsEntry("tlsHandshakesFailed", tlsFailures(master));
        assertThat(master.metrics().scrape()).contains("why=\"tls_handshake\"");

        // An outsider that trusts only its own CA refuses the master first; the master counts that as well.
        long before = tlsFailures(master);
        Node stranger = slave(outsider.issue("stranger").applyTo(options(3)), master);
        await().atMost(WAIT).until(() -> tlsFailures(master) > before && tlsFailures(stranger) > 0);
        assertThat(joined(stranger)).isFalse();
    }

    @Test
    void aPlainClientIsRefusedAndTheClusterCarriesOn() throws Exception {
        Node master = master(cluster.issue("master").applyTo(options(10)));
        Node slave = slave(cluster.issue("slave").applyTo(options(1)), master);
        await().atMost(WAIT).until(() -> joined(slave));

        HostPort at = master.boundListen();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(at.host(), at.port()), 2_000);
            plain.setSoTimeout(5_000);
            OutputStream out = plain.getOutputStream();
            out.write(frame(new Frame(77, 0, 1, new Message.Hello(1, "plain"))));
            out.flush();
            InputStream in = plain.getInputStream();
            int read;
            try {
                // The master may answer with a TLS alert first; what matters is that it hangs up.
                byte[] buf = new byte[512];
                do {
                    read = in.read(buf);
                } while (read > 0);
            } catch (SocketException reset) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
        }
        await().atMost(WAIT).until(() -> tlsFailures(master) == 1);

        long before = corrections(slave);
        await().atMost(WAIT).until(() -> corrections(slave) > before);
        assertThat(joined(slave)).isTrue();
        assertThat(tlsFailures(master)).isEqualTo(1);
        assertThat(master.metrics().connectionsClosed("error")).isZero();
    }

    @Test
    void tlsAndTheClusterKeyTogether() throws Exception {
        Path key = dir.resolve("cluster.key");
        byte[] secret = new byte[32];
        ThreadLocalRandom.current().nextBytes(secret);
        Files.writeString(key, HexFormat.of().formatHex(secret) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

        DaemonOptions mo = cluster.issue("master").applyTo(options(10));
        mo.keyFile = key;
        mo.warmupExchanges = 100;
        Node master = master(mo);
        DaemonOptions so = cluster.issue("slave").applyTo(options(1));
        so.keyFile = key;
        Node slave = slave(so, master);
        await().atMost(WAIT).until(() -> joined(slave) && corrections(slave) >= 1);

        for (Node n : List.of(master, slave)) {
            assertThat(section(n, "security")).containsEntry("tls", true).containsEntry("authenticated", true)
                    .containsEntry("framesRejected", Map.of()).containsEntry("tlsHandshakesFailed", 0L);
        }
    }

    private static byte[] frame(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buf, null);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }
}
