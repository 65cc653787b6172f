package org.clocksync.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs from a daemon's admin port on 127.0.0.1, shared by the process and container tests. */
final class AdminHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private AdminHttp() {
    }

    static String get(int adminPort, String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(3)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from 127.0.0.1:" + adminPort + path);
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** POSTs to the admin port; returns the status code and body whatever the code. */
    static HttpResponse<String> post(int adminPort, String path, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static JsonNode status(int adminPort) throws IOException {
        return JSON.readTree(get(adminPort, "/status"));
    }

    /** The node's /status, or null when it does not answer. */
    static JsonNode statusOrNull(int adminPort) {
        try {
            return status(adminPort);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Max - min of clockOffsetFromHostNanos over the nodes; Long.MAX_VALUE when one does not answer. */
    static long spreadNanos(Iterable<Integer> adminPorts) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int port : adminPorts) {
            JsonNode s = statusOrNull(port);
            if (s == null) {
                return Long.MAX_VALUE;
            }
            long offset = s.path("clockOffsetFromHostNanos").asLong();
            min = Math.min(min, offset);
            max = Math.max(max, offset);
        }
        return max - min;
    }

    /**
     * The longest round trip the node's last Berkeley round measured to a member, ns; 0 for a null status or a node
     * that ran none. A Berkeley reading is wrong by up to half its round trip, so the ITs hold a spread to 1 ms plus
     * this.
     */
    static long lastRoundMaxRttNanos(JsonNode status) {
        long max = 0;
        if (status != null) {
            for (JsonNode m : status.path("lastRound").path("members")) {
                max = Math.max(max, m.path("rttNanos").asLong());
            }
        }
        return max;
    }

    /** Whether {@code status} is a node's that runs the rounds now. */
    static boolean isMaster(JsonNode status) {
        return status != null && "MASTER".equals(status.path("role").asText());
    }
}
