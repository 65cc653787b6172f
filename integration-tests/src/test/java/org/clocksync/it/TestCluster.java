package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The factory on loopback: the LAB master and the four production lines as real daemon processes. */
final class TestCluster implements AutoCloseable {
    static final String MASTER_MAIN = "org.clocksync.master.MasterDaemon";
    static final String SLAVE_MAIN = "org.clocksync.slave.SlaveDaemon";

    final DaemonProcess master;
    final List<DaemonProcess> lines = new ArrayList<>();
    private final List<String> commonArgs;
    private final String leakDetection;

    private TestCluster(List<String> commonArgs, List<String> masterArgs, String leakDetection) {
        this.commonArgs = commonArgs;
        this.leakDetection = leakDetection;
        List<String> args = new ArrayList<>(commonArgs);
        args.addAll(masterArgs);
        args.addAll(List.of("--sim-offset", "300ms", "--sim-drift-ppm", "15"));
        this.master = new DaemonProcess(MASTER_MAIN, "LAB", 5, Ports.free(), Ports.free(), args, leakDetection);
    }

    /** LAB and KMC, MIT, TAPMI, SOLS with offsets of seconds and drifts up to 100 ppm. */
    static TestCluster factory(List<String> commonArgs, List<String> masterArgs) throws IOException {
        return factory(commonArgs, masterArgs, "simple");
    }

    /** The same, with Netty leak detection at {@code leakDetection} in every daemon (see DaemonProcess). */
    static TestCluster factory(List<String> commonArgs, List<String> masterArgs, String leakDetection)
            throws IOException {
        TestCluster c = new TestCluster(commonArgs, masterArgs, leakDetection);
        c.line("KMC", 1, "2.5s", 40);
        c.line("MIT", 2, "-1.7s", -35);
        c.line("TAPMI", 3, "4s", 80);
        c.line("SOLS", 4, "-3.2s", -100);
        return c;
    }

    DaemonProcess line(String name, int id, String offset, double driftPpm) {
        List<String> args = new ArrayList<>(commonArgs);
        args.addAll(List.of("--master", "127.0.0.1:" + master.listenPort, "--sim-offset", offset,
                "--sim-drift-ppm", Double.toString(driftPpm)));
        DaemonProcess p = new DaemonProcess(SLAVE_MAIN, name, id, Ports.free(), Ports.free(), args, leakDetection);
        lines.add(p);
        return p;
    }

    /**
     * Gives every node the others as --peers (heartbeats and elections) with this election algorithm and any extra
     * cluster options; call before {@link #start}.
     */
    TestCluster withPeers(String election, String... extra) {
        List<DaemonProcess> all = all();
        for (DaemonProcess p : all) {
            List<String> peers = new ArrayList<>();
            for (DaemonProcess q : all) {
                if (q != p) {
                    peers.add(q.id + "@127.0.0.1:" + q.listenPort);
                }
            }
            List<String> args = new ArrayList<>(List.of("--peers", String.join(",", peers), "--election", election));
            args.addAll(List.of(extra));
            p.addArgs(args);
        }
        return this;
    }

    /** Starts the master, then every line, and waits until the master has them all as members. */
    TestCluster start() throws IOException {
        master.start();
        await("master admin answers").atMost(Duration.ofSeconds(60)).until(() -> master.statusOrNull() != null);
        for (DaemonProcess p : lines) {
            p.start();
        }
        awaitMembers(lines.size());
        return this;
    }

    void awaitMembers(int count) {
        await("master has " + count + " members").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode s = master.statusOrNull();
                    return s != null && s.path("members").size() == count;
                });
    }

    long roundsCompleted() throws IOException {
        return master.status().path("roundsCompleted").asLong();
    }

    List<DaemonProcess> all() {
        List<DaemonProcess> all = new ArrayList<>();
        all.add(master);
        all.addAll(lines);
        return all;
    }

    /** Max - min of clockOffsetFromHostNanos over the given nodes; Long.MAX_VALUE when one does not answer. */
    static long spreadNanos(List<DaemonProcess> nodes) {
        return AdminHttp.spreadNanos(nodes.stream().map(p -> p.adminPort).toList());
    }

    long spreadNanos() {
        return spreadNanos(all());
    }

    /** Waits until the spread is under 1 ms and returns the master's round count at that moment. */
    long awaitConverged(List<DaemonProcess> nodes, Duration atMost) throws IOException {
        await("spread under 1 ms").atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> spreadNanos(nodes) < 1_000_000L);
        return roundsCompleted();
    }

    /**
     * The longest round trip the master measured to a member in its last round, ns (0 when it does not answer).
     * Berkeley reads each member within half its round trip, so two corrected members can differ by up to this much
     * on top of what they drift apart between rounds: on a busy machine that, not the algorithm, is what grows.
     */
    long lastRoundMaxRttNanos() {
        return masterMaxRttNanos(List.of(master));
    }

    /** {@link #lastRoundMaxRttNanos()} of whichever of {@code nodes} is MASTER now; 0 when none answers as one. */
    static long masterMaxRttNanos(List<DaemonProcess> nodes) {
        long max = 0;
        for (DaemonProcess p : nodes) {
            JsonNode s = p.statusOrNull();
            max = Math.max(max, AdminHttp.isMaster(s) ? AdminHttp.lastRoundMaxRttNanos(s) : 0);
        }
        return max;
    }

    /** Every daemon still alive, and none reported a Netty buffer leak (they run with paranoid detection). */
    void assertHealthy() throws IOException {
        for (DaemonProcess p : all()) {
            assertThat(p.isAlive()).as(p.name + " is alive").isTrue();
            assertThat(p.logText()).as(p.name + " log").doesNotContain("LEAK:");
        }
    }

    @Override
    public void close() {
        for (DaemonProcess p : lines) {
            p.close();
        }
        master.close();
    }
}
