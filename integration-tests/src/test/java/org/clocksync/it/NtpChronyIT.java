package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.clocksync.core.ntp.NtpExchange;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.protocol.ntp.NtpCodec;
import org.clocksync.protocol.ntp.NtpDecoded;
import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpRejectReason;
import org.clocksync.protocol.ntp.NtpShort;
import org.clocksync.protocol.ntp.NtpTimestamp;
import org.junit.jupiter.api.Test;

/**
 * A real daemon's NTP server measured by a real NTP client: chronyd in query mode ({@code -Q}: it prints the offset
 * it measures and never sets the clock) must see the master's simulated +2.5 s. Then junk, wrong modes and a flood on
 * the NTP port are counted and dropped while the daemon keeps answering, and a slave serves stratum 2.
 * Every packet goes to 127.0.0.1.
 */
class NtpChronyIT {
    private static final long OFFSET_NANOS = 2_500_000_000L;
    private static final Pattern CHRONY_OFFSET =
            Pattern.compile("System clock wrong by (-?\\d+\\.\\d+) seconds \\(ignored\\)");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static Path root() {
        return Paths.get(System.getProperty("clocksync.root", "..")).toAbsolutePath().normalize();
    }

    /** A UDP port free on loopback now (Ports hands out TCP ports). */
    private static int freeUdpPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = Ports.free();
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                probe.setReuseAddress(false);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free UDP port on loopback");
    }

    private static DaemonProcess startMaster(int ntpPort, String leakDetection, List<String> extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("--sim-offset", "2.5s", "--ntp", "127.0.0.1:" + ntpPort));
        args.addAll(extra);
        DaemonProcess master = new DaemonProcess(TestCluster.MASTER_MAIN, "LAB", 5, Ports.free(), Ports.free(), args,
                leakDetection).start();
        await("master /status has ntp").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode s = master.statusOrNull();
                    return s != null && s.path("ntp").path("address").asText().endsWith(":" + ntpPort);
                });
        return master;
    }

    @Test
    void chronydMeasuresTheMastersSimulatedOffset() throws Exception {
        int ntpPort = freeUdpPort();
        try (DaemonProcess master = startMaster(ntpPort, "simple", List.of())) {
            ChronyRun run = chronydQuery(chronyd(), ntpPort);
            String line = run.output();
            Matcher m = CHRONY_OFFSET.matcher(line);
            assertThat(m.find()).as("chronyd output: " + line).isTrue();
            double offsetSeconds = Double.parseDouble(m.group(1));
            double errorSeconds = offsetSeconds - OFFSET_NANOS / 1e9;
            System.out.printf("NtpChronyIT: chronyd -Q: \"%s\" -> error %+.6f s (%+.0f us)%n", m.group(0),
                    errorSeconds, errorSeconds * 1e6);
            // chronyd's error is bounded by half the round trip of its measurements, which a busy machine stretches
            // to milliseconds: the bound is taken from its own measurements log, not from how quiet the machine is.
            System.out.printf("NtpChronyIT: chronyd's longest peer delay %.6f s%n", run.maxPeerDelaySeconds());
            assertThat(run.maxPeerDelaySeconds()).as("chronyd logged its measurements").isPositive();
            assertThat(Math.abs(errorSeconds)).as("chronyd's measured offset minus 2.5 s")
                    .isLessThan(run.maxPeerDelaySeconds() / 2 + 0.001);

            JsonNode ntp = master.status().path("ntp");
            System.out.println("NtpChronyIT: master /status ntp: " + ntp);
            assertThat(ntp.path("stratum").asInt()).isEqualTo(1);
            assertThat(ntp.path("referenceId").asText()).isEqualTo("LOCL");
            assertThat(ntp.path("served").asLong()).isPositive();
            assertThat(ntp.path("dropped").asLong()).isZero();
            assertThat(master.metricSum("clocksync_ntp_requests_total{node=\"LAB\",result=\"served\"}"))
                    .isEqualTo(ntp.path("served").asDouble());
            assertThat(master.isAlive()).isTrue();
        }
    }

    /**
     * The chronyd that scripts/chrony unpacked into the build (.cache/chrony): Debian's package is downloaded and
     * extracted, never installed, so it cannot replace this machine's time service.
     */
    private static String chronyd() throws Exception {
        Process p = new ProcessBuilder(root().resolve("scripts/chrony").toString()).directory(root().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(finished && p.exitValue() == 0).as("scripts/chrony succeeds; it printed: " + output).isTrue();
        Path chronyd = Paths.get(output.substring(output.lastIndexOf('\n') + 1));
        assertThat(Files.isExecutable(chronyd)).as("scripts/chrony printed an executable chronyd: " + chronyd).isTrue();
        assertThat(chronyd.startsWith(Paths.get("/usr"))).as("chronyd comes from the build, not /usr").isFalse();
        return chronyd.toString();
    }

    /**
     * Runs {@code chronyd -Q} (measure, print, never set the clock) against the daemon and returns its output. The
     * configuration, pid file and logs live in a temporary directory, so a system chronyd is never disturbed.
     */
    private static ChronyRun chronydQuery(String chronyd, int ntpPort) throws Exception {
        Path dir = Files.createTempDirectory("clocksync-chrony-");
        Path conf = dir.resolve("chrony.conf");
        Files.writeString(conf, String.join("\n",
                "server 127.0.0.1 port " + ntpPort + " iburst minpoll -4 maxpoll -4",
                "pidfile " + dir.resolve("chronyd.pid"),
                "driftfile " + dir.resolve("chrony.drift"),
                "cmdport 0",
                // No command socket at all: the default one is under /run/chrony, which only the package creates.
                "bindcmdaddress /",
                "logdir " + dir,
                "log measurements",
                ""));
        // -u: stay the test's own user; the _chrony user it would drop to exists only when the package is installed.
        Process p = new ProcessBuilder(chronyd, "-Q", "-d", "-u", System.getProperty("user.name"), "-f",
                conf.toString(), "-t", "20")
                .redirectErrorStream(true).start();
        boolean finished = p.waitFor(40, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.print("NtpChronyIT: chronyd output:\n" + output);
        // chronyd's helper process may write the log a moment after the main process exits; the bound of the
        // offset assertion comes from it, so a missing log fails the test there.
        Path measurements = dir.resolve("measurements.log");
        try {
            await("chronyd's measurements log").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.exists(measurements) && Files.size(measurements) > 0);
        } catch (org.awaitility.core.ConditionTimeoutException absent) {
            // Absent, it leaves the bound at 0 and the test says so below.
        }
        double maxPeerDelaySeconds = 0;
        if (Files.exists(measurements)) {
            String log = Files.readString(measurements);
            System.out.print("NtpChronyIT: chronyd measurements.log:\n" + log);
            for (String row : log.split("\n")) {
                String[] columns = row.trim().split("\\s+");
                // Date Time IP L St 123 567 ABCD LP RP Score Offset "Peer del." ...: a data row starts with a date.
                if (columns.length > 12 && columns[0].matches("\\d{4}-\\d{2}-\\d{2}")) {
                    maxPeerDelaySeconds = Math.max(maxPeerDelaySeconds, Double.parseDouble(columns[12]));
                }
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
        assertThat(finished).as("chronyd -Q finished within 40 s").isTrue();
        return new ChronyRun(output, maxPeerDelaySeconds);
    }

    /** What chronyd -Q printed, and the longest peer delay of the measurements it logged (0 without a log). */
    private record ChronyRun(String output, double maxPeerDelaySeconds) {
    }

    private static final int BATCH = 20;

    /** Waits until the daemon has counted {@code total} packets in any of its NTP counters. */
    private static void awaitCounted(DaemonProcess master, int total) {
        await("the daemon counted " + total + " packets").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    JsonNode n = master.status().path("ntp");
                    return n.path("malformed").asInt() + n.path("wrongMode").asInt() + n.path("served").asInt()
                            + n.path("rateLimited").asInt() >= total;
                });
    }

    @Test
    void junkWrongModesAndFloodsAreCountedAndDroppedAndTheDaemonKeepsAnswering() throws Exception {
        int ntpPort = freeUdpPort();
        InetSocketAddress server = new InetSocketAddress(LOOPBACK, ntpPort);
        try (DaemonProcess master = startMaster(ntpPort, "paranoid", List.of());
                DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            long startNanos = System.nanoTime();
            int malformed = 0;
            int wrongMode = 0;
            int valid = 0;
            int sent = 0;
            Random random = new Random(20261122L);
            List<byte[]> junk = new java.util.ArrayList<>(List.of(new byte[0], new byte[10], new byte[47],
                    new byte[48] /* version 0 */, header(0x24) /* a server reply */, header(0x16) /* ntpq, mode 6 */,
                    header(0x17) /* ntpdc monlist, mode 7 */, header(0x3B) /* version 7 */, new byte[1500]));
            for (int i = 0; i < 300; i++) {
                byte[] b = new byte[random.nextInt(1200)];
                random.nextBytes(b);
                junk.add(b);
            }
            for (byte[] b : junk) {
                NtpRejectReason reason = classify(b);
                if (reason == null) {
                    valid++;
                } else if (reason == NtpRejectReason.WRONG_MODE) {
                    wrongMode++;
                } else {
                    malformed++;
                }
                attacker.send(new DatagramPacket(b, b.length, server));
                sent++;
                if (sent % BATCH == 0) {
                    awaitCounted(master, sent); // stay under the socket buffers: a kernel drop is counted nowhere
                }
            }
            int flood = 50;
            byte[] request = header(0x23);
            for (int i = 0; i < flood; i++) {
                attacker.send(new DatagramPacket(request, request.length, server));
                sent++;
                if (sent % BATCH == 0) {
                    awaitCounted(master, sent);
                }
            }
            int expectedMalformed = malformed;
            int expectedWrongMode = wrongMode;
            int expectedRequests = valid + flood;
            await("every packet counted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode n = master.status().path("ntp");
                        return n.path("malformed").asInt() == expectedMalformed
                                && n.path("wrongMode").asInt() == expectedWrongMode
                                && n.path("served").asInt() + n.path("rateLimited").asInt() == expectedRequests;
                    });
            JsonNode ntp = master.status().path("ntp");
            System.out.printf("NtpChronyIT: %d junk packets (%d malformed, %d wrong mode, %d valid-looking) and a"
                            + " flood of %d requests from one address -> /status ntp: %s%n", junk.size(), malformed,
                    wrongMode, valid, flood, ntp);
            assertThat(ntp.path("dropped").asInt()).isEqualTo(malformed + wrongMode);
            // chrony's defaults: a burst of 8, then one per 8 s. A busy machine stretches the sending, and each 8 s
            // of it earns the sender one more answer, so the bound follows the time the sending took.
            long creditsEarned = (System.nanoTime() - startNanos) / 8_000_000_000L + 2;
            assertThat(ntp.path("served").asInt()).isBetween(8, (int) (8 + creditsEarned));
            assertThat(ntp.path("rateLimited").asInt())
                    .isGreaterThanOrEqualTo((int) (expectedRequests - 8 - creditsEarned));
            assertThat(master.metricSum("clocksync_ntp_requests_total{node=\"LAB\",result=\"malformed\"}"))
                    .isEqualTo(malformed);
            assertThat(master.metricSum("clocksync_ntp_requests_total{node=\"LAB\",result=\"wrong_mode\"}"))
                    .isEqualTo(wrongMode);
            assertThat(master.metricSum("clocksync_ntp_requests_total{node=\"LAB\",result=\"rate_limited\"}"))
                    .isEqualTo(ntp.path("rateLimited").asDouble());

            // Another address is not limited, and still gets the right time, version echoed.
            Answer answer = ask(client, server, 3);
            assertThat(answer).as("an answer after the junk and the flood").isNotNull();
            NtpPacket reply = answer.reply();
            // One exchange is off by at most half its round trip, however long a busy machine makes that.
            NtpExchange x = answer.exchange();
            assertThat(Math.abs(x.offsetNanos() - OFFSET_NANOS)).isLessThanOrEqualTo(x.delayNanos() / 2 + 1_000_000L);
            assertThat(reply.version()).isEqualTo(3);
            assertThat(reply.stratum()).isEqualTo(1);
            assertThat(reply.leapIndicator()).isZero();
            assertThat(reply.referenceIdText()).isEqualTo("LOCL");

            assertThat(master.isAlive()).isTrue();
            String log = master.logText();
            assertThat(log).doesNotContain("LEAK:");
            long dropLines = log.lines().filter(l -> l.contains("event=ntp_dropped")).count();
            long limitLines = log.lines().filter(l -> l.contains("event=ntp_rate_limited")).count();
            System.out.printf("NtpChronyIT: log lines for %d dropped and %d limited packets: %d and %d%n",
                    malformed + wrongMode, ntp.path("rateLimited").asInt(), dropLines, limitLines);
            assertThat(dropLines).as("drop log is rate-limited").isLessThanOrEqualTo(3);
            assertThat(limitLines).as("rate-limit log is rate-limited").isLessThanOrEqualTo(3);
        }
    }

    @Test
    void aSlaveServesStratumTwoWithItsMastersAddressOnceCorrected() throws Exception {
        int masterNtp = freeUdpPort();
        int slaveNtp = freeUdpPort();
        try (DaemonProcess master = startMaster(masterNtp, "simple", List.of("--interval", "300ms",
                "--round-timeout", "200ms"));
                DaemonProcess slave = new DaemonProcess(TestCluster.SLAVE_MAIN, "KMC", 1, Ports.free(), Ports.free(),
                        List.of("--master", "127.0.0.1:" + master.listenPort, "--sim-offset", "-1.7s",
                                "--ntp", "127.0.0.1:" + slaveNtp), "simple").start();
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            await("slave corrected to the master").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode s = slave.statusOrNull();
                        JsonNode m = master.statusOrNull();
                        return s != null && m != null && s.path("ntp").path("stratum").asInt() == 2
                                && s.path("ntp").path("rootDelayNanos").asLong() > 0
                                && Math.abs(s.path("clockOffsetFromHostNanos").asLong()
                                        - m.path("clockOffsetFromHostNanos").asLong()) < 1_000_000;
                    });
            InetSocketAddress server = new InetSocketAddress(LOOPBACK, slaveNtp);
            ask(client, server, 4); // the test JVM's first request loads classes between its stamps
            Answer answer = ask(client, server, 4);
            assertThat(answer).isNotNull();
            NtpPacket reply = answer.reply();
            NtpExchange x = answer.exchange();
            System.out.printf("NtpChronyIT: slave reply stratum %d refid %s rootDelay %d ns offset %+.6f s delay %d ns"
                            + " T2-T1 %d ns T4-T3 %d ns%n", reply.stratum(), reply.referenceIdText(),
                    NtpShort.toNanos(reply.rootDelayShort()), x.offsetNanos() / 1e9, x.delayNanos(),
                    x.t2Nanos() - x.t1Nanos(), x.t4Nanos() - x.t3Nanos());
            assertThat(reply.stratum()).isEqualTo(2);
            assertThat(reply.leapIndicator()).isZero();
            assertThat(reply.referenceIdText()).isEqualTo("127.0.0.1");
            assertThat(reply.rootDelayShort()).isPositive();
            assertThat(NtpTimestamp.toUnixNanos(reply.referenceTimestamp()))
                    .isLessThanOrEqualTo(NtpTimestamp.toUnixNanos(reply.receiveTimestamp()));
            // The slave serves its service clock, which follows the master's +2.5 s (its own hardware is at -1.7 s).
            long slaveOffset = slave.status().path("clockOffsetFromHostNanos").asLong();
            assertThat(Math.abs(slaveOffset - OFFSET_NANOS)).isLessThan(50_000_000L);
            // Off by at most half the round trip (plus a slew or two between the exchange and the /status read).
            assertThat(Math.abs(x.offsetNanos() - slaveOffset)).isLessThanOrEqualTo(x.delayNanos() / 2 + 1_000_000L);
        }
    }

    private static byte[] header(int firstByte) {
        byte[] b = new byte[NtpPacket.LENGTH];
        b[0] = (byte) firstByte;
        b[47] = 1;
        return b;
    }

    private static NtpRejectReason classify(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            NtpDecoded d = NtpCodec.decode(buf);
            return d.reject();
        } finally {
            buf.release();
        }
    }

    /** A reply and the client's send and receive times (host clock). */
    private record Answer(NtpPacket reply, long t1Nanos, long t4Nanos) {
        NtpExchange exchange() {
            return NtpExchange.of(reply, t4Nanos);
        }
    }

    /** One request, stamped just before it is sent; the decoded reply, or null after 2 s of silence. */
    private static Answer ask(DatagramSocket socket, InetSocketAddress server, int version) throws IOException {
        ByteBuf out = Unpooled.buffer(NtpPacket.LENGTH);
        try {
            NtpCodec.encode(NtpPacket.clientRequest(version, 4, 0), out);
            socket.setSoTimeout(2_000);
            long t1 = HostClock.nowNanos();
            NtpCodec.setTransmitTimestamp(out, 0, NtpTimestamp.fromUnixNanos(t1));
            byte[] bytes = new byte[NtpPacket.LENGTH];
            out.getBytes(0, bytes);
            socket.send(new DatagramPacket(bytes, bytes.length, server));
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
                assertThat(p).isNotNull();
                assertThat(p.mode()).isEqualTo(NtpPacket.MODE_SERVER);
                assertThat(p.originTimestamp()).isEqualTo(NtpTimestamp.fromUnixNanos(t1));
                return new Answer(p, t1, t4);
            } finally {
                reply.release();
            }
        } finally {
            out.release();
        }
    }
}
