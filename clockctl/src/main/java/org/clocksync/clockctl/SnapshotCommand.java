package org.clocksync.clockctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code clockctl snapshot SERVER}: asks that node to start a Chandy-Lamport snapshot and prints the document. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = {"A Chandy-Lamport global snapshot started at SERVER (its admin address, HOST:PORT): markers"
                + " flow on every link between the --peers; each node records its state and each incoming link"
                + " the frames in flight. Prints the snapshot as JSON.",
                "Exit 0: complete; 1: timed out or refused (the reason names the missing nodes); 2: usage or"
                        + " unreachable."})
final class SnapshotCommand implements Callable<Integer> {
    private static final int MAX_BODY_CHARS = 4 << 20;

    @Parameters(paramLabel = "SERVER", description = "Admin address of the initiator, e.g. 127.0.0.1:8105.")
    String server;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up waiting after this long. Default: 15.")
    int timeoutSeconds = 15;

    @Override
    public Integer call() {
        if (timeoutSeconds < 1 || timeoutSeconds > 300) {
            System.err.println("clockctl snapshot: --timeout must be between 1 and 300 seconds");
            return 2;
        }
        String base = server.startsWith("http://") ? server : "http://" + server;
        String url = base.replaceAll("/+$", "") + "/snapshot";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(timeoutSeconds))
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IllegalArgumentException e) {
            System.err.println("clockctl snapshot: '" + server + "' is not HOST:PORT");
            return 2;
        } catch (IOException e) {
            System.err.println("clockctl snapshot: " + url + " unreachable (" + e.getMessage() + ")");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
        String body = response.body();
        if (body.length() > MAX_BODY_CHARS) {
            System.err.println("clockctl snapshot: the answer from " + url + " is larger than 4 MiB");
            return 1;
        }
        switch (response.statusCode()) {
            case 200 -> {
                System.out.print(body);
                return 0;
            }
            case 504 -> {
                System.out.print(body);
                System.err.println("clockctl snapshot: " + errorOf(body));
                return 1;
            }
            default -> {
                System.err.println("clockctl snapshot: HTTP " + response.statusCode() + " from " + url + ": "
                        + body.strip());
                return response.statusCode() == 409 ? 1 : 2;
            }
        }
    }

    private static String errorOf(String json) {
        try {
            JsonNode doc = ClockCtlJson.MAPPER.readTree(json);
            return doc.path("error").asText("the snapshot did not complete");
        } catch (IOException e) {
            return "the snapshot did not complete";
        }
    }
}
