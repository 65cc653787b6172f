package org.clocksync.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/** The clocksync image the container tests run, built once per test JVM from this repo's Dockerfile. */
final class ContainerImage {
    static final String NAME = "clocksync:it";
    private static boolean built;

    private ContainerImage() {
    }

    static Path root() {
        return Paths.get(System.getProperty("clocksync.root", "..")).toAbsolutePath().normalize();
    }

    /** Fails, never skips, when no Docker engine answers: a skipped container test proves nothing. */
    static void requireDocker() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("Docker is not available to the container tests: run scripts/docker-engine"
                    + " (it installs and starts Debian's docker.io as root) or start a Docker engine so that"
                    + " 'docker info' works; scripts/test does this before Maven");
        }
    }

    static synchronized String name() throws IOException, InterruptedException {
        requireDocker();
        if (!built) {
            run(List.of("docker", "build", "-q", "-t", NAME, "--build-arg", "BASE_IMAGE=" + baseImage(),
                    root().toString()), 600);
            built = true;
        }
        return NAME;
    }

    /** CLOCKSYNC_BASE_IMAGE when set (scripts/test sets it), else whatever scripts/base-image provides. */
    static String baseImage() throws IOException, InterruptedException {
        String fromEnv = System.getenv("CLOCKSYNC_BASE_IMAGE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return run(List.of(root().resolve("scripts/base-image").toString()), 600).trim();
    }

    /** Runs a command to completion and returns its standard output; any failure says what ran and what it said. */
    static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        return run(command, timeoutSeconds, java.util.Map.of());
    }

    static String run(List<String> command, long timeoutSeconds, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        return run(command, timeoutSeconds, env, false);
    }

    /** With {@code anyExit}, a non-zero exit is not a failure (for commands whose exit code is under test). */
    static String run(List<String> command, long timeoutSeconds, java.util.Map<String, String> env, boolean anyExit)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("clocksync-cmd", ".out");
        Path err = Files.createTempFile("clocksync-cmd", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(root().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds
                        + " s");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 && !anyExit) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8) + stdout);
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
