package org.clocksync.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.clocksync.node.Node;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.role.MasterRole;
import org.clocksync.protocol.FrameDecoder;
import org.clocksync.protocol.FrameEncoder;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.RejectionCounters;

/**
 * Measures one Berkeley round against a real in-process master with N members on loopback.
 *
 * <p>For each N a fresh master ({@code new Node(options, MasterRole::new)}) is started on its own event loop; the N
 * members are lightweight Netty clients ({@link BenchMember}) that all share ONE other event loop, so on a 2-core
 * machine the master has one core and the members the other. After every member has joined and a few warm-up rounds
 * have passed, R rounds are recorded from the master's own RoundReport as /status shows it ("lastRound"): duration =
 * finishedHostNanos - startedHostNanos, included members, and each member's best (lowest) poll RTT.
 *
 * <p>Prints a Markdown table and one {@code RESULT key=value ...} line per N on stdout; logs go to stderr. Every wait
 * is bounded; the program exits by itself (status 0, or 1 when a member count could not be set up at all).
 *
 * <pre>
 * java -cp "bench/target/bench.jar:bench/target/lib/*" org.clocksync.bench.BerkeleyRoundBench \
 *     --members 10,100,1000 --rounds 20 [--warmup-rounds 10] [--interval-ms 500] [--round-timeout-ms 400] [--burst 4]
 * </pre>
 */
public final class BerkeleyRoundBench {
    private static final int MASTER_ID = 1;
    private static final int CONNECTS_IN_FLIGHT = 100;
    private static final long JOIN_TIMEOUT_MILLIS = 60_000;
    private static final long STATUS_TIMEOUT_MILLIS = 5_000;
    /** The issue's goal for a 1000-member round on this machine. */
    private static final double GOAL_MILLIS = 100.0;

    private BerkeleyRoundBench() {
    }

    /** The command line, with defaults. */
    static final class Settings {
        int[] members = {10, 100, 1000};
        int rounds = 20;
        int warmupRounds = 10;
        long intervalMillis = 500;
        long roundTimeoutMillis = 400;
        int burst = 4;
        int masterWarmupExchanges = 5_000;

