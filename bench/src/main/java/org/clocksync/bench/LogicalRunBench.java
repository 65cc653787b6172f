package org.clocksync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.clocksync.core.logical.LogicalConfig;

/**
 * The logical-clock system as real daemon processes on loopback for minutes: the master object LAB (id 5) and the
 * process objects KMC, MIT, TAPMI (honest, ids 1-3) and SOLS (id 4, {@code --byzantine}), all {@code --clock logical}
 * with the default settings. Every 200 ms it reads the three honest POs' {@code /status} at once and takes the spread
 * of their counters, each moved to one common instant with its own average rate (the three answers are read on the
 * daemons' event loops a few milliseconds apart, while the counters grow some 200 a second); at the end it reads
 * every daemon's monotonic-violation count and the master object's left-out counts. Prints a Markdown table and one
 * RESULT line; asserts nothing.
 *
 * <pre>
 * java -cp "bench/target/bench.jar:bench/target/lib/*" org.clocksync.bench.LogicalRunBench [--minutes 10]
 *     [--byzantine two-faced] [--base-port 7950] [--assumed-delay-ms 50]
 * </pre>
 */
public final class LogicalRunBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final long SAMPLE_MILLIS = 200;
    private static final int MAX_SAMPLES = 100_000;
    /** name, id: the master object first, the Byzantine PO last. */
    private static final String[][] NODES = {{"LAB", "5"}, {"KMC", "1"}, {"MIT", "2"}, {"TAPMI", "3"}, {"SOLS", "4"}};
    private static final int[] HONEST = {1, 2, 3};
    private static final int BYZANTINE = 4;
    private static final int MASTER = 5;

    private LogicalRunBench() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = 10;
        String byzantine = "two-faced";
        int basePort = 7950;
        long assumedDelayMillis = 50;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help")) {
                System.out.println("LogicalRunBench [--minutes M (default 10)] [--byzantine random|constant|two-faced]"
                        + " [--base-port P (default 7950)] [--assumed-delay-ms D (default 50)]");
                return;
            }
            if (i + 1 >= args.length) {
                fail("option " + a + " needs a value; try --help");
            }
            String v = args[++i];
            switch (a) {
                case "--minutes" -> minutes = Double.parseDouble(v);
                case "--byzantine" -> byzantine = v;
                case "--base-port" -> basePort = Integer.parseInt(v);
                case "--assumed-delay-ms" -> assumedDelayMillis = Long.parseLong(v);
                default -> fail("unknown option " + a + "; try --help");
            }
        }
        if (!(minutes > 0 && minutes <= 120)) {
            fail("--minutes must be in (0, 120]");
        }
        Path root = Paths.get(System.getProperty("clocksync.root", ".")).toAbsolutePath().normalize();
        new LogicalRunBench.Run(root, byzantine, basePort, minutes, assumedDelayMillis).execute();
    }

    private static void fail(String message) {
        System.err.println("LogicalRunBench: " + message);
        System.exit(2);
    }

    /** One sample of the honest POs. */
    private record Sample(long spread, long rawSpread, long skewNanos, long fetchNanos) {
    }

    private static final class Run {
        private final Path root;
        private final String byzantine;
        private final int basePort;
        private final double minutes;
        private final long assumedDelayMillis;
        private final List<Process> processes = new ArrayList<>();
        /** Per honest PO: the first sample's host time and counter, for its average rate. */
        private final long[] firstHost = new long[HONEST.length];
        private final long[] firstCounter = new long[HONEST.length];

        Run(Path root, String byzantine, int basePort, double minutes, long assumedDelayMillis) {
            this.root = root;
            this.byzantine = byzantine;
            this.basePort = basePort;
            this.minutes = minutes;
            this.assumedDelayMillis = assumedDelayMillis;
        }

        void execute() throws Exception {
            DaemonJars jars = DaemonJars.copy(root, "clocksync-logical-bench");
            Thread reaper = new Thread(() -> processes.forEach(Process::destroyForcibly));
            Runtime.getRuntime().addShutdownHook(reaper);
            try {
                for (String[] n : NODES) {
                    requireFree(basePort + Integer.parseInt(n[1]));
                    requireFree(basePort + 100 + Integer.parseInt(n[1]));
                }
                for (String[] n : NODES) {
                    start(jars, n[0], Integer.parseInt(n[1]));
                    if (n[1].equals("5")) {
                        awaitStatus(MASTER, 60);
                    }
                }
                awaitJoined();
                measure();
            } finally {
                processes.forEach(Process::destroy);
                for (Process p : processes) {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
                Runtime.getRuntime().removeShutdownHook(reaper);
                jars.close();
            }
        }

        private void start(DaemonJars jars, String name, int id) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                            .toString(), "-Xmx96m", "-XX:+UseSerialGC", "-Xss512k", "-cp",
                    jars.classpath(id == MASTER), DaemonJars.mainClass(id == MASTER),
                    "--id", Integer.toString(id), "--name", name, "--clock", "logical",
                    "--listen", "127.0.0.1:" + (basePort + id), "--admin", "127.0.0.1:" + admin(id)));
            if (id != MASTER) {
                cmd.addAll(List.of("--master", "127.0.0.1:" + (basePort + MASTER)));
            }
            if (id == BYZANTINE) {
                cmd.addAll(List.of("--byzantine", byzantine));
            }
            Path log = root.resolve("bench/target/logical-" + name + ".log");
            Files.createDirectories(log.getParent());
            processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }

        private int admin(int id) {
            return basePort + 100 + id;
        }

        private void awaitStatus(int id, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (status(admin(id)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + id + " did not answer /status in " + seconds
                            + " s; see bench/target/logical-*.log");
                }
                Thread.sleep(200);
            }
        }

        /** Until the MO has all four members and has run 200 rounds, and every honest PO has applied offsets. */
        private void awaitJoined() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                JsonNode mo = status(admin(MASTER));
                boolean ready = mo != null && mo.path("members").size() == 4
                        && mo.path("logical").path("rounds").asLong() >= 200;
                for (int id : HONEST) {
                    JsonNode s = status(admin(id));
                    ready &= s != null && s.path("logical").path("offsetsApplied").asLong() >= 20;
                }
                if (ready) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the five daemons did not join and run 200 rounds in 120 s;"
                            + " see bench/target/logical-*.log");
                }
                Thread.sleep(500);
            }
        }

        private void measure() throws Exception {
            List<Sample> samples = new ArrayList<>();
            long failed = 0;
            long startedNanos = System.nanoTime();
            long end = startedNanos + (long) (minutes * 60e9);
            long next = startedNanos;
            JsonNode moStart = status(admin(MASTER));
            while (System.nanoTime() < end && samples.size() < MAX_SAMPLES) {
                Sample s = sample();
                if (s == null) {
                    failed++;
                } else {
                    samples.add(s);
                }
                if (samples.size() % 1500 == 0 && !samples.isEmpty()) {
                    System.err.printf(Locale.ROOT, "LogicalRunBench: %.1f min, %d samples, last spread %d%n",
                            (System.nanoTime() - startedNanos) / 60e9, samples.size(), s == null ? -1 : s.spread());
                }
                next += TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
            report(samples, failed, moStart);
        }

        /** Reads the three honest POs at once; null when one does not answer. */
        private Sample sample() {
            long t0 = System.nanoTime();
            List<CompletableFuture<JsonNode>> futures = new ArrayList<>();
            for (int id : HONEST) {
                futures.add(statusAsync(admin(id)));
            }
            long[] host = new long[HONEST.length];
            long[] counter = new long[HONEST.length];
            for (int i = 0; i < HONEST.length; i++) {
                JsonNode s = futures.get(i).join();
                if (s == null) {
                    return null;
                }
                host[i] = s.path("hostTimeNanos").asLong();
                counter[i] = s.path("logical").path("counter").asLong();
            }
            long fetchNanos = System.nanoTime() - t0;
            if (firstHost[0] == 0) {
                System.arraycopy(host, 0, firstHost, 0, host.length);
                System.arraycopy(counter, 0, firstCounter, 0, counter.length);
            }
            long[] sortedHost = host.clone();
            Arrays.sort(sortedHost);
            long common = sortedHost[sortedHost.length / 2];
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            long rawMin = Long.MAX_VALUE;
            long rawMax = Long.MIN_VALUE;
            for (int i = 0; i < HONEST.length; i++) {
                double rate = host[i] > firstHost[i]
                        ? (counter[i] - firstCounter[i]) / (double) (host[i] - firstHost[i]) : 0;
                double aligned = counter[i] + rate * (common - host[i]);
                min = Math.min(min, aligned);
                max = Math.max(max, aligned);
                rawMin = Math.min(rawMin, counter[i]);
                rawMax = Math.max(rawMax, counter[i]);
            }
            return new Sample(Math.round(max - min), rawMax - rawMin, sortedHost[sortedHost.length - 1]
                    - sortedHost[0], fetchNanos);
        }

        private void report(List<Sample> samples, long failed, JsonNode moStart) {
            if (samples.isEmpty()) {
                throw new IllegalStateException("no sample answered; see bench/target/logical-*.log");
            }
            long[] spread = samples.stream().mapToLong(Sample::spread).sorted().toArray();
            long[] raw = samples.stream().mapToLong(Sample::rawSpread).sorted().toArray();
            long[] skew = samples.stream().mapToLong(Sample::skewNanos).sorted().toArray();
            long[] fetch = samples.stream().mapToLong(Sample::fetchNanos).sorted().toArray();
            LogicalConfig config = LogicalConfig.defaults();
            long bound = config.spreadBound(assumedDelayMillis * 1_000_000L, 4);
            long over = Arrays.stream(spread).filter(v -> v > bound).count();

            long violations = 0;
            List<String> perNode = new ArrayList<>();
            List<String> counters = new ArrayList<>();
            for (String[] n : NODES) {
                JsonNode s = status(admin(Integer.parseInt(n[1])));
                long v = s == null ? -1 : s.path("logical").path("monotonicViolations").asLong();
                violations += Math.max(0, v);
                perNode.add(n[0] + " " + (s == null ? "no answer" : Long.toString(v)));
                counters.add(n[0] + " " + (s == null ? "?" : s.path("logical").path("counter").asText())
                        + (s == null ? "" : " (" + s.path("logical").path("events").asText() + " events)"));
            }
            JsonNode mo = status(admin(MASTER));
            long rounds = mo == null ? -1 : mo.path("logical").path("rounds").asLong();
            long roundsAtStart = moStart == null ? 0 : moStart.path("logical").path("rounds").asLong();
            long[] byz = leftOut(mo, BYZANTINE);
            long[] byzStart = leftOut(moStart, BYZANTINE);
            long honestLeftOut = 0;
            long honestLeftOutStart = 0;
            for (int id : HONEST) {
                honestLeftOut += leftOut(mo, id)[0] + leftOut(mo, id)[1];
                honestLeftOutStart += leftOut(moStart, id)[0] + leftOut(moStart, id)[1];
            }
            long measuredRounds = rounds - roundsAtStart;
            long byzMeasured = byz[0] + byz[1] - byzStart[0] - byzStart[1];
            String lastReason = "";
            if (mo != null) {
                for (JsonNode e : mo.path("logical").path("lastRound").path("leftOut")) {
                    if (e.path("id").asInt() == BYZANTINE) {
                        lastReason = e.path("status").asText() + ": " + e.path("reason").asText();
                    }
                }
            }

            System.out.println("| measured | value |");
            System.out.println("|---|---:|");
            row("minutes sampled (after all joined and 200 rounds)", fmt(minutes));
            row("samples of the honest POs (every 200 ms; failed reads)", samples.size() + " (" + failed + ")");
            row("honest spread p50 / p99 / p99.9 (counts)", pct(spread, 0.5) + " / " + pct(spread, 0.99) + " / "
                    + pct(spread, 0.999));
            row("**honest spread max (counts)**", "**" + spread[spread.length - 1] + "**");
            row("stated bound for delays up to " + assumedDelayMillis + " ms (counts)", Long.toString(bound));
            row("samples over the bound", over + " of " + spread.length);
            row("raw spread max, unaligned (counts)", Long.toString(raw[raw.length - 1]));
            row("/status read skew p50 / max (ms)", ms(pct(skew, 0.5)) + " / " + ms(skew[skew.length - 1]));
            row("/status read time p99 / max (ms)", ms(pct(fetch, 0.99)) + " / " + ms(fetch[fetch.length - 1]));
            row("**monotonic violations, all five daemons**", "**" + violations + "**");
            row("rounds during the run", Long.toString(measuredRounds));
            row("**Byzantine SOLS left out, rounds during the run**", "**" + byzMeasured + " of " + measuredRounds
                    + String.format(Locale.ROOT, " (%.2f %%)**", measuredRounds > 0
                    ? 100.0 * byzMeasured / measuredRounds : 0.0));
            row("Byzantine SOLS left out, whole run (excluded + suspect)", byz[0] + " + " + byz[1] + " of " + rounds);
            row("honest POs left out during the run", Long.toString(honestLeftOut - honestLeftOutStart));
            System.out.println();
            System.out.println("Monotonic violations per daemon: " + String.join(", ", perNode) + ".");
            System.out.println("Counters at the end: " + String.join(", ", counters) + ".");
            System.out.println("Last round, SOLS: " + lastReason);
            System.out.println();
            System.out.printf(Locale.ROOT, "RESULT byzantine=%s minutes=%.1f samples=%d spread_p50=%d spread_p99=%d"
                            + " spread_p999=%d spread_max=%d bound=%d assumed_delay_ms=%d over_bound=%d raw_max=%d"
                            + " monotonic_violations=%d rounds=%d byzantine_left_out=%d honest_left_out=%d%n",
                    byzantine, minutes, samples.size(), pct(spread, 0.5), pct(spread, 0.99), pct(spread, 0.999),
                    spread[spread.length - 1], bound, assumedDelayMillis, over, raw[raw.length - 1], violations,
                    measuredRounds, byzMeasured, honestLeftOut - honestLeftOutStart);
        }

        private static long[] leftOut(JsonNode mo, int id) {
            if (mo != null) {
                for (JsonNode e : mo.path("logical").path("leftOutCounts")) {
                    if (e.path("id").asInt() == id) {
                        return new long[] {e.path("excluded").asLong(), e.path("suspect").asLong()};
                    }
                }
            }
            return new long[] {0, 0};
        }

        private static void row(String what, String value) {
            System.out.println("| " + what + " | " + value + " |");
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.1f", v);
        }

        private static String ms(long nanos) {
            return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
        }

        /** Nearest-rank percentile of a sorted array. */
        private static long pct(long[] sorted, double p) {
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        private static void requireFree(int port) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use; pick other ports with"
                        + " --base-port");
            }
        }
    }

    private static JsonNode status(int adminPort) {
        return statusAsync(adminPort).join();
    }

    private static CompletableFuture<JsonNode> statusAsync(int adminPort) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/status"))
                .timeout(Duration.ofSeconds(3)).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
            if (e != null || r.statusCode() != 200) {
                return null;
            }
            try {
                return JSON.readTree(r.body());
            } catch (IOException ex) {
                return null;
            }
        });
    }
}
