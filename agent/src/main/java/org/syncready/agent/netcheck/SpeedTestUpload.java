package org.syncready.agent.netcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;

/**
 * Times an HTTP upload to the controller's {@code POST /api/v1/speedtest} sink. The figure is the
 * controller's: bytes over the time from its first to last byte received, so connection set-up and
 * the answer's way back do not count; the agent's own timing is the fallback when the answer has
 * none. The body is random bytes, so no proxy or link compression flatters the result.
 */
public final class SpeedTestUpload {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a test did not give a figure. {@code retryLater}: the controller asked to come back later. */
    public static final class UplinkException extends IOException {
        public final boolean retryLater;

        UplinkException(String message, boolean retryLater) {
            super(message);
            this.retryLater = retryLater;
        }
    }

    private final URI sink;
    private final String authorization;
    private final HttpClient http;
    private final byte[] body;

    public SpeedTestUpload(String controllerUrl, String boxId, String secret, int bytes, Duration connectTimeout) {
        this.sink = URI.create(controllerUrl.replaceAll("/+$", "") + "/api/v1/speedtest");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((boxId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        // HTTP/1.1: the JDK client would otherwise try an h2c upgrade, which is no part of what we measure.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
        this.body = new byte[bytes];
        new Random(bytes).nextBytes(body);
    }

    /** Uploads once and returns the uplink in kbit/s. */
    public int run(Duration timeout) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(sink).timeout(timeout).header("Authorization", authorization)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        long start = System.nanoTime();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        double clientMs = (System.nanoTime() - start) / 1e6;
        switch (res.statusCode()) {
            case 200 -> {
            }
            case 401 -> throw new UplinkException("speed test refused: the controller does not accept this box's credentials", false);
            case 429 -> throw new UplinkException("speed test postponed by the controller (busy or too soon)", true);
            default -> throw new UplinkException("speed test failed: HTTP " + res.statusCode(), false);
        }
        long bytes = body.length;
        double ms = clientMs;
        try {
            JsonNode answer = JSON.readTree(res.body());
            if (answer.path("bytes").asLong(-1) != body.length) {
                throw new UplinkException("speed test: the controller counted " + answer.path("bytes").asLong(-1)
                        + " bytes of " + body.length, false);
            }
            if (answer.path("ms").asDouble(0) > 0) {
                ms = answer.path("ms").asDouble();
            }
        } catch (IOException e) {
            if (e instanceof UplinkException u) {
                throw u;
            }
            // No usable answer body: the agent's own timing stands.
        }
        return (int) Math.round(bytes * 8 / Math.max(ms, 0.001));
    }
}