        static Settings parse(String[] args) {
            Settings s = new Settings();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    System.out.println("usage: BerkeleyRoundBench [--members 10,100,1000] [--rounds 20]"
                            + " [--warmup-rounds 10] [--interval-ms 500] [--round-timeout-ms 400] [--burst 4]"
                            + " [--master-warmup 5000]");
                    System.exit(0);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--members" -> s.members = Arrays.stream(v.split(",")).map(String::trim)
                            .mapToInt(Integer::parseInt).toArray();
                    case "--rounds" -> s.rounds = Integer.parseInt(v);
                    case "--warmup-rounds" -> s.warmupRounds = Integer.parseInt(v);
                    case "--interval-ms" -> s.intervalMillis = Long.parseLong(v);
                    case "--round-timeout-ms" -> s.roundTimeoutMillis = Long.parseLong(v);
                    case "--burst" -> s.burst = Integer.parseInt(v);
                    case "--master-warmup" -> s.masterWarmupExchanges = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
                }
            }
            for (int n : s.members) {
                if (n < 1 || n > 4000) {
                    throw new IllegalArgumentException("--members must be between 1 and 4000 each, got " + n);
                }
            }
            if (s.rounds < 1 || s.warmupRounds < 0) {
                throw new IllegalArgumentException("--rounds must be at least 1 and --warmup-rounds at least 0");
            }
            return s;
        }
    }

    /** One recorded round, from the master's RoundReport. */
    /** {@code notIncluded}: how many members had each status other than INCLUDED (NO_REPLY, EXCLUDED, ...). */
    record RoundSample(long roundId, long durationMicros, int members, int included, Map<String, Integer> notIncluded,
            double meanRttMicros) {
    }

    /** The figures for one member count. */
    record Result(int members, List<RoundSample> rounds, int missedRounds, double heapUsedMb,
            double masterCpuMillisPerRound, double clientCpuMillisPerRound, String problem) {
        boolean allIncluded() {
            return !rounds.isEmpty() && rounds.stream().allMatch(r -> r.included() == members + 1);
        }

        int minIncluded() {
            return rounds.stream().mapToInt(RoundSample::included).min().orElse(0);
        }

        int maxIncluded() {
            return rounds.stream().mapToInt(RoundSample::included).max().orElse(0);
        }

        double percentileMillis(double p) {
            long[] sorted = rounds.stream().mapToLong(RoundSample::durationMicros).sorted().toArray();
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length); // nearest rank
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000.0;
        }

        double medianMillis() {
            long[] sorted = rounds.stream().mapToLong(RoundSample::durationMicros).sorted().toArray();
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int n = sorted.length;
            return (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1000.0;
        }

        double maxMillis() {
            return rounds.stream().mapToLong(RoundSample::durationMicros).max().orElse(0) / 1000.0;
        }

        double meanRttMicros() {
            return rounds.stream().mapToDouble(RoundSample::meanRttMicros).average().orElse(Double.NaN);
        }
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            // logs to stderr so that stdout carries only the figures; must be set before the first logger exists
            System.setProperty("logback.configurationFile", "logback-bench.xml");
        }
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("BerkeleyRoundBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Result> results = new ArrayList<>();
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            for (int n : settings.members) {
                System.err.printf(Locale.ROOT, "bench: members=%d starting%n", n);
                Result r = runOne(n, settings, clientGroup);
                results.add(r);
                System.err.printf(Locale.ROOT, "bench: members=%d done: %d rounds, median %.2f ms%s%n", n,
                        r.rounds().size(), r.medianMillis(), r.problem() == null ? "" : " (" + r.problem() + ")");
            }
        } finally {
            clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        print(settings, results);
        boolean allMeasured = results.stream().allMatch(r -> !r.rounds().isEmpty());
        if (!allMeasured) {
            System.exit(1);
        }
    }

    private static Result runOne(int n, Settings s, EventLoopGroup clientGroup) {
        DaemonOptions o = new DaemonOptions();
        o.id = MASTER_ID;
        o.name = "bench-master";
        o.listen = new HostPort("127.0.0.1", 0);
        o.admin = new HostPort("127.0.0.1", 0);
        o.intervalNanos = s.intervalMillis * 1_000_000L;
        o.roundTimeoutNanos = s.roundTimeoutMillis * 1_000_000L;
        o.burst = s.burst;
        o.maxConnections = n + 64;
        o.maxConnectionsPerAddress = n + 64;
        o.warmupExchanges = s.masterWarmupExchanges;
        String problem = o.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        RoundTracker tracker = new RoundTracker(n);
        List<Channel> channels = new ArrayList<>(n);
        Node node = new Node(o, MasterRole::new).start();
        try {
            HostPort master = node.boundListen();
            String joinProblem = connectAll(n, master, clientGroup, tracker, channels);
            if (joinProblem != null) {
                return new Result(n, List.of(), 0, heapUsedMb(), 0, 0, joinProblem);
            }
            return measure(n, s, node, clientGroup, tracker);
        } finally {
            for (Channel c : channels) {
                c.close();
            }
            long closeDeadline = System.nanoTime() + 5_000_000_000L; // 5 s for all of them together
            for (Channel c : channels) {
                c.closeFuture().awaitUninterruptibly(Math.max(1, closeDeadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            }
            node.close();
        }
    }

    /** Connects n members, at most {@link #CONNECTS_IN_FLIGHT} at a time; returns null or what went wrong. */
    private static String connectAll(int n, HostPort master, EventLoopGroup group, RoundTracker tracker,
            List<Channel> channels) {
        FrameEncoder encoder = new FrameEncoder();
        RejectionCounters rejections = new RejectionCounters();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_TIMEOUT_MILLIS);
        for (int first = 0; first < n; first += CONNECTS_IN_FLIGHT) {
            List<ChannelFuture> batch = new ArrayList<>();
            for (int i = first; i < Math.min(n, first + CONNECTS_IN_FLIGHT); i++) {
                int memberId = MASTER_ID + 1 + i;
                // offsets spread over +-20 ms and drifts over +-50 ppm: under the 50 ms max deviation, so everyone
                // is included; under the 100 ms step threshold, so the first corrections are slewed
                long offsetNanos = ((i * 7919L) % 41 - 20) * 1_000_000L;
                double driftPpm = (i * 31 % 101) - 50;
                BenchMember member = new BenchMember(memberId, offsetNanos, driftPpm, tracker);
                batch.add(new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new FrameDecoder(rejections), encoder, member);
                            }
                        })
                        .connect(master.toSocketAddress()));
            }
            batch.forEach(f -> channels.add(f.channel())); // all closed by the caller, whatever happens next
            for (int k = 0; k < batch.size(); k++) {
                ChannelFuture f = batch.get(k);
                if (!f.awaitUninterruptibly(10, TimeUnit.SECONDS) || !f.isSuccess()) {
                    return "connecting member " + (first + k + 1) + " of " + n + " failed: "
                            + (f.cause() == null ? "timed out" : f.cause().getMessage());
                }
            }
        }
        while (tracker.joinedCount() < n && System.nanoTime() < deadline) {
            if (tracker.refusedCount() > 0) {
                return tracker.refusedCount() + " members were refused by the master (see the log)";
            }
            sleepMillis(10);
        }
        if (tracker.joinedCount() < n) {
            return "only " + tracker.joinedCount() + " of " + n + " members were welcomed within "
                    + JOIN_TIMEOUT_MILLIS / 1000 + " s";
        }
        return null;
    }

    private static Result measure(int n, Settings s, Node node, EventLoopGroup clientGroup, RoundTracker tracker) {
        // the master's own view: every member listed
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_TIMEOUT_MILLIS);
        Map<String, Object> status = status(node);
        while (membersListed(status) < n && System.nanoTime() < deadline) {
            sleepMillis(50);
            status = status(node);
        }
        if (membersListed(status) < n) {
            return new Result(n, List.of(), 0, heapUsedMb(), 0, 0,
                    "the master lists only " + membersListed(status) + " of " + n + " members");
        }
        // the round in progress now may have started before the last member joined: skip it
        long firstUsableRound = roundId(lastRound(status)) + 2;
        tracker.completedRounds().clear();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long masterThread = threadIdOf(node.context().loop);
        long clientThread = threadIdOf(clientGroup.next());
        long masterCpuStart = threads.getThreadCpuTime(masterThread);
        long clientCpuStart = threads.getThreadCpuTime(clientThread);

        long intervalNanos = s.intervalMillis * 1_000_000L;
        long roundTimeoutNanos = s.roundTimeoutMillis * 1_000_000L;
        int wanted = s.warmupRounds + s.rounds;
        long runDeadline = System.nanoTime() + (wanted + 10L) * intervalNanos * 2 + 10_000_000_000L;
        List<RoundSample> samples = new ArrayList<>();
        long nextToRead = firstUsableRound;
        long warmupEndRound = firstUsableRound - 1; // stays so only without warm-up rounds
        long lastMeasuredRound = -1;
        long nextOverdueCheckNanos = 0;
        int accepted = 0;
        while (samples.size() < s.rounds && System.nanoTime() < runDeadline) {
            // Read /status once per round, after the master finished it and before the next one starts, so the
            // master's loop never builds a status page mid-round: normally when every member has its adjust
            // (the master sends them when it finishes the round); if some member gets none (left out), once the
            // round timeout has passed since that round's first poll.
            Long completed;
            try {
                completed = tracker.completedRounds().poll(5, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = System.nanoTime();
            RoundTracker.RoundStart start = tracker.latestStart();
            boolean due = completed != null && completed >= nextToRead;
            String trigger = "all adjusted";
            if (!due && start != null && start.roundId() >= nextToRead
                    && now - start.firstPollNanos() > roundTimeoutNanos + 30_000_000L
                    && now >= nextOverdueCheckNanos) {
                due = true;
                trigger = "timeout since first poll";
                nextOverdueCheckNanos = now + 20_000_000L;
            }
            if (!due) {
                continue;
            }
            Map<String, Object> lastRound = lastRound(status(node));
            long id = roundId(lastRound);
            if (id < nextToRead) {
                continue; // not finished yet (a late tick); checked again in 20 ms
            }
            if (id > nextToRead && accepted > 0) {
                System.err.printf(Locale.ROOT, "bench: members=%d missed rounds %d..%d%n", n, nextToRead, id - 1);
            }
            nextToRead = id + 1;
            accepted++;
            System.err.printf(Locale.ROOT, "bench: members=%d round=%d %s durationMicros=%s included=%s read=%s%n", n,
                    id, accepted <= s.warmupRounds ? "warm-up" : "measured", lastRound.get("durationMicros"),
                    lastRound.get("included"), trigger);
            if (accepted == s.warmupRounds) {
                // the CPU window runs from the end of the last warm-up round to the end of the last measured one
                warmupEndRound = id;
                masterCpuStart = threads.getThreadCpuTime(masterThread);
                clientCpuStart = threads.getThreadCpuTime(clientThread);
            } else if (accepted > s.warmupRounds) {
                samples.add(sample(lastRound));
                lastMeasuredRound = id;
            }
        }
        long masterCpu = threads.getThreadCpuTime(masterThread) - masterCpuStart;
        long clientCpu = threads.getThreadCpuTime(clientThread) - clientCpuStart;
        int missed = samples.isEmpty() ? 0
                : (int) (samples.get(samples.size() - 1).roundId() - samples.get(0).roundId() + 1 - samples.size());
        int intervals = (int) Math.max(1, lastMeasuredRound - warmupEndRound);
        String problem = null;
        if (samples.size() < s.rounds) {
            problem = "only " + samples.size() + " of " + s.rounds + " rounds recorded before the deadline";
        }
        Map<String, Integer> notIncluded = new TreeMap<>();
        samples.forEach(r -> r.notIncluded().forEach((k, v) -> notIncluded.merge(k, v, Integer::sum)));
        long roundsShort = samples.stream().filter(r -> r.included() != n + 1 || r.members() != n + 1).count();
        if (roundsShort > 0) {
            problem = (problem == null ? "" : problem + "; ") + roundsShort + " of " + samples.size()
                    + " rounds did not include all " + (n + 1) + " nodes (member results not included, by status,"
                    + " over all measured rounds: " + notIncluded + ")";
        }
        if (tracker.disconnectedCount() > 0) {
            problem = (problem == null ? "" : problem + "; ") + tracker.disconnectedCount() + " members disconnected";
        }
        return new Result(n, samples, missed, heapUsedMb(), masterCpu / 1e6 / intervals, clientCpu / 1e6 / intervals,
                problem);
    }

    @SuppressWarnings("unchecked")
    private static RoundSample sample(Map<String, Object> lastRound) {
        long id = roundId(lastRound);
        long durationMicros = ((Number) lastRound.get("durationMicros")).longValue();
        int included = ((Number) lastRound.get("included")).intValue();
        List<Map<String, Object>> members = (List<Map<String, Object>>) lastRound.get("members");
        long rttSum = 0;
        int rttCount = 0;
        Map<String, Integer> notIncluded = new TreeMap<>();
        for (Map<String, Object> m : members) {
            if (((Number) m.get("id")).intValue() == MASTER_ID) {
                continue;
            }
            String status = String.valueOf(m.get("status"));
            if (!"INCLUDED".equals(status)) {
                notIncluded.merge(status, 1, Integer::sum);
            }
            if (!"NO_REPLY".equals(status)) {
                rttSum += ((Number) m.get("rttNanos")).longValue();
                rttCount++;
            }
        }
        return new RoundSample(id, durationMicros, members.size(), included, notIncluded,
                rttCount == 0 ? Double.NaN : rttSum / 1000.0 / rttCount);
    }

    private static final ObjectMapper STATUS_READER = new ObjectMapper();

    /** The master's /status as the admin server would write it, read back as maps (the bench picks a few fields). */
    private static Map<String, Object> status(Node node) {
        try {
            return STATUS_READER.convertValue(node.status().get(STATUS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS),
                    new TypeReference<Map<String, Object>>() { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the master's status", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the master's status: " + e, e);
        }
    }

    private static int membersListed(Map<String, Object> status) {
        Object members = status.get("members");
        return members instanceof List<?> list ? list.size() : 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lastRound(Map<String, Object> status) {
        return (Map<String, Object>) status.get("lastRound");
    }

    private static long roundId(Map<String, Object> lastRound) {
        return lastRound == null ? 0 : ((Number) lastRound.get("roundId")).longValue();
    }

    private static long threadIdOf(java.util.concurrent.Executor loop) {
        CompletableFuture<Long> id = new CompletableFuture<>();
        loop.execute(() -> id.complete(Thread.currentThread().getId()));
        try {
            return id.get(STATUS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("event loop did not answer: " + e, e);
        }
    }

    private static double heapUsedMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void print(Settings s, List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Settings: interval %d ms, round timeout %d ms, burst %d polls per member,"
                        + " %d warm-up rounds then %d measured rounds per member count.%n%n",
                s.intervalMillis, s.roundTimeoutMillis, s.burst, s.warmupRounds, s.rounds));
        out.append("| members | rounds measured | included per round (need N+1) | median round ms | p90 round ms"
                + " | max round ms | mean best RTT µs | heap used after GC MB | master loop CPU ms/interval"
                + " | member loop CPU ms/interval |\n");
        out.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            long full = r.rounds().stream().filter(x -> x.included() == r.members() + 1).count();
            String included = r.rounds().isEmpty() ? "n/a"
                    : r.allIncluded() ? "all " + (r.members() + 1) + " every round"
                    : "all " + (r.members() + 1) + " in only " + full + " of " + r.rounds().size()
                            + " rounds (min " + r.minIncluded() + ")";
            out.append(String.format(Locale.ROOT, "| %d | %d%s | %s | %.2f | %.2f | %.2f | %.0f | %.1f | %.1f | %.1f |%n",
                    r.members(), r.rounds().size(), r.missedRounds() > 0 ? " (" + r.missedRounds() + " missed)" : "",
                    included, r.medianMillis(), r.percentileMillis(90), r.maxMillis(), r.meanRttMicros(),
                    r.heapUsedMb(), r.masterCpuMillisPerRound(), r.clientCpuMillisPerRound()));
        }
        for (Result r : results) {
            if (r.members() == 1000 && !r.rounds().isEmpty()) {
                out.append(String.format(Locale.ROOT, "%nGoal, a 1000-member round in under %.0f ms: median %.2f ms,"
                                + " p90 %.2f ms, max %.2f ms: %s.%n", GOAL_MILLIS, r.medianMillis(),
                        r.percentileMillis(90), r.maxMillis(),
                        r.maxMillis() < GOAL_MILLIS ? "met by every measured round"
                                : r.medianMillis() < GOAL_MILLIS ? "met by the median round, NOT by the slowest"
                                : "NOT met"));
            }
        }
        for (Result r : results) {
            if (r.problem() != null) {
                out.append(String.format(Locale.ROOT, "%nNote for %d members: %s.%n", r.members(), r.problem()));
            }
        }
        out.append('\n');
        for (Result r : results) {
            out.append(String.format(Locale.ROOT,
                    "RESULT members=%d rounds=%d missed=%d included_min=%d included_max=%d all_included=%b"
                            + " median_ms=%.3f p90_ms=%.3f max_ms=%.3f mean_best_rtt_us=%.1f heap_used_mb=%.1f"
                            + " master_cpu_ms_per_interval=%.2f member_cpu_ms_per_interval=%.2f median_under_%dms=%b"
                            + " max_under_%dms=%b%s%n",
                    r.members(), r.rounds().size(), r.missedRounds(), r.minIncluded(), r.maxIncluded(),
                    r.allIncluded(), r.medianMillis(), r.percentileMillis(90), r.maxMillis(), r.meanRttMicros(),
                    r.heapUsedMb(), r.masterCpuMillisPerRound(), r.clientCpuMillisPerRound(), (int) GOAL_MILLIS,
                    !r.rounds().isEmpty() && r.medianMillis() < GOAL_MILLIS, (int) GOAL_MILLIS,
                    !r.rounds().isEmpty() && r.maxMillis() < GOAL_MILLIS,
                    r.problem() == null ? "" : " problem=\"" + r.problem().replace('"', '\'') + "\""));
        }
        System.out.print(out);
        System.out.flush();
    }
}
