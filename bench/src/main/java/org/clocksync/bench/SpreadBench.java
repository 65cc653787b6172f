package org.clocksync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures the five-node cluster's precision over minutes: LAB and the four lines as real daemon processes on
 * loopback with drifts of +-100 ppm, the spread (max - min of clockOffsetFromHostNanos) sampled every 100 ms after
 * convergence, with the drift estimate on and off. Prints a Markdown table and one RESULT line per mode.
 *
 * <pre>
 * java -cp "bench/target/bench.jar:bench/target/lib/*" org.clocksync.bench.SpreadBench [--minutes 5] [--modes on,off]
 * </pre>
 */
public final class SpreadBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final long MAX_SAMPLES = 100_000;
    /** name, id, offset, drift ppm: the factory with the widest drifts the issue names. */
    private static final String[][] NODES = {
        {"LAB", "5", "300ms", "0"}, {"KMC", "1", "2.5s", "100"}, {"MIT", "2", "-1.7s", "-100"},
        {"TAPMI", "3", "4s", "60"}, {"SOLS", "4", "-3.2s", "-80"}};

    private SpreadBench() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = 5;
        List<String> modes = List.of("on", "off");
        int basePort = 7900;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
                case "--modes" -> modes = Arrays.asList(args[i + 1].split(","));
                case "--base-port" -> basePort = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("SpreadBench: unknown option " + args[i]
                            + "; use --minutes M --modes on,off --base-port P");
                    System.exit(2);
                }
            }
        }
        if (minutes <= 0 || minutes > 60) {
            System.err.println("SpreadBench: --minutes must be in (0, 60]");
            System.exit(2);
        }
        Path root = Paths.get(System.getProperty("clocksync.root", ".")).toAbsolutePath().normalize();
        List<String> rows = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (String mode : modes) {
            long[] spreads = run(root, mode, minutes, basePort);
            Arrays.sort(spreads);
            double p50 = spreads[spreads.length / 2] / 1e3;
            double p99 = spreads[(int) Math.min(spreads.length - 1, Math.ceil(spreads.length * 0.99) - 1)] / 1e3;
            double max = spreads[spreads.length - 1] / 1e3;
            rows.add(String.format(Locale.ROOT, "| %s | %.1f | %d | %.1f | %.1f | %.1f |", mode, minutes,
                    spreads.length, p50, p99, max));
            results.add(String.format(Locale.ROOT, "RESULT drift_estimation=%s minutes=%.1f samples=%d p50_us=%.1f"
                    + " p99_us=%.1f max_us=%.1f", mode, minutes, spreads.length, p50, p99, max));
        }
        System.out.println("| drift estimation | minutes | samples | p50 spread us | p99 spread us | max spread us |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.out.println();
        results.forEach(System.out::println);
    }

    private static long[] run(Path root, String mode, double minutes, int basePort) throws Exception {
        List<Process> processes = new ArrayList<>();
        Thread reaper = new Thread(() -> processes.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(reaper);
        List<Integer> admins = new ArrayList<>();
        try {
            int masterPort = basePort + 5;
            for (String[] n : NODES) {
                int id = Integer.parseInt(n[1]);
                boolean master = id == 5;
                List<String> cmd = new ArrayList<>(List.of(root.resolve(master ? "bin/master-daemon"
                                : "bin/slave-daemon").toString(), "--id", n[1], "--name", n[0],
                        "--listen", "127.0.0.1:" + (basePort + id), "--admin", "127.0.0.1:" + (basePort + 100 + id),
                        "--sim-offset", n[2], "--sim-drift-ppm", n[3], "--drift-estimation", mode));
                if (!master) {
                    cmd.addAll(List.of("--master", "127.0.0.1:" + masterPort));
                }
                File log = root.resolve("bench/target/spread-" + mode + "-" + n[0] + ".log").toFile();
                processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start());
                admins.add(basePort + 100 + id);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (rounds(admins.get(0)) < 30) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cluster did not reach 30 rounds in 90 s; see bench/target/"
                            + "spread-" + mode + "-*.log");
                }
                Thread.sleep(200);
            }
            List<Long> spreads = new ArrayList<>();
            long end = System.nanoTime() + (long) (minutes * 60e9);
            while (System.nanoTime() < end && spreads.size() < MAX_SAMPLES) {
                long spread = spread(admins);
                if (spread >= 0) {
                    spreads.add(spread);
                }
                Thread.sleep(100);
            }
            System.err.printf("SpreadBench: drift estimation %s: %d samples%n", mode, spreads.size());
            return spreads.stream().mapToLong(Long::longValue).toArray();
        } finally {
            processes.forEach(Process::destroy);
            for (Process p : processes) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    private static long rounds(int adminPort) {
        JsonNode s = status(adminPort);
        return s == null ? 0 : s.path("roundsCompleted").asLong();
    }

    private static long spread(List<Integer> admins) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int port : admins) {
            JsonNode s = status(port);
            if (s == null) {
                return -1;
            }
            long offset = s.path("clockOffsetFromHostNanos").asLong();
            min = Math.min(min, offset);
            max = Math.max(max, offset);
        }
        return max - min;
    }

    private static JsonNode status(int adminPort) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                    + "/status")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
