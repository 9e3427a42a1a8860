package org.syncready.agent.netcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Times an HTTP upload to the controller's {@code POST /api/v1/speedtest} sink. The figure is the
 * controller's: bytes over the time from its first to last byte received, so connection set-up and
 * the answer's way back do not count; the agent's own timing is the fallback when the answer has
 * none. The body is random bytes, so no proxy or link compression flatters the result.
 *
 * <p>A test is bounded twice: at most {@code maxBytes}, and no longer than {@code maxSending} (the
 * body is chunked, so it may end early): a fast uplink sends the bytes in well under a second, a slow
 * one sends what it can in that time, which is still a fair measurement and lets a self-test wait a
 * known, short while. The request asks {@code Expect: 100-continue}, so the controller can refuse
 * (401, 429) before a byte of the body is sent: a refusal is read as a clean answer instead of a
 * broken pipe halfway through the upload.
 *
 * <p>{@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: the latter sets up TLS
 * (about 300 classes and the CA store, ~6 MB of RSS) even for plain http, on a box where every MB counts.
 */
public final class SpeedTestUpload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 16 * 1024;
    /**
     * How long a postponement lasts when the controller refused before the body: its Retry-After
     * cannot be read then (HttpURLConnection would send the request again to fetch headers), so the
     * box waits the controller's documented minimum interval between two tests of a box.
     */
    static final long POSTPONE_MS = 30_000;
    /** Closes uploads that hang (a write blocked on a dead path has no timeout of its own). */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "speedtest-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** Why a test did not give a figure. {@code retryLater}: the controller asked to come back later. */
    public static final class UplinkException extends IOException {
        public final boolean retryLater;
        /** How long the controller asked to wait (its Retry-After), ms; 0 when it did not say or did not postpone. */
        public final long retryAfterMs;

        UplinkException(String message, boolean retryLater) {
            this(message, retryLater, 0);
        }

        UplinkException(String message, boolean retryLater, long retryAfterMs) {
            super(message);
            this.retryLater = retryLater;
            this.retryAfterMs = retryAfterMs;
        }
    }

    private final URI sink;
    private final String authorization;
    private final int connectTimeoutMs;
    private final int maxBytes;
    private final Duration maxSending;
    private final SSLSocketFactory tls;
    private final Random random = new Random();

    /**
     * @param maxBytes   the most a test uploads
     * @param maxSending the longest a test sends its body
     */
    public SpeedTestUpload(String controllerUrl, String boxId, String secret, int maxBytes, Duration connectTimeout,
                           Duration maxSending) {
        this(controllerUrl, boxId, secret, maxBytes, connectTimeout, maxSending, null);
    }

    /** {@code tls}: whom to trust for an https URL (the box's pinned CA); null: the JVM's default. */
    public SpeedTestUpload(String controllerUrl, String boxId, String secret, int maxBytes, Duration connectTimeout,
                           Duration maxSending, SSLSocketFactory tls) {
        this.tls = tls;
        this.sink = URI.create(controllerUrl.replaceAll("/+$", "") + "/api/v1/speedtest");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((boxId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        this.connectTimeoutMs = (int) connectTimeout.toMillis();
        this.maxBytes = maxBytes;
        this.maxSending = maxSending;
    }

    /**
     * Uploads once and returns the uplink in kbit/s.
     *
     * @param answerTimeout how long to wait for the controller's answer after the body is sent
     * @throws UplinkException the controller refused or postponed the test, or counted other bytes
     */
    public int run(Duration answerTimeout) throws IOException, InterruptedException {
        HttpURLConnection c = (HttpURLConnection) sink.toURL().openConnection();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(c::disconnect,
                connectTimeoutMs + 5_000 + maxSending.toMillis() + answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (c instanceof HttpsURLConnection https && tls != null) {
            // The default host name check stays on; only the trusted CA is the box's own.
            https.setSSLSocketFactory(tls);
        }
        String answerText;
        int status;
        double clientMs;
        long sent = 0;
        try {
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setConnectTimeout(connectTimeoutMs);
            // No read timeout while waiting for "100 Continue": then the JDK sends the body anyway after
            // 5 s if a server (an old controller, a proxy) ignores Expect. Set again for the answer.
            c.setReadTimeout(0);
            c.setUseCaches(false);
            c.setRequestProperty("Authorization", authorization);
            c.setRequestProperty("Content-Type", "application/octet-stream");
            c.setRequestProperty("Expect", "100-continue");
            c.setChunkedStreamingMode(CHUNK);
            long start = System.nanoTime();
            OutputStream out;
            try {
                out = c.getOutputStream();
            } catch (ProtocolException refusedBeforeTheBody) {
                // The controller answered the Expect with its final status (401, 429, 413).
                out = null;
            }
            if (out != null) {
                c.setReadTimeout((int) answerTimeout.toMillis());
                long stopAt = System.nanoTime() + maxSending.toNanos();
                try (OutputStream body = out) {
                    // Fresh random bytes per chunk: nothing to compress, and no megabyte kept on the heap between tests.
                    byte[] chunk = new byte[CHUNK];
                    while (sent < maxBytes && System.nanoTime() - stopAt < 0) {
                        int n = (int) Math.min(CHUNK, maxBytes - sent);
                        random.nextBytes(chunk);
                        body.write(chunk, 0, n);
                        sent += n;
                    }
                }
            }
            try {
                status = c.getResponseCode();
            } catch (HttpRetryException e) {
                // A 401 with WWW-Authenticate in streaming mode: HttpURLConnection will not retry, and says so.
                status = e.responseCode();
            }
            clientMs = (System.nanoTime() - start) / 1e6;
            if (status == 429) {
                throw new UplinkException("speed test postponed by the controller (busy or too soon)", true,
                        out == null ? POSTPONE_MS : retryAfterMs(c.getHeaderField("Retry-After")));
            }
            // After a refusal before the body, reading anything but the status would send the request again.
            InputStream in = out == null ? null : status < 400 ? c.getInputStream() : c.getErrorStream();
            answerText = in == null ? "" : new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            if (in != null) {
                in.close();
            }
        } finally {
            watchdog.cancel(false);
            c.disconnect();
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("speed test cancelled");
        }
        switch (status) {
            case 200 -> {
            }
            case 401 -> throw new UplinkException("speed test refused: the controller does not accept this box's credentials", false);
            default -> throw new UplinkException("speed test failed: HTTP " + status, false);
        }
        double ms = clientMs;
        try {
            JsonNode answer = JSON.readTree(answerText);
            if (answer.path("bytes").asLong(-1) != sent) {
                throw new UplinkException("speed test: the controller counted " + answer.path("bytes").asLong(-1)
                        + " bytes of " + sent, false);
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
        return (int) Math.round(sent * 8.0 / Math.max(ms, 0.001));
    }

    private static long retryAfterMs(String header) {
        if (header == null) {
            return POSTPONE_MS;
        }
        try {
            return Math.max(0, Long.parseLong(header.strip())) * 1000;
        } catch (NumberFormatException e) {
            return POSTPONE_MS; // an HTTP date: not what the controller sends
        }
    }
}
