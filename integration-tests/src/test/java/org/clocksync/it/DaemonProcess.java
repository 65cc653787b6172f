package org.clocksync.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One real daemon process started from the built jars, as bin/ would start it, with its log in target/it-logs. */
final class DaemonProcess implements AutoCloseable {

    /** Every daemon still running, so that a test JVM that is stopped early takes its daemons with it. */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "it-daemon-reaper"));
    }

    final String name;
    final int id;
    final int listenPort;
    final int adminPort;
    private final List<String> command;
    private final Path log;
    private Process process;
    private int starts;

    DaemonProcess(String mainClass, String name, int id, int listenPort, int adminPort, List<String> extraArgs) {
        this(mainClass, name, id, listenPort, adminPort, extraArgs, "simple");
    }

    /**
     * {@code leakDetection} is Netty's level for the daemon: "paranoid" tracks every buffer (for hostile-input
     * tests), but it also records a stack trace per allocation, which multiplies round trips by five and so must not
     * be on when accuracy is what a test measures; "simple" is Netty's default, as the daemons ship.
     */
    DaemonProcess(String mainClass, String name, int id, int listenPort, int adminPort, List<String> extraArgs,
            String leakDetection) {
        this.name = name;
        this.id = id;
        this.listenPort = listenPort;
        this.adminPort = adminPort;
        Path root = Paths.get(System.getProperty("clocksync.root", "..")).toAbsolutePath().normalize();
        // Each daemon runs from its own module's jar, as bin/master-daemon and bin/slave-daemon run it.
        String module = mainClass.endsWith("MasterDaemon") ? "master-daemon" : "slave-daemon";
        Path jar = root.resolve(module + "/target/" + module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through Maven (verify) so the jars"
                    + " are packaged first");
        }
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx96m", "-XX:+UseSerialGC",
                "-Dio.netty.leakDetection.level=" + leakDetection,
                "-cp", jar + ":" + root.resolve(module + "/target/lib") + "/*", mainClass,
                "--id", Integer.toString(id), "--name", name,
                "--listen", "127.0.0.1:" + listenPort, "--admin", "127.0.0.1:" + adminPort));
        cmd.addAll(extraArgs);
        this.command = cmd;
        this.log = Paths.get(System.getProperty("clocksync.itLogs", "target/it-logs"))
                .resolve(name + "-" + id + "-" + listenPort + ".log");
    }

    /** Adds options before the first start, e.g. --peers once every node's port is known. */
    DaemonProcess addArgs(List<String> args) {
        if (starts > 0) {
            throw new IllegalStateException(name + " already started");
        }
        command.addAll(args);
        return this;
    }

    /**
     * Sets an option that takes one value before the first start: replaces the value given earlier (e.g. the
     * --master a TestCluster line was built with), or appends the option when it is not there yet.
     */
    DaemonProcess setOption(String option, String value) {
        if (starts > 0) {
            throw new IllegalStateException(name + " already started");
        }
        int at = command.indexOf(option);
        if (at >= 0 && at + 1 < command.size()) {
            command.set(at + 1, value);
        } else {
            command.addAll(List.of(option, value));
        }
        return this;
    }

    DaemonProcess start() throws IOException {
        Files.createDirectories(log.getParent());
        starts++;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CLOCKSYNC_LOG_LEVEL", "INFO");
        pb.redirectOutput(starts == 1 ? ProcessBuilder.Redirect.to(log.toFile())
                : ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process started = pb.start();
        process = started;
        RUNNING.add(started);
        started.onExit().thenRun(() -> RUNNING.remove(started));
        return this;
    }

    /** The operating-system process id of the current run; -1 before the first start. */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** kill -9: no shutdown hook runs, connections are reset by the kernel. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** kill -STOP: the process freezes with its connections open and silent, as a paused container. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** kill -CONT: the frozen process runs on, unaware that time passed. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Fetches /status, or null when the node does not answer. */
    JsonNode statusOrNull() {
        return AdminHttp.statusOrNull(adminPort);
    }

    JsonNode status() throws IOException {
        return AdminHttp.status(adminPort);
    }

    String metrics() throws IOException {
        return AdminHttp.get(adminPort, "/metrics");
    }

    /** Sums every sample of a Prometheus metric whose line starts with {@code prefix} (name plus labels). */
    double metricSum(String prefix) throws IOException {
        double sum = 0;
        for (String line : metrics().split("\n")) {
            if (line.startsWith(prefix) && !line.startsWith("#")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
