package org.clocksync.node.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.clocksync.core.ntp.NtpExchange;
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

/** A real master node with --ntp on loopback, asked over a real UDP socket. */
class NtpServerNodeTest {
    private Node node;
    private DatagramSocket socket;
    private int ntpPort;

    @BeforeEach
    void start() throws Exception {
        DaemonOptions o = TestNodeOptions.loopback(5, "LAB");
        o.ntp = new HostPort("127.0.0.1", 0);
        o.simOffsetNanos = 2_500_000_000L;
        o.ntpRateLimitBurst = 4;
        assertThat(o.problem()).isNull();
        node = new Node(o, MasterRole::new).start();
        String address = (String) status().get("ntp").get("address");
        ntpPort = HostPort.parse(address).port();
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(2_000);
    }

    @AfterEach
    void stop() {
        if (socket != null) {
            socket.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> status() throws Exception {
        return (Map<String, Map<String, Object>>) (Map<String, ?>) StatusDocument.read(node);
    }

    private void send(byte[] bytes) throws Exception {
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), ntpPort));
    }

    /** Sends a request stamped with the host clock and returns the exchange, or null when no answer comes. */
    private NtpExchange ask() throws Exception {
        ByteBuf buf = Unpooled.buffer(NtpPacket.LENGTH);
        long t1 = HostClock.nowNanos();
        try {
            NtpCodec.encode(NtpPacket.clientRequest(4, 0, NtpTimestamp.fromUnixNanos(t1)), buf);
            byte[] bytes = new byte[NtpPacket.LENGTH];
            buf.getBytes(0, bytes);
            send(bytes);
        } finally {
            buf.release();
        }
        byte[] in = new byte[2048];
        DatagramPacket answer = new DatagramPacket(in, in.length);
        try {
            socket.receive(answer);
        } catch (SocketTimeoutException e) {
            return null;
        }
        long t4 = HostClock.nowNanos();
        ByteBuf reply = Unpooled.wrappedBuffer(in, 0, answer.getLength());
        try {
            NtpPacket p = NtpCodec.decodeAnyMode(reply);
            assertThat(p.mode()).isEqualTo(NtpPacket.MODE_SERVER);
            assertThat(p.stratum()).isEqualTo(1);
            return NtpExchange.of(p, t4);
        } finally {
            reply.release();
        }
    }

    @Test
    void servesTheServiceClockWhichIsTheSimulatedOffsetAheadOfTheHost() throws Exception {
        NtpExchange x = ask();
        assertThat(x).isNotNull();
        assertThat(x.offsetNanos()).isBetween(2_500_000_000L - 5_000_000L, 2_500_000_000L + 5_000_000L);
        Map<String, Object> ntp = status().get("ntp");
        assertThat(ntp).containsEntry("stratum", 1L).containsEntry("referenceId", "LOCL").containsEntry("served", 1L);
    }

    @Test
    void junkIsCountedAndTheServerKeepsAnswering() throws Exception {
        send(new byte[10]);
        send(new byte[48]); // version 0
        byte[] serverMode = new byte[48];
        serverMode[0] = 0x24;
        send(serverMode);
        assertThat(ask()).isNotNull();
        Map<String, Object> ntp = status().get("ntp");
        assertThat(ntp).containsEntry("dropped", 3L).containsEntry("malformed", 2L).containsEntry("wrongMode", 1L);
        assertThat(node.metrics().scrape()).contains("clocksync_ntp_requests_total{node=\"LAB\",result=\"malformed\"} 2.0");
    }

    @Test
    void aBurstOverTheLimitIsDropped() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(ask()).as("request %d of the burst of 4", i + 1).isNotNull();
        }
        socket.setSoTimeout(300);
        assertThat(ask()).isNull();
        assertThat(status().get("ntp")).containsEntry("rateLimited", 1L).containsEntry("served", 4L);
    }

    @Test
    void theWarmUpIsNeitherCountedNorRateLimited() throws Exception {
        DaemonOptions o = new DaemonOptions();
        o.id = 7;
        o.listen = new HostPort("127.0.0.1", 0);
        o.admin = new HostPort("127.0.0.1", 0);
        o.ntp = new HostPort("0.0.0.0", 0);
        o.warmupExchanges = 300;
        o.ntpRateLimitBurst = 1;
        try (Node warmed = new Node(o, MasterRole::new).start()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> ntp = (Map<String, Object>) StatusDocument.read(warmed).get("ntp");
            assertThat(ntp).containsEntry("served", 0L).containsEntry("rateLimited", 0L)
                    .containsEntry("rateLimitClients", 0L);
            ntpPort = HostPort.parse((String) ntp.get("address")).port();
            assertThat(ask()).as("a burst of 1 is still available to 127.0.0.1").isNotNull();
        }
    }

    @Test
    void aTakenPortIsOneClearLine() throws Exception {
        DaemonOptions o = TestNodeOptions.loopback(6, null);
        o.ntp = new HostPort("127.0.0.1", ntpPort);
        assertThatThrownBy(() -> new Node(o, MasterRole::new).start())
                .hasMessageStartingWith("cannot listen on 127.0.0.1:" + ntpPort + " (--ntp, UDP)");
    }
}
