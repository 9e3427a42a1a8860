package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One JSON POST with the JDK's HTTP client, on the calling (delivery) thread: answers at most 64 KiB
 * are read, redirects are not followed (a robot URL that redirects is a wrong URL), and a network
 * failure comes back as a value, with the URL's secrets masked.
 */
final class HttpPost {
    private static final int MAX_ANSWER = 64 * 1024;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient client;
    private final ObjectMapper json;

    HttpPost(ObjectMapper json) {
        this.json = json;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** What came back: the status and body, or the network error (status 0). */
    record Answer(int status, String body, Map<String, java.util.List<String>> headers, String networkError) {
        boolean reached() {
            return networkError == null;
        }

        Optional<JsonNode> json(ObjectMapper mapper) {
            try {
                JsonNode n = body == null || body.isBlank() ? null : mapper.readTree(body);
                return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        Optional<String> header(String name) {
            for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return Optional.of(e.getValue().get(0));
                }
            }
            return Optional.empty();
        }
    }

    Answer post(String url, byte[] body, Map<String, String> headers) throws InterruptedException {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        } catch (IllegalArgumentException e) {
            return new Answer(0, null, Map.of(), "bad URL");
        }
        headers.forEach(b::header);
        try {
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] bytes = in.readNBytes(MAX_ANSWER);
                return new Answer(r.statusCode(), new String(bytes, StandardCharsets.UTF_8), r.headers().map(), null);
            }
        } catch (HttpConnectTimeoutException e) {
            return new Answer(0, null, Map.of(), "connect timeout");
        } catch (HttpTimeoutException e) {
            return new Answer(0, null, Map.of(), "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            return new Answer(0, null, Map.of(), "connection refused or unreachable");
        } catch (IOException e) {
            return new Answer(0, null, Map.of(), SecretText.scrub(e.getClass().getSimpleName() + ": " + e.getMessage(), url));
        }
    }

    byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("JSON of a tree always writes", e);
        }
    }

    ObjectMapper json() {
        return json;
    }

    /** A non-JSON or unexpected answer: a server error or a proxy page is worth another try, a 4xx is not. */
    static Sender.Result unexpected(Answer a) {
        if (!a.reached()) {
            return Sender.Result.retry(null, a.networkError());
        }
        String body = a.body() == null ? "" : a.body().strip();
        String detail = "HTTP " + a.status() + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "…" : body));
        if (a.status() >= 500 || a.status() == 408 || a.status() == 429 || a.status() < 400) {
            return Sender.Result.retry("HTTP " + a.status(), detail);
        }
        return Sender.Result.failed("HTTP " + a.status(), detail);
    }
}
