package org.clocksync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * A private copy of the two daemons' jars and their libraries (what bin/ runs): a build running meanwhile (the
 * launchers build on demand, others may run Maven) cannot swap jars under a bench that restarts daemons.
 */
final class DaemonJars implements AutoCloseable {
    static final String MASTER_MAIN = "org.clocksync.master.MasterDaemon";
    static final String SLAVE_MAIN = "org.clocksync.slave.SlaveDaemon";

    private final Path dir;

    private DaemonJars(Path dir) {
        this.dir = dir;
    }

    /** Copies master-daemon.jar, slave-daemon.jar and their lib/ from {@code root}'s build. */
    static DaemonJars copy(Path root, String prefix) throws IOException {
        Path lib = root.resolve("slave-daemon/target/lib");
        Path[] jars = {root.resolve("master-daemon/target/master-daemon.jar"),
                root.resolve("slave-daemon/target/slave-daemon.jar")};
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
                throw new IllegalStateException(jar + " or " + lib + " is missing; build first:"
                        + " ./mvnw -B -DskipTests -pl bench -am install");
            }
        }
        Path dir = Files.createTempDirectory(prefix);
        Files.createDirectories(dir.resolve("lib"));
        for (Path jar : jars) {
            Files.copy(jar, dir.resolve(jar.getFileName()));
        }
        try (var files = Files.list(lib)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve("lib").resolve(f.getFileName()));
            }
        }
        return new DaemonJars(dir);
    }

    /** The -cp value for the master's or a slave's main class: its own jar and the shared libraries. */
    String classpath(boolean master) {
        return dir.resolve(master ? "master-daemon.jar" : "slave-daemon.jar") + ":" + dir.resolve("lib") + "/*";
    }

    static String mainClass(boolean master) {
        return master ? MASTER_MAIN : SLAVE_MAIN;
    }

    @Override
    public void close() {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory left behind is no reason to fail the bench.
        }
    }
}
