package org.clocksync.it;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/** The factory in five containers on a network of its own; admin ports published on 127.0.0.1 only. */
final class ContainerCluster implements AutoCloseable {
    static final int ADMIN_PORT = 8700;
    private final Network network = Network.newNetwork();
    private final Map<String, GenericContainer<?>> nodes = new LinkedHashMap<>();
    private final DockerClient docker = DockerClientFactory.instance().client();
    private final String image;

    private ContainerCluster(String image) {
        this.image = image;
    }

    /** Every node of the factory: id, network alias. */
    private static final Map<Integer, String> ALIASES = Map.of(5, "lab", 1, "kmc", 2, "mit", 3, "tapmi", 4, "sols");

    /**
     * LAB and KMC, MIT, TAPMI, SOLS with offsets of seconds and drifts up to 100 ppm, 500 ms rounds (on every node:
     * any of them may be elected master), every node with all the others as --peers (heartbeats and Bully
     * elections with the default cluster settings), as in docker-compose.yml.
     */
    static ContainerCluster factory() throws IOException, InterruptedException {
        ContainerCluster c = new ContainerCluster(ContainerImage.name());
        c.add("LAB", "master", "--id", "5", "--sim-offset", "300ms", "--sim-drift-ppm", "15", "--peers", peersOf(5),
                "--interval", "500ms", "--read-timeout", "3s");
        c.line("KMC", 1, "2.5s", "40");
        c.line("MIT", 2, "-1.7s", "-35");
        c.line("TAPMI", 3, "4s", "80");
        c.line("SOLS", 4, "-3.2s", "-100");
        return c;
    }

    private void line(String name, int id, String offset, String driftPpm) {
        add(name, "slave", "--id", Integer.toString(id), "--master", "lab:7700", "--sim-offset", offset,
                "--sim-drift-ppm", driftPpm, "--read-timeout", "3s", "--peers", peersOf(id), "--interval", "500ms");
    }

    /** Every node but {@code id}, as ID@ALIAS:7700. */
    private static String peersOf(int id) {
        List<String> peers = new ArrayList<>();
        for (int other = 1; other <= 5; other++) {
            if (other != id) {
                peers.add(other + "@" + ALIASES.get(other) + ":7700");
            }
        }
        return String.join(",", peers);
    }

    private void add(String name, String role, String... args) {
        List<String> command = new ArrayList<>(List.of(role, "--name", name, "--listen", "0.0.0.0:7700",
                "--admin", "0.0.0.0:" + ADMIN_PORT));
        command.addAll(List.of(args));
        Path log = Paths.get(System.getProperty("clocksync.itLogs", "target/it-logs"))
                .resolve("container-" + name + ".log");
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withNetwork(network)
                .withNetworkAliases(name.toLowerCase())
                .withExposedPorts(ADMIN_PORT)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(ADMIN_PORT))))
                .withCommand(command.toArray(String[]::new))
                .withLogConsumer(frame -> append(log, frame.getUtf8String()))
                .waitingFor(Wait.forHttp("/status").forPort(ADMIN_PORT).withStartupTimeout(Duration.ofSeconds(90)));
        nodes.put(name, c);
    }

    private static void append(Path log, String text) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // A log line lost is no reason to fail a test.
        }
    }

    ContainerCluster start() {
        nodes.get("LAB").start();
        Startables.deepStart(nodes.values().stream().filter(c -> c != nodes.get("LAB"))).join();
        awaitMembers(4);
        return this;
    }

    /** The host port the node's admin port is published on now (it changes when a container restarts). */
    int adminPort(String name) {
        var bindings = docker.inspectContainerCmd(nodes.get(name).getContainerId()).exec()
                .getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(ADMIN_PORT));
        if (bindings == null || bindings.length == 0) {
            return -1;
        }
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    List<Integer> adminPorts() {
        return nodes.keySet().stream().map(this::adminPort).toList();
    }

    long spreadNanos() {
        return AdminHttp.spreadNanos(adminPorts());
    }

    /** The spread over the given nodes only (e.g. the lines while the master is stopped or paused). */
    long spreadNanos(List<String> names) {
        return AdminHttp.spreadNanos(names.stream().map(this::adminPort).toList());
    }

    /** The node's /status, or null when it does not answer (stopped, paused, not published). */
    com.fasterxml.jackson.databind.JsonNode statusOrNull(String name) {
        int port = adminPort(name);
        return port < 0 ? null : AdminHttp.statusOrNull(port);
    }

    List<Integer> memberIds() {
        List<Integer> ids = new ArrayList<>();
        var status = AdminHttp.statusOrNull(adminPort("LAB"));
        if (status != null) {
            status.path("members").forEach(m -> ids.add(m.path("id").asInt()));
        }
        return ids;
    }

    void awaitMembers(int count) {
        await("master has " + count + " members").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> memberIds().size() == count);
    }

    void awaitConverged(Duration atMost) {
        await("spread under 1 ms").atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> spreadNanos() < 1_000_000L);
    }

    /** docker stop: SIGTERM, so the daemon closes its connections as an operator's stop would. */
    void stop(String name) {
        docker.stopContainerCmd(nodes.get(name).getContainerId()).withTimeout(10).exec();
    }

    void start(String name) {
        docker.startContainerCmd(nodes.get(name).getContainerId()).exec();
    }

    /** docker pause: the cgroup freezer stops every process; its connections stay open and silent. */
    void pause(String name) {
        docker.pauseContainerCmd(nodes.get(name).getContainerId()).exec();
    }

    void unpause(String name) {
        docker.unpauseContainerCmd(nodes.get(name).getContainerId()).exec();
    }

    boolean paused(String name) {
        return Boolean.TRUE.equals(docker.inspectContainerCmd(nodes.get(name).getContainerId()).exec().getState()
                .getPaused());
    }

    /** Everything the container wrote to stdout and stderr so far, from docker itself (this run only). */
    String logs(String name) {
        return nodes.get(name).getLogs();
    }

    boolean running(String name) {
        return Boolean.TRUE.equals(docker.inspectContainerCmd(nodes.get(name).getContainerId()).exec().getState()
                .getRunning());
    }

    void disconnect(String name) {
        docker.disconnectFromNetworkCmd().withNetworkId(network.getId())
                .withContainerId(nodes.get(name).getContainerId()).exec();
    }

    void reconnect(String name) {
        docker.connectToNetworkCmd().withNetworkId(network.getId())
                .withContainerId(nodes.get(name).getContainerId())
                .withContainerNetwork(new ContainerNetwork().withAliases(name.toLowerCase())).exec();
    }

    @Override
    public void close() {
        for (Map.Entry<String, GenericContainer<?>> e : nodes.entrySet()) {
            try {
                if (e.getValue().getContainerId() != null && paused(e.getKey())) {
                    unpause(e.getKey()); // a paused container cannot be killed
                }
            } catch (RuntimeException ignored) {
                // Gone already: stop() below copes.
            }
            e.getValue().stop();
        }
        network.close();
    }
}
