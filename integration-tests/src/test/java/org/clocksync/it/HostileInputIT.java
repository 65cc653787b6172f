package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

/** Garbage, absurd lengths and stalled half-frames on every daemon port: each closed and counted, nobody dies. */
class HostileInputIT {
    private static final int CONNECTIONS_PER_TARGET = 150;

    @Test
    void hostileConnectionsAreClosedAndCountedAndTheClusterStaysSynchronized() throws Exception {
        List<String> common = List.of("--hello-timeout", "2s");
        try (TestCluster cluster = TestCluster.factory(common, List.of("--interval", "500ms"), "paranoid").start()) {
            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(120));
            List<DaemonProcess> targets = List.of(cluster.master, cluster.lines.get(0));
            double[] before = new double[targets.size()];
            for (int i = 0; i < targets.size(); i++) {
                before[i] = closedAndRejected(targets.get(i));
            }

            Random random = new Random(20261122L);
            byte[] halfFrame = halfHelloFrame();
            for (int t = 0; t < targets.size(); t++) {
                List<Socket> sockets = new ArrayList<>();
                try {
                    for (int i = 0; i < CONNECTIONS_PER_TARGET; i++) {
                        Socket s = new Socket(InetAddress.getLoopbackAddress(), targets.get(t).listenPort);
                        s.setSoTimeout(15_000);
                        sockets.add(s);
                        byte[] payload = switch (i % 3) {
                            case 0 -> randomBytes(random);
                            case 1 -> new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3};
                            default -> halfFrame;
                        };
                        try {
                            s.getOutputStream().write(payload);
                            s.getOutputStream().flush();
                        } catch (IOException closedAlready) {
                            // A refused connection may be closed before we write: that is the point.
                        }
                    }
                    for (Socket s : sockets) {
                        assertThat(SocketChecks.closedByPeer(s)).as("connection closed by " + targets.get(t).name).isTrue();
                    }
                } finally {
                    for (Socket s : sockets) {
                        s.close();
                    }
                }
            }

            for (int i = 0; i < targets.size(); i++) {
                DaemonProcess target = targets.get(i);
                double counted = closedAndRejected(target) - before[i];
                assertThat(counted).as(target.name + " counted hostile connections").isGreaterThanOrEqualTo(
                        CONNECTIONS_PER_TARGET);
                System.out.printf("%s: %d hostile connections, %.0f closes/rejections counted%n", target.name,
                        CONNECTIONS_PER_TARGET, counted);
            }

            DaemonProcess admin = cluster.master;
            double adminRejectedBefore = admin.metricSum("clocksync_admin_rejected_total");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), admin.adminPort)) {
                s.setSoTimeout(15_000);
                s.getOutputStream().write("\u0000\u0001GARBAGE \u00ff\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).startsWith("HTTP/1.1 400");
            }
            assertThat(admin.metricSum("clocksync_admin_rejected_total")).isGreaterThan(adminRejectedBefore);

            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(120));
            assertThat(cluster.master.status().path("members")).hasSize(4);
            cluster.assertHealthy();
        }
    }

    private static double closedAndRejected(DaemonProcess p) throws IOException {
        return p.metricSum("clocksync_frames_rejected_total") + p.metricSum("clocksync_connections_closed_total");
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[16 + random.nextInt(500)];
        random.nextBytes(b);
        return b;
    }

    private static byte[] halfHelloFrame() {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(new Frame(99, 1, 1, new Message.Hello(1, "stalled")), buf);
            byte[] all = new byte[buf.readableBytes()];
            buf.readBytes(all);
            return Arrays.copyOf(all, all.length / 2);
        } finally {
            buf.release();
        }
    }

}
