package org.clocksync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failover time of the five-node factory as real daemon processes on loopback: LAB (id 5, started as master) and the
 * lines KMC, MIT, TAPMI, SOLS (ids 1-4), every node given all the others as --peers, default cluster settings
 * (heartbeat period, delay bounds, all-to-all; printed as the daemons log them) and default 1 s rounds. The daemons
 * run as bin/ runs them, from a copy of slave-daemon/target taken at the start, so one run measures one build. Each of {@code --kills} times it
 * waits until the cluster is converged and stable, kills the CURRENT master with SIGKILL
 * ({@link Process#destroyForcibly}) at a recorded host time t0, waits until the survivors agree on a new master and
 * that master has completed a round, restarts the killed node with its original command and waits for stability again.
 *
 * <p>The phases are read from the daemons' own log lines, whose timestamps (logback, {@code %d{...SSS}} in UTC) come
 * from the same host clock as t0, to the millisecond:
 * <ul>
 *   <li><b>detection</b> = t0 to the first {@code event=peer_suspected peer=<dead master>} at any survivor;</li>
 *   <li><b>election</b> = detection to the moment the last survivor logged {@code event=cluster_role} naming the new
 *       coordinator in the new epoch (from then on all survivors agree);</li>
 *   <li><b>first round</b> = agreement to the new master's first {@code event=round} (logged when the round
 *       completes);</li>
 *   <li><b>total</b> = t0 to that first round.</li>
 * </ul>
 * The same instants are also estimated from {@code /status} polled every 20 ms ({@code cluster.lastSuspicionAgeMillis},
 * {@code lastRound.ageMillis} back-dated from the poll time) as a cross-check; the largest disagreement is printed.
 * Prints a Markdown table (p50, p99, max; nearest rank) and {@code RESULT} lines.
 *
 * <pre>
 * java -cp "bench/target/bench.jar:bench/target/lib/*" -Dclocksync.root=. org.clocksync.bench.FailoverBench \
 *     [--kills 20] [--election bully|ring] [--base-port 17900]
 * </pre>
 */
public final class FailoverBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final long STRIDE = 100_000;
    private static final long SPREAD_LIMIT_NANOS = 1_000_000;
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STABLE_TIMEOUT = Duration.ofSeconds(180);
    private static final long POLL_MILLIS = 20;
    /** Rounds the master must complete, converged, with all four members, before the next kill. */
    private static final int STABLE_ROUNDS = 3;
    private static final Pattern SUSPECTED = Pattern.compile("event=peer_suspected peer=(\\d+) by=(\\w+)");
    private static final Pattern CLUSTER_ROLE =
            Pattern.compile("event=cluster_role role=(\\w+) coordinator=(\\d+) epoch=(\\d+)");
    private static final Pattern CLUSTER_STARTED = Pattern.compile("event=cluster_started .*?(topology=.*)$");
    private static final Pattern ROUND = Pattern.compile("event=round round=(\\d+) members=(\\d+) included=(\\d+)");
    /** name, id, offset, drift ppm: the factory of the integration tests (offsets of seconds, up to 100 ppm). */
    private static final String[][] NODES = {
        {"LAB", "5", "300ms", "15"}, {"KMC", "1", "2.5s", "40"}, {"MIT", "2", "-1.7s", "-35"},
        {"TAPMI", "3", "4s", "80"}, {"SOLS", "4", "-3.2s", "-100"}};

    private FailoverBench() {
    }

    public static void main(String[] args) throws Exception {
        int kills = 20;
        String election = "bully";
        int basePort = 17900;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--help")) {
                System.out.println("FailoverBench [--kills N (default 20)] [--election bully|ring (default bully)]"
                        + " [--base-port P (default 17900: protocol P+1..P+5, admin P+101..P+105)]");
                return;
            }
            if (i + 1 >= args.length) {
                usage("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--kills" -> kills = parseInt(args[i], args[i + 1]);
                case "--election" -> election = args[i + 1];
                case "--base-port" -> basePort = parseInt(args[i], args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (kills < 1 || kills > 1000) {
            usage("--kills must be between 1 and 1000, got " + kills);
        }
        if (!election.equals("bully") && !election.equals("ring")) {
            usage("--election takes bully or ring, got " + election);
        }
        if (basePort < 1024 || basePort > 65_000) {
            usage("--base-port must be between 1024 and 65000, got " + basePort);
        }
        Path root = Paths.get(System.getProperty("clocksync.root", ".")).toAbsolutePath().normalize();
        new Run(root, election, basePort).measure(kills).print(election, kills);
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage(option + " takes a whole number, got " + value);
            return 0;
        }
    }

    private static void usage(String problem) {
        System.err.println("FailoverBench: " + problem
                + "; use --kills N --election bully|ring --base-port P (--help)");
        System.exit(2);
    }

    /** One failover as measured; times in milliseconds from t0 (host clock), NaN when not seen. */
    record Failover(int kill, int deadId, int newId, long epoch, double detectedMs, String detectedBy,
            double agreedMs, double firstRoundMs, int firstRoundMembers, double fullRoundMs, double statusDetectedMs,
            double statusFirstRoundMs, String problem) {
        double detection() {
            return detectedMs;
        }

        double election() {
            return agreedMs - detectedMs;
        }

        double firstRound() {
            return firstRoundMs - agreedMs;
        }

        double total() {
            return firstRoundMs;
        }

        boolean complete() {
            return problem == null;
        }
    }

    /** The results of all kills, printed as the Markdown table and RESULT lines. */
    record Results(List<Failover> failovers, long termsUsed, String settings) {
        void print(String election, int kills) {
            List<Failover> ok = failovers.stream().filter(Failover::complete).toList();
            System.out.println("Settings: " + settings);
            System.out.println();
            System.out.println("| " + election + ", " + ok.size() + " of " + kills + " failovers | p50 ms | p99 ms |"
                    + " max ms |");
            System.out.println("|---|---:|---:|---:|");
            row("detection (kill to first suspicion)", ok, Failover::detection);
            row("election (suspicion to all survivors agree)", ok, Failover::election);
            row("first round (agreement to new master's first round)", ok, Failover::firstRound);
            row("**total** (kill to first round)", ok, Failover::total);
            row("first round with all 3 other survivors (from kill)", ok, Failover::fullRoundMs);
            System.out.println();
            double p50 = percentile(ok, Failover::total, 0.50);
            double p99 = percentile(ok, Failover::total, 0.99);
            boolean met = ok.size() == kills && p50 < 1000 && p99 < 2000;
            double crossCheck = 0;
            int crossChecked = 0;
            for (Failover f : ok) {
                if (!Double.isNaN(f.statusDetectedMs()) && !Double.isNaN(f.statusFirstRoundMs())) {
                    crossChecked++;
                    crossCheck = Math.max(crossCheck, Math.abs(f.statusDetectedMs() - f.detectedMs()));
                    crossCheck = Math.max(crossCheck, Math.abs(f.statusFirstRoundMs() - f.firstRoundMs()));
                }
            }
            long byNotice = ok.stream().filter(f -> "notice".equals(f.detectedBy())).count();
            int minMembers = ok.stream().mapToInt(Failover::firstRoundMembers).min().orElse(0);
            System.out.printf(Locale.ROOT, "Goal (p50 total under 1 s, p99 under 2 s): %s: p50 %.0f ms, p99 %.0f ms"
                    + "%s.%n", met ? "met" : "NOT met", p50, p99,
                    ok.size() == kills ? "" : "; " + (kills - ok.size()) + " failovers did not complete");
            // Bully: each kill elects the next node, and each restarted master takes over again; Ring: only the kill.
            long expectedTerms = election.equals("bully") ? 2L * kills : kills;
            System.out.printf(Locale.ROOT, "Elections won during the run (epoch terms): %d, expected %d (%s)%s.%n",
                    termsUsed, expectedTerms, election.equals("bully")
                            ? "one per kill and one per returning node taking over again" : "one per kill",
                    termsUsed > expectedTerms ? "; the extra ones followed suspicions of live nodes, e.g. an event loop"
                            + " or JVM stalled past the suspicion timeout on this busy machine" : "");
            System.out.println();
            System.out.println("Per kill (ms from the kill; epoch of the new master; members of its first round"
                    + " counting itself):");
            System.out.println();
            System.out.println("| kill | killed | new master | epoch | detected | by | all agree | first round |"
                    + " members | all 3 others in |");
            System.out.println("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
            for (Failover f : failovers) {
                if (f.complete()) {
                    System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.0f | %s | %.0f | %.0f | %d | %.0f |%n",
                            f.kill(), f.deadId(), f.newId(), f.epoch(), f.detectedMs(), f.detectedBy(), f.agreedMs(),
                            f.firstRoundMs(), f.firstRoundMembers(), f.fullRoundMs());
                } else {
                    System.out.printf(Locale.ROOT, "| %d | %d | - | - | - | - | - | - | - | - | %s%n", f.kill(),
                            f.deadId(), f.problem());
                }
            }
            System.out.println();
            for (String[] phase : new String[][] {{"detection", "d"}, {"election", "e"}, {"first_round", "r"},
                {"total", "t"}}) {
                java.util.function.ToDoubleFunction<Failover> get = switch (phase[1]) {
                    case "d" -> Failover::detection;
                    case "e" -> Failover::election;
                    case "r" -> Failover::firstRound;
                    default -> Failover::total;
                };
                System.out.printf(Locale.ROOT, "RESULT election=%s phase=%s kills=%d completed=%d p50_ms=%.1f"
                        + " p99_ms=%.1f max_ms=%.1f%n", election, phase[0], kills, ok.size(),
                        percentile(ok, get, 0.50), percentile(ok, get, 0.99), percentile(ok, get, 1.0));
            }
            System.out.printf(Locale.ROOT, "RESULT election=%s goal_p50_under_1s_p99_under_2s=%s detected_by_notice=%d"
                    + " min_first_round_members=%d status_crosschecked=%d status_crosscheck_max_diff_ms=%.0f"
                    + " elections_won=%d elections_expected=%d%n", election, met, byNotice, minMembers, crossChecked,
                    crossCheck, termsUsed, expectedTerms);
        }

        private static void row(String name, List<Failover> ok, java.util.function.ToDoubleFunction<Failover> get) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |%n", name, percentile(ok, get, 0.50),
                    percentile(ok, get, 0.99), percentile(ok, get, 1.0));
        }

        /** Nearest rank: with 20 samples p50 is the 10th smallest and p99 the largest. */
        static double percentile(List<Failover> list, java.util.function.ToDoubleFunction<Failover> get, double p) {
            double[] v = list.stream().mapToDouble(get).sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p * v.length);
            return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
        }
    }

    /** One cluster and its kills. */
    private static final class Run {
        private final Path root;
        private final String election;
        private final List<Daemon> nodes = new ArrayList<>();
        /** Elections won between the first stable state and the last (epoch terms), -1 until known. */
        private long termsUsed = -1;

        /** A private copy of the daemon jars, so that every kill of a run measures the same build. */
        private final DaemonJars jars;

        Run(Path root, String election, int basePort) throws IOException {
            this.root = root;
            this.election = election;
            for (String[] n : NODES) {
                int id = Integer.parseInt(n[1]);
                requireFree(basePort + id);
                requireFree(basePort + 100 + id);
            }
            this.jars = DaemonJars.copy(root, "clocksync-failover-bench");
            for (String[] n : NODES) {
                int id = Integer.parseInt(n[1]);
                boolean master = id == 5;
                List<String> peers = new ArrayList<>();
                for (String[] q : NODES) {
                    if (q != n) {
                        peers.add(q[1] + "@127.0.0.1:" + (basePort + Integer.parseInt(q[1])));
                    }
                }
                // As bin/master-daemon and bin/slave-daemon run them (same JVM options), from the private copy.
                List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                                .toString(), "-Xmx96m", "-XX:+UseSerialGC", "-Xss512k", "-cp",
                        jars.classpath(master), DaemonJars.mainClass(master),
                        "--id", n[1], "--name", n[0],
                        "--listen", "127.0.0.1:" + (basePort + id), "--admin", "127.0.0.1:" + (basePort + 100 + id),
                        "--sim-offset", n[2], "--sim-drift-ppm", n[3], "--peers", String.join(",", peers),
                        "--election", election));
                if (!master) {
                    cmd.addAll(List.of("--master", "127.0.0.1:" + (basePort + 5)));
                }
                Path log = root.resolve("bench/target/failover-" + election + "-" + n[0] + ".log");
                nodes.add(new Daemon(n[0], id, basePort + 100 + id, cmd, log));
            }
        }

        private void deleteJars() {
            jars.close();
        }

        private static void requireFree(int port) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use; pick other ports with"
                        + " --base-port");
            }
        }

        Results measure(int kills) throws Exception {
            Thread reaper = new Thread(() -> nodes.forEach(Daemon::kill));
            Runtime.getRuntime().addShutdownHook(reaper);
            List<Failover> failovers = new ArrayList<>();
            try {
                // The master first, then one line at a time, each once it answers: five JVMs starting at once on a
                // small machine stall each other's event loops long enough to be suspected.
                for (Daemon d : nodes) {
                    Files.deleteIfExists(d.log);
                    d.start();
                    d.awaitAnswering();
                }
                Stable first = null;
                for (int k = 1; k <= kills; k++) {
                    long waitStarted = System.nanoTime();
                    Stable before = awaitStable();
                    // Polled again just before the kill: the master must not have changed since (a handback).
                    for (int attempt = 1; !stillMaster(before); attempt++) {
                        if (attempt >= 10) {
                            throw new IllegalStateException("the master kept changing between the stability check"
                                    + " and the kill; see " + root.resolve("bench/target") + "/failover-" + election
                                    + "-*.log");
                        }
                        before = awaitStable();
                    }
                    System.err.printf(Locale.ROOT, "FailoverBench: stable after %.1f s: master %d, epoch %d%n",
                            (System.nanoTime() - waitStarted) / 1e9, before.masterId(), before.epoch());
                    if (first == null) {
                        first = before;
                    }
                    Failover f = killMaster(k, before);
                    failovers.add(f);
                    if (f.complete()) {
                        System.err.printf(Locale.ROOT, "FailoverBench: kill %d of %d: master %d -> %d (epoch %d):"
                                + " detection %.0f ms (%s), election %.0f ms, first round %.0f ms (%d members),"
                                + " total %.0f ms; status cross-check: detection %.0f ms, first round %.0f ms%n",
                                k, kills, f.deadId(), f.newId(), f.epoch(), f.detection(), f.detectedBy(),
                                f.election(), f.firstRound(), f.firstRoundMembers(), f.total(), f.statusDetectedMs(),
                                f.statusFirstRoundMs());
                    } else {
                        System.err.printf("FailoverBench: kill %d of %d: master %d: %s%n", k, kills, f.deadId(),
                                f.problem());
                    }
                    byId(f.deadId()).start();
                }
                Stable end = awaitStable();
                termsUsed = end.epoch() / STRIDE - first.epoch() / STRIDE;
            } finally {
                nodes.forEach(Daemon::stop);
                Runtime.getRuntime().removeShutdownHook(reaper);
                deleteJars();
            }
            return new Results(failovers, termsUsed, "--election " + election + ", every other cluster option at its default"
                    + " (the daemons logged: " + clusterSettings() + "), --interval 1s (default), 5 daemons on loopback, "
                    + kills + (kills == 1 ? " kill" : " kills") + " of the current master (SIGKILL)");
        }

        /** The cluster settings in force, as the first daemon logged them at start (event=cluster_started). */
        private String clusterSettings() throws IOException {
            for (String line : nodes.get(0).linesFrom(0)) {
                Matcher m = CLUSTER_STARTED.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            return "no event=cluster_started line";
        }

        private boolean stillMaster(Stable before) {
            JsonNode s = byId(before.masterId()).status();
            return s != null && "MASTER".equals(s.path("role").asText()) && s.path("epoch").asLong() == before.epoch();
        }

        /** The state before a kill: who is master, in which epoch. */
        record Stable(int masterId, long epoch) {
        }

        /**
         * Waits until all five answer, agree on one coordinator and epoch with exactly one MASTER, every node sees
         * every peer alive, the master has all four members and completed {@link #STABLE_ROUNDS} rounds since, and the
         * spread is under 1 ms.
         */
        private Stable awaitStable() throws Exception {
            long deadline = System.nanoTime() + STABLE_TIMEOUT.toNanos();
            long masterRoundsAtAgreement = -1;
            String why = "";
            while (System.nanoTime() < deadline) {
                Thread.sleep(100);
                for (Daemon d : nodes) {
                    if (!d.alive()) {
                        throw new IllegalStateException(d.name + " exited; see " + d.log);
                    }
                }
                List<JsonNode> all = new ArrayList<>();
                for (Daemon d : nodes) {
                    JsonNode s = d.status();
                    if (s != null) {
                        all.add(s);
                    }
                }
                if (all.size() < nodes.size()) {
                    why = "not every node answers /status";
                    masterRoundsAtAgreement = -1;
                    continue;
                }
                long epoch = all.get(0).path("epoch").asLong();
                int coordinator = all.get(0).path("coordinatorId").asInt();
                List<JsonNode> masters = all.stream().filter(s -> "MASTER".equals(s.path("role").asText())).toList();
                boolean agree = all.stream().allMatch(s -> s.path("epoch").asLong() == epoch
                        && s.path("coordinatorId").asInt() == coordinator);
                boolean allAlive = all.stream().allMatch(s -> {
                    for (JsonNode p : s.path("cluster").path("peers")) {
                        if (!"alive".equals(p.path("state").asText())) {
                            return false;
                        }
                    }
                    return s.path("cluster").path("peers").size() == nodes.size() - 1;
                });
                if (!agree || masters.size() != 1 || masters.get(0).path("id").asInt() != coordinator || !allAlive) {
                    why = "no agreement: " + summary(all);
                    masterRoundsAtAgreement = -1;
                    continue;
                }
                // Bully: a returning higher node takes the lead back once the cluster has corrected its clock
                // (readyToLead); until then the lower coordinator is only standing in.
                if (election.equals("bully") && coordinator != highestId()) {
                    why = "Bully handback to node " + highestId() + " pending: " + summary(all);
                    masterRoundsAtAgreement = -1;
                    continue;
                }
                JsonNode master = masters.get(0);
                long rounds = master.path("roundsCompleted").asLong();
                if (master.path("members").size() != nodes.size() - 1) {
                    why = "master " + coordinator + " has " + master.path("members").size() + " members";
                    masterRoundsAtAgreement = -1;
                    continue;
                }
                if (masterRoundsAtAgreement < 0) {
                    masterRoundsAtAgreement = rounds;
                }
                long spread = spread(all);
                if (spread >= SPREAD_LIMIT_NANOS) {
                    why = String.format(Locale.ROOT, "spread %.1f us", spread / 1e3);
                    continue;
                }
                if (rounds >= masterRoundsAtAgreement + STABLE_ROUNDS) {
                    return new Stable(coordinator, epoch);
                }
                why = "waiting for " + STABLE_ROUNDS + " rounds with all members";
            }
            throw new IllegalStateException("the cluster was not stable within " + STABLE_TIMEOUT.toSeconds()
                    + " s (" + why + "); see " + root.resolve("bench/target") + "/failover-" + election + "-*.log");
        }

        private static String summary(List<JsonNode> all) {
            StringBuilder b = new StringBuilder();
            for (JsonNode s : all) {
                b.append(s.path("id").asInt()).append(':').append(s.path("role").asText()).append("/c")
                        .append(s.path("coordinatorId").asInt()).append("/e").append(s.path("epoch").asLong())
                        .append(' ');
            }
            return b.toString().trim();
        }

        private static long spread(List<JsonNode> all) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (JsonNode s : all) {
                long offset = s.path("clockOffsetFromHostNanos").asLong();
                min = Math.min(min, offset);
                max = Math.max(max, offset);
            }
            return max - min;
        }

        private int highestId() {
            return nodes.stream().mapToInt(d -> d.id).max().orElseThrow();
        }

        private Daemon byId(int id) {
            return nodes.stream().filter(d -> d.id == id).findFirst().orElseThrow();
        }

        /** Kills the master, waits for the survivors to agree and run a round, and reads the phases from the logs. */
        private Failover killMaster(int k, Stable before) throws Exception {
            Daemon dead = byId(before.masterId());
            List<Daemon> survivors = nodes.stream().filter(d -> d != dead).toList();
            Map<Daemon, Long> logStart = new LinkedHashMap<>();
            for (Daemon d : survivors) {
                logStart.put(d, d.logSize());
            }
            long t0Micros = nowMicros();
            dead.kill();

            // Poll /status until the survivors agree on one new master that completed a round (and, for the extra
            // figure, one with all three lines). Meanwhile note the /status view of the same instants.
            long deadline = System.nanoTime() + FAILOVER_TIMEOUT.toNanos();
            double statusDetectedMs = Double.NaN;
            double statusFirstRoundMs = Double.NaN;
            int newId = 0;
            long newEpoch = 0;
            boolean done = false;
            String last = "";
            while (System.nanoTime() < deadline && !done) {
                Thread.sleep(POLL_MILLIS);
                List<JsonNode> all = new ArrayList<>();
                for (Daemon d : survivors) {
                    long sentMicros = nowMicros();
                    JsonNode s = d.status();
                    // The daemon computed its ages somewhere between request and response: take the midpoint.
                    long polledMicros = (sentMicros + nowMicros()) / 2;
                    if (s == null) {
                        continue;
                    }
                    all.add(s);
                    JsonNode age = s.path("cluster").path("lastSuspicionAgeMillis");
                    if (age.isNumber()) {
                        double at = (polledMicros - t0Micros) / 1e3 - age.asLong();
                        if (at >= -1 && (Double.isNaN(statusDetectedMs) || at < statusDetectedMs)) {
                            statusDetectedMs = at;
                        }
                    }
                    if ("MASTER".equals(s.path("role").asText()) && s.path("epoch").asLong() > before.epoch()
                            && s.path("roundsCompleted").asLong() >= 1 && Double.isNaN(statusFirstRoundMs)
                            && s.path("lastRound").path("roundId").asLong() == 1) {
                        statusFirstRoundMs = (polledMicros - t0Micros) / 1e3
                                - s.path("lastRound").path("ageMillis").asLong();
                    }
                }
                if (all.size() < survivors.size()) {
                    last = "not every survivor answers /status";
                    continue;
                }
                long epoch = all.get(0).path("epoch").asLong();
                int coordinator = all.get(0).path("coordinatorId").asInt();
                List<JsonNode> masters = all.stream().filter(s -> "MASTER".equals(s.path("role").asText())).toList();
                boolean agree = epoch > before.epoch() && epoch % STRIDE == coordinator
                        && all.stream().allMatch(s -> s.path("epoch").asLong() == epoch
                                && s.path("coordinatorId").asInt() == coordinator);
                last = summary(all);
                if (agree && masters.size() == 1 && masters.get(0).path("id").asInt() == coordinator) {
                    JsonNode m = masters.get(0);
                    boolean fullRound = m.path("lastRound").path("members").size() == survivors.size();
                    if (m.path("roundsCompleted").asLong() >= 1 && fullRound) {
                        newId = coordinator;
                        newEpoch = epoch;
                        done = true;
                    }
                }
            }
            if (!done) {
                return new Failover(k, dead.id, 0, 0, Double.NaN, "", Double.NaN, Double.NaN, 0, Double.NaN,
                        Double.NaN, Double.NaN, "no agreement with a completed round within "
                        + FAILOVER_TIMEOUT.toSeconds() + " s; last seen: " + last);
            }

            // The phases from the logs.
            double detectedMs = Double.NaN;
            String detectedBy = "";
            double agreedMs = Double.NEGATIVE_INFINITY;
            double firstRoundMs = Double.NaN;
            int firstRoundMembers = 0;
            double fullRoundMs = Double.NaN;
            for (Daemon d : survivors) {
                double agreedHere = Double.NaN;
                boolean coordinatorSeen = false;
                for (String line : d.linesFrom(logStart.get(d))) {
                    double at = logMillis(line, t0Micros);
                    if (Double.isNaN(at)) {
                        continue;
                    }
                    Matcher s = SUSPECTED.matcher(line);
                    if (s.find() && Integer.parseInt(s.group(1)) == dead.id
                            && (Double.isNaN(detectedMs) || at < detectedMs)) {
                        detectedMs = at;
                        detectedBy = s.group(2);
                    }
                    Matcher r = CLUSTER_ROLE.matcher(line);
                    if (r.find() && Integer.parseInt(r.group(2)) == newId && Long.parseLong(r.group(3)) == newEpoch
                            && Double.isNaN(agreedHere)) {
                        agreedHere = at;
                        coordinatorSeen = d.id == newId;
                    }
                    Matcher round = ROUND.matcher(line);
                    if (round.find() && coordinatorSeen) {
                        int members = Integer.parseInt(round.group(2));
                        if (Double.isNaN(firstRoundMs)) {
                            firstRoundMs = at;
                            firstRoundMembers = members;
                        }
                        if (members == survivors.size() && Double.isNaN(fullRoundMs)) {
                            fullRoundMs = at;
                        }
                    }
                }
                if (Double.isNaN(agreedHere)) {
                    return failed(k, dead, d.name + "'s log has no event=cluster_role naming " + newId + " in epoch "
                            + newEpoch + " although its /status did");
                }
                agreedMs = Math.max(agreedMs, agreedHere);
            }
            if (Double.isNaN(detectedMs)) {
                return failed(k, dead, "no survivor logged event=peer_suspected peer=" + dead.id);
            }
            if (Double.isNaN(firstRoundMs) || Double.isNaN(fullRoundMs)) {
                return failed(k, dead, "the new master " + newId + " logged no event=round although /status showed"
                        + " one");
            }
            return new Failover(k, dead.id, newId, newEpoch, detectedMs, detectedBy, agreedMs, firstRoundMs,
                    firstRoundMembers, fullRoundMs, statusDetectedMs, statusFirstRoundMs, null);
        }

        private static Failover failed(int k, Daemon dead, String problem) {
            return new Failover(k, dead.id, 0, 0, Double.NaN, "", Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN,
                    Double.NaN, problem);
        }
    }

    /** Host UTC time in microseconds, the clock logback stamps log lines with (to the millisecond). */
    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * The line's timestamp in ms after t0, NaN when the line has none. The log keeps milliseconds, so a value is up to
     * 1 ms early: the event happened within the millisecond the line names.
     */
    static double logMillis(String line, long t0Micros) {
        int space = line.indexOf(' ');
        if (space < 20) {
            return Double.NaN;
        }
        try {
            Instant at = OffsetDateTime.parse(line.substring(0, space)).toInstant();
            long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
            return (micros - t0Micros) / 1e3;
        } catch (DateTimeParseException e) {
            return Double.NaN;
        }
    }

    /** One daemon process; its output goes to a log file that survives restarts (appended). */
    private static final class Daemon {
        final String name;
        final int id;
        final int adminPort;
        final List<String> command;
        final Path log;
        private Process process;

        Daemon(String name, int id, int adminPort, List<String> command, Path log) {
            this.name = name;
            this.id = id;
            this.adminPort = adminPort;
            this.command = command;
            this.log = log;
        }

        void start() throws IOException {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }

        /** Waits until the admin port answers (the daemon is ready), at most 60 s. */
        void awaitAnswering() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (status() == null) {
                if (!alive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not start answering /status; see " + log);
                }
                Thread.sleep(50);
            }
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        /** kill -9. */
        void kill() {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** SIGTERM, then SIGKILL after 10 s. */
        void stop() {
            if (process != null && process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        kill();
                    }
                } catch (InterruptedException e) {
                    kill();
                    Thread.currentThread().interrupt();
                }
            }
        }

        long logSize() throws IOException {
            return Files.exists(log) ? Files.size(log) : 0;
        }

        /** The complete lines written since {@code offset}. */
        List<String> linesFrom(long offset) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                long length = f.length();
                byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, length - offset))];
                f.seek(offset);
                f.readFully(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n');
                return end < 0 ? List.of() : Arrays.asList(text.substring(0, end).split("\n"));
            }
        }

        JsonNode status() {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                        + "/status")).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
