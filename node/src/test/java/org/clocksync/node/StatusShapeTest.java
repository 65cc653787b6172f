package org.clocksync.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.config.PeerSpec;
import org.clocksync.node.role.MasterRole;
import org.clocksync.node.role.Role;
import org.clocksync.node.role.RoleHost;
import org.clocksync.node.role.SlaveRole;
import org.clocksync.node.role.logical.LogicalMasterRole;
import org.clocksync.node.role.logical.LogicalProcessRole;
import org.clocksync.protocol.HostPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the shape of the /status document (README "What a node reports", the dashboard, clockctl and every IT read
 * it): the ordered JSON paths with the kind of each value, read over HTTP from real nodes. Values change from read to
 * read, so only kinds are compared, and a null stands for "not known yet" of any scalar kind (a field that is null
 * today must still be present: the paths say so). Array elements are merged into one {@code []} entry.
 */
class StatusShapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /**
     * Objects whose key order was that of {@code Map.of}, which differs from JVM to JVM: their keys are compared
     * sorted, the rest in document order.
     */
    private static final Set<String> UNORDERED = Set.of(".peers[]", ".master.lastRound.excluded[]",
            ".lastRound.excluded[]");
    private final List<Node> nodes = new ArrayList<>();
    private final List<DatagramSocket> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
        sockets.forEach(DatagramSocket::close);
    }

    private static DaemonOptions options(int id) {
        DaemonOptions o = TestNodeOptions.loopback(id, "node" + id);
        o.intervalNanos = 100_000_000L;
        o.roundTimeoutNanos = 50_000_000L;
        return o;
    }

    private Node start(DaemonOptions o, Function<RoleHost, Role> role) {
        assertThat(o.problem()).isNull();
        Node n = new Node(o, role).start();
        nodes.add(n);
        return n;
    }

    @Test
    void berkeleyMasterWithNtpAndUpstreamAndItsSlave() throws Exception {
        DatagramSocket silentUpstream = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        sockets.add(silentUpstream);
        DaemonOptions mo = options(5);
        mo.ntp = new HostPort("127.0.0.1", 0);
        mo.upstream = new HostPort("127.0.0.1", silentUpstream.getLocalPort());
        Node master = start(mo, MasterRole::new);
        DaemonOptions so = options(1);
        so.master = master.boundListen();
        Node slave = start(so, SlaveRole::new);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode m = status(master);
            JsonNode s = status(slave);
            return m.path("roundsCompleted").asLong() > 3 && m.path("members").size() == 1
                    && s.path("master").path("correctionsApplied").asLong() > 1;
        });
        assertShape("berkeley-master", status(master));
        assertShape("berkeley-slave", status(slave));
    }

    @Test
    void nodesWithPeers() throws Exception {
        int[] ports = freePorts(2);
        List<Node> cluster = new ArrayList<>();
        for (int id = 1; id <= 2; id++) {
            DaemonOptions o = options(id);
            o.listen = new HostPort("127.0.0.1", ports[id - 1]);
            int other = 3 - id;
            o.peers = List.of(new PeerSpec(other, new HostPort("127.0.0.1", ports[other - 1])));
            cluster.add(start(o, MasterRole::new));
        }
        Node node = cluster.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(node).path("cluster").path("heartbeatsSent").asLong() > 2
                && status(node).path("cluster").path("peers").path(0).path("lastHeartbeatAgeMillis").isNumber());
        assertShape("cluster-node", status(node));
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<java.net.ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (java.net.ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    @Test
    void logicalMasterAndProcess() throws Exception {
        DaemonOptions mo = options(10);
        mo.clockKind = "logical";
        mo.logicalStepNanos = 10_000_000L;
        mo.logicalTickNanos = 10_000_000L;
        Node master = start(mo, LogicalMasterRole::new);
        DaemonOptions po = options(1);
        po.clockKind = "logical";
        po.logicalStepNanos = 10_000_000L;
        po.logicalTickNanos = 10_000_000L;
        po.master = master.boundListen();
        Node process = start(po, LogicalProcessRole::new);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                status(master).path("logical").path("rounds").asLong() > 3
                        && status(process).path("logical").path("offsetsApplied").asLong() > 1);
        assertShape("logical-master", status(master));
        assertShape("logical-process", status(process));
    }

    private static JsonNode status(Node node) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://" + node.boundAdmin() + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void assertShape(String name, JsonNode status) throws IOException {
        Map<String, String> actual = new java.util.LinkedHashMap<>();
        shape("", status, actual);
        String writeTo = System.getProperty("statusShape.writeTo");
        if (writeTo != null) {
            // Regenerates the expected files after a deliberate change of the document (review the diff).
            java.nio.file.Files.writeString(java.nio.file.Path.of(writeTo, name + ".txt"), lines(actual));
        }
        List<String> expected;
        try (InputStream in = StatusShapeTest.class.getResourceAsStream("status-shape/" + name + ".txt")) {
            assertThat(in).as("status-shape/%s.txt; actual:%n%s", name, lines(actual)).isNotNull();
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .toList();
        }
        // A kind ending in "?" marks a path only some reads have (an array element that depends on timing).
        List<String> paths = expected.stream().filter(l -> !l.endsWith("?") || actual.containsKey(path(l)))
                .map(StatusShapeTest::path).toList();
        assertThat(List.copyOf(actual.keySet())).as("paths of %s; actual:%n%s", name, lines(actual))
                .containsExactlyElementsOf(paths);
        for (String line : expected) {
            String path = path(line);
            String kind = line.substring(line.lastIndexOf(' ') + 1).replace("?", "");
            String seen = actual.get(path);
            if (seen == null) {
                continue;
            }
            if (!seen.equals("null") && !kind.equals("null") || kind.equals("object") || kind.equals("array")) {
                assertThat(seen).as("kind of %s in %s", path, name).isEqualTo(kind);
            }
        }
    }

    private static String path(String line) {
        return line.substring(0, line.lastIndexOf(' '));
    }

    private static String lines(Map<String, String> shape) {
        StringBuilder b = new StringBuilder();
        shape.forEach((p, k) -> b.append(p).append(' ').append(k).append('\n'));
        return b.toString();
    }

    private static void shape(String path, JsonNode node, Map<String, String> out) {
        String kind = kind(node);
        String before = out.get(path);
        if (before == null || before.equals("null")) {
            out.put(path, kind);
        }
        if (node.isObject()) {
            Map<String, JsonNode> fields = UNORDERED.contains(path) ? new TreeMap<>() : new java.util.LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                fields.put(f.getKey(), f.getValue());
            }
            fields.forEach((k, v) -> shape(path + "." + k, v, out));
        } else if (node.isArray()) {
            for (JsonNode e : node) {
                shape(path + "[]", e, out);
            }
        }
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) {
            return "object";
        } else if (n.isArray()) {
            return "array";
        } else if (n.isNull()) {
            return "null";
        } else if (n.isIntegralNumber()) {
            return "integer";
        } else if (n.isNumber()) {
            return "float";
        } else if (n.isBoolean()) {
            return "boolean";
        }
        return "string";
    }
}
