package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compose file itself: brought up as a user would, converged, and torn down with nothing left behind. */
class ComposeIT {
    @Test
    void composeClusterComesUpConvergesAndLeavesNothingBehind() throws Exception {
        ContainerImage.requireDocker();
        String project = "clocksync-it-" + ProcessHandle.current().pid();
        String prefix = freeAdminPrefix();
        Map<String, String> env = Map.of(
                "CLOCKSYNC_BASE_IMAGE", ContainerImage.baseImage(),
                "CLOCKSYNC_TAG", "compose-it",
                "CLOCKSYNC_ADMIN_BASE", prefix);
        List<String> compose = composeCommand();
        try {
            run(compose, project, env, 600, "up", "-d", "--build");
            List<Integer> admins = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                admins.add(Integer.parseInt(prefix + i));
            }
            await("five nodes answer").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> admins.stream().allMatch(p -> AdminHttp.statusOrNull(p) != null));
            await("the master has four members").atMost(Duration.ofSeconds(120))
                    .until(() -> AdminHttp.status(admins.get(4)).path("members").size() == 4);
            await("spread under 1 ms").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> AdminHttp.spreadNanos(admins) < 1_000_000L);
            String table = ContainerImage.run(List.of(ContainerImage.root().resolve("bin/clockctl").toString(),
                    "status", "127.0.0.1:" + admins.get(4), "127.0.0.1:" + admins.get(0), "127.0.0.1:" + admins.get(1),
                    "127.0.0.1:" + admins.get(2), "127.0.0.1:" + admins.get(3)), 60);
            System.out.println("compose cluster:\n" + table);
            assertThat(table).contains("LAB", "KMC", "MIT", "TAPMI", "SOLS", "MASTER", "spread");
        } finally {
            run(compose, project, env, 120, "down", "--volumes", "--remove-orphans", "--rmi", "all");
        }
        String label = "label=com.docker.compose.project=" + project;
        assertThat(ContainerImage.run(List.of("docker", "ps", "-aq", "--filter", label), 30)).as("containers left")
                .isBlank();
        assertThat(ContainerImage.run(List.of("docker", "network", "ls", "-q", "--filter", label), 30))
                .as("networks left").isBlank();
        assertThat(ContainerImage.run(List.of("docker", "volume", "ls", "-q", "--filter", label), 30))
                .as("volumes left").isBlank();
        assertThat(ContainerImage.run(List.of("docker", "images", "-q", "clocksync:compose-it"), 30))
                .as("image the compose file built").isBlank();
    }

    /** Debian's docker-compose (v1) when installed, else the 'docker compose' plugin (v2). */
    private static List<String> composeCommand() throws Exception {
        try {
            ContainerImage.run(List.of("docker-compose", "version"), 30);
            return List.of("docker-compose");
        } catch (IOException | IllegalStateException notThere) {
            ContainerImage.run(List.of("docker", "compose", "version"), 30);
            return List.of("docker", "compose");
        }
    }

    private static void run(List<String> compose, String project, Map<String, String> env, long timeoutSeconds,
            String... args) throws Exception {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", project, "-f", ContainerImage.root().resolve("docker-compose.yml").toString()));
        command.addAll(List.of(args));
        ContainerImage.run(command, timeoutSeconds, env);
    }

    /** A three-digit prefix P such that admin ports P1..P5 are all free on 127.0.0.1 (the file publishes P1..P5). */
    private static String freeAdminPrefix() throws IOException {
        for (int prefix = 391; prefix < 650; prefix += 7) {
            boolean free = true;
            for (int i = 1; i <= 5 && free; i++) {
                try (ServerSocket s = new ServerSocket(prefix * 10 + i, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return Integer.toString(prefix);
            }
        }
        throw new IllegalStateException("no free block of five admin ports between 3911 and 6495 on 127.0.0.1");
    }
}
