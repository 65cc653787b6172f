package org.clocksync.node.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import org.clocksync.node.Node;
import org.clocksync.node.StatusDocument;
import org.clocksync.node.TestNodeOptions;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.role.MasterRole;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.ntp.NtpCodec;
import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real master node with {@code --upstream} pointed at a hand-driven NTP "server" on loopback: junk, a forged
 * origin, a reply from another address and a kiss-o'-death are dropped and counted, and a good reply sets the clock.
 */
class UpstreamClientNodeTest {
    private static final long AHEAD_NANOS = 1_000_000_000L;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private DatagramSocket server;
    private DatagramSocket stranger;
    private Node node;

    @BeforeEach
    void start() throws Exception {
        server = new DatagramSocket(0, LOOPBACK);
        server.setSoTimeout(5_000);
        stranger = new DatagramSocket(0, LOOPBACK);
        DaemonOptions o = TestNodeOptions.loopback(5, "LAB");
        o.upstream = new HostPort("127.0.0.1", server.getLocalPort());
        assertThat(o.problem()).isNull();
        node = new Node(o, MasterRole::new).start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        server.close();
        stranger.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> upstream() throws Exception {
        return (Map<String, Object>) StatusDocument.read(node).get("upstream");
    }

    private long offsetFromHostNanos() throws Exception {
        return ((Number) StatusDocument.read(node).get("clockOffsetFromHostNanos")).longValue();
    }

    /** The next request the node sends, and where from. */
    private record Request(NtpPacket packet, SocketAddress from) {
    }

    private Request receive() throws Exception {
        byte[] in = new byte[2048];
        DatagramPacket d = new DatagramPacket(in, in.length);
        server.receive(d);
        ByteBuf buf = Unpooled.wrappedBuffer(in, 0, d.getLength());
        try {
            return new Request(NtpCodec.decodeAnyMode(buf), d.getSocketAddress());
        } finally {
            buf.release();
        }
    }

    /** A server reply to {@code origin}, its clock {@link #AHEAD_NANOS} ahead of the host's. */
    private static byte[] reply(long origin, int stratum) {
        long now = NtpTimestamp.fromUnixNanos(HostClock.nowNanos() + AHEAD_NANOS);
        ByteBuf buf = Unpooled.buffer(NtpPacket.LENGTH);
        try {
            NtpCodec.encode(new NtpPacket(0, 4, NtpPacket.MODE_SERVER, stratum, 0, -20, 0, 0,
                    NtpPacket.referenceIdOf("GPS"), now, origin, now, now), buf);
            byte[] bytes = new byte[NtpPacket.LENGTH];
            buf.getBytes(0, bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private static void send(DatagramSocket from, byte[] bytes, SocketAddress to) throws Exception {
        from.send(new DatagramPacket(bytes, bytes.length, to));
    }

    @SuppressWarnings("unchecked")
    private long rejected(String reason) throws Exception {
        return ((Number) ((Map<String, Object>) upstream().get("rejected")).get(reason)).longValue();
    }

    @Test
    void badRepliesAreCountedAndAGoodOneSetsTheClock() throws Exception {
        Request first = receive();
        assertThat(first.packet().mode()).isEqualTo(NtpPacket.MODE_CLIENT);
        assertThat(first.packet().version()).isEqualTo(4);
        long origin = first.packet().transmitTimestamp();
        assertThat(Math.abs(NtpTimestamp.toUnixNanos(origin) - HostClock.nowNanos()))
                .as("T1 is the node's service clock, here the host's").isLessThan(1_000_000_000L);

        // The kiss-o'-death first, while its request is still the one outstanding (the next leaves 100 ms later).
        send(server, reply(origin, 0), first.from());
        send(server, new byte[10], first.from());
        send(server, reply(origin + 1, 1), first.from());
        send(stranger, reply(origin, 1), first.from());
        await("four drops counted").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> ((Number) upstream().get("replies")).longValue() == 0 && rejected("malformed") == 1
                        && rejected("unsolicited") == 2 && rejected("kiss_of_death") == 1);
        assertThat(upstream().get("reachable")).isEqualTo(false);
        assertThat(Math.abs(offsetFromHostNanos())).as("nothing moved the clock").isLessThan(1_000_000L);

        Request second = receive();
        assertThat(second.packet().transmitTimestamp()).isNotEqualTo(origin);
        send(server, reply(second.packet().transmitTimestamp(), 1), second.from());
        await("the clock follows the upstream server").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Math.abs(offsetFromHostNanos() - AHEAD_NANOS) < 20_000_000L);

        Map<String, Object> u = upstream();
        assertThat(u.get("address")).isEqualTo("127.0.0.1:" + server.getLocalPort());
        assertThat(u.get("replies")).isEqualTo(1L);
        assertThat(u.get("reachable")).isEqualTo(true);
        assertThat(u.get("stratum")).isEqualTo(1L);
        assertThat(u.get("corrections")).isEqualTo(1L);
        assertThat(((Number) u.get("lastOffsetNanos")).longValue()).isBetween(AHEAD_NANOS - 20_000_000L,
                AHEAD_NANOS + 20_000_000L);
        assertThat((Long) u.get("pollsSent")).isGreaterThanOrEqualTo(2L);
        String metrics = node.metrics().scrape();
        assertThat(metrics).contains("clocksync_upstream_replies_rejected_total{node=\"LAB\",reason=\"malformed\"} 1.0")
                .contains("clocksync_upstream_replies_rejected_total{node=\"LAB\",reason=\"unsolicited\"} 2.0")
                .contains("clocksync_upstream_replies_total{node=\"LAB\"} 1.0")
                .contains("clocksync_upstream_polls_total{node=\"LAB\"}");
    }
}
