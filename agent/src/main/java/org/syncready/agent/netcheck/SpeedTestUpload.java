package org.syncready.agent.netcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;

/**
 * Times an HTTP upload to the controller's {@code POST /api/v1/speedtest} sink. The figure is the
 * controller's: bytes over the time from its first to last byte received, so connection set-up and
 * the answer's way back do not count; the agent's own timing is the fallback when the answer has
 * none. The body is random bytes, so no proxy or link compression flatters the result.
 * {@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: the latter sets up TLS
 * (about 300 classes and the CA store, ~6 MB of RSS) even for plain http, on a box where every MB counts.
 */
public final class SpeedTestUpload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 16 * 1024;

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
    private final int connectTimeoutMs;
    private final SSLSocketFactory tls;
    private final int bytes;
    private final Random random = new Random();

    public SpeedTestUpload(String controllerUrl, String boxId, String secret, int bytes, Duration connectTimeout) {
        this(controllerUrl, boxId, secret, bytes, connectTimeout, null);
    }

    /** {@code tls}: whom to trust for an https URL (the box's pinned CA); null: the JVM's default. */
    public SpeedTestUpload(String controllerUrl, String boxId, String secret, int bytes, Duration connectTimeout,
                           SSLSocketFactory tls) {
        this.tls = tls;
        this.sink = URI.create(controllerUrl.replaceAll("/+$", "") + "/api/v1/speedtest");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((boxId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        this.connectTimeoutMs = (int) connectTimeout.toMillis();
        this.bytes = bytes;
    }

    /** Uploads once and returns the uplink in kbit/s. */
    public int run(Duration timeout) throws IOException, InterruptedException {
        HttpURLConnection c = (HttpURLConnection) sink.toURL().openConnection();
        if (c instanceof HttpsURLConnection https && tls != null) {
            // The default host name check stays on; only the trusted CA is the box's own.
            https.setSSLSocketFactory(tls);
        }
        String answerText;
        int status;
        double clientMs;
        try {
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setConnectTimeout(connectTimeoutMs);
            c.setReadTimeout((int) timeout.toMillis());
            c.setUseCaches(false);
            c.setRequestProperty("Authorization", authorization);
            c.setRequestProperty("Content-Type", "application/octet-stream");
            // Streamed with a Content-Length: nothing buffered twice, and the sink can refuse early.
            c.setFixedLengthStreamingMode(bytes);
            long start = System.nanoTime();
            try (OutputStream out = c.getOutputStream()) {
                // Fresh random bytes per chunk: nothing to compress, and no megabyte kept on the heap between tests.
                byte[] chunk = new byte[CHUNK];
                for (int left = bytes; left > 0; left -= CHUNK) {
                    random.nextBytes(chunk);
                    out.write(chunk, 0, Math.min(CHUNK, left));
                }
            }
            try {
                status = c.getResponseCode();
            } catch (HttpRetryException e) {
                // A 401 with WWW-Authenticate in streaming mode: HttpURLConnection will not retry, and says so.
                status = e.responseCode();
            }
            clientMs = (System.nanoTime() - start) / 1e6;
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            answerText = in == null ? "" : new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            if (in != null) {
                in.close();
            }
        } finally {
            c.disconnect();
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("speed test cancelled");
        }
        switch (status) {
            case 200 -> {
            }
            case 401 -> throw new UplinkException("speed test refused: the controller does not accept this box's credentials", false);
            case 429 -> throw new UplinkException("speed test postponed by the controller (busy or too soon)", true);
            default -> throw new UplinkException("speed test failed: HTTP " + status, false);
        }
        double ms = clientMs;
        try {
            JsonNode answer = JSON.readTree(answerText);
            if (answer.path("bytes").asLong(-1) != bytes) {
                throw new UplinkException("speed test: the controller counted " + answer.path("bytes").asLong(-1)
                        + " bytes of " + bytes, false);
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
        return (int) Math.round(bytes * 8.0 / Math.max(ms, 0.001));
    }
}
