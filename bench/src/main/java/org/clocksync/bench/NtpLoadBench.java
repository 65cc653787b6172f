package org.clocksync.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Open-loop NTP load: client packets (mode 3) at a fixed rate for a few seconds, counting mode-4 answers, at rising
 * rates until more than 0.1 % go unanswered; the highest rate under that is the server's throughput. The same program
 * measures every target named, in one run, so a clocksync daemon and chronyd face the same load.
 *
 * <pre>
 * java -cp "bench/target/bench.jar:bench/target/lib/*" org.clocksync.bench.NtpLoadBench \
 *     --target clocksync=127.0.0.1:12123 --target chronyd=127.0.0.1:12124 [--seconds 3]
 * </pre>
 */
public final class NtpLoadBench {
    static final double MAX_LOSS = 0.001;
    private static final int[] RATES = {1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 40_000, 60_000, 80_000,
        100_000, 150_000, 200_000};
    private static final long DRAIN_NANOS = 300_000_000L;

    private NtpLoadBench() {
    }

    /** One step's outcome. */
    record Step(int ratePerSecond, long sent, long answered) {
        double loss() {
            return sent == 0 ? 1 : 1 - (double) answered / sent;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String[]> targets = new ArrayList<>();
        double seconds = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--target" -> {
                    String[] nameAndAddress = args[i + 1].split("=", 2);
                    if (nameAndAddress.length != 2) {
                        usage("--target wants NAME=HOST:PORT");
                    }
                    targets.add(nameAndAddress);
                }
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (targets.isEmpty() || seconds <= 0 || seconds > 30) {
            usage("name at least one --target; --seconds in (0, 30]");
        }
        List<String> results = new ArrayList<>();
        for (String[] target : targets) {
            String[] hostPort = target[1].split(":");
            InetSocketAddress address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
            int best = 0;
            for (int rate : RATES) {
                Step step = step(address, rate, seconds);
                System.err.printf(Locale.ROOT, "NtpLoadBench: %s at %d/s: sent %d, answered %d, loss %.3f %%%n",
                        target[0], rate, step.sent(), step.answered(), step.loss() * 100);
                if (step.loss() > MAX_LOSS) {
                    break;
                }
                best = rate;
            }
            results.add(target[0] + " " + best);
            System.out.printf(Locale.ROOT, "RESULT target=%s address=%s max_rate_under_0.1pct_loss=%d%n", target[0],
                    target[1], best);
        }
        System.out.println(String.join("; ", results));
    }

    private static void usage(String why) {
        System.err.println("NtpLoadBench: " + why + "; usage: --target NAME=HOST:PORT [--target ...] [--seconds S]");
        System.exit(2);
    }

    /** Sends at {@code ratePerSecond} for {@code seconds}, then drains answers for a moment. */
    static Step step(InetSocketAddress address, int ratePerSecond, double seconds) throws IOException {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.configureBlocking(false);
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.connect(address);
            ByteBuffer request = ByteBuffer.allocateDirect(48);
            ByteBuffer reply = ByteBuffer.allocateDirect(1024);
            long total = (long) (ratePerSecond * seconds);
            long intervalNanos = 1_000_000_000L / ratePerSecond;
            long start = System.nanoTime();
            long sent = 0;
            long answered = 0;
            while (sent < total) {
                long due = (System.nanoTime() - start) / intervalNanos + 1;
                while (sent < Math.min(due, total)) {
                    request.clear();
                    request.put(0, (byte) 0x23); // LI 0, version 4, mode 3 (client)
                    request.putLong(40, sent + 1); // transmit timestamp: a counter is enough to echo
                    if (channel.write(request) == 48) {
                        sent++;
                    } else {
                        break;
                    }
                }
                answered += drain(channel, reply);
            }
            long drainUntil = System.nanoTime() + DRAIN_NANOS;
            while (System.nanoTime() < drainUntil && answered < sent) {
                answered += drain(channel, reply);
            }
            return new Step(ratePerSecond, sent, answered);
        }
    }

    private static int drain(DatagramChannel channel, ByteBuffer reply) throws IOException {
        int answers = 0;
        for (int i = 0; i < 1024; i++) {
            reply.clear();
            int n;
            try {
                n = channel.read(reply);
            } catch (java.net.PortUnreachableException e) {
                return answers;
            }
            if (n <= 0) {
                return answers;
            }
            if (n >= 48 && (reply.get(0) & 0x07) == 4) {
                answers++;
            }
        }
        return answers;
    }
}
