package org.clocksync.clockctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Fetches one node's /status; the result is the JSON or a one-line reason it could not be had. */
final class StatusClient {
    private static final int MAX_BODY_CHARS = 1 << 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A node's answer: exactly one of {@code status} and {@code error} is set. */
    record Result(String address, JsonNode status, String error) {
    }

    Result fetch(String address) {
        String url = address.startsWith("http://") || address.startsWith("https://")
                ? address : "http://" + address;
        if (!url.endsWith("/status")) {
            url = url.replaceAll("/+$", "") + "/status";
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Result(address, null, "HTTP " + response.statusCode() + " from " + url);
            }
            if (response.body().length() > MAX_BODY_CHARS) {
                return new Result(address, null, "answer from " + url + " is larger than 1 MiB");
            }
            return new Result(address, ClockCtlJson.MAPPER.readTree(response.body()), null);
        } catch (IllegalArgumentException e) {
            return new Result(address, null, "'" + address + "' is not HOST:PORT or a URL");
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Result(address, null, "unreachable (" + why + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(address, null, "interrupted");
        }
    }
}
