package org.syncready.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real controller ({@code ControllerMain}) as a child JVM on this test's class path, on loopback
 * ports chosen once, so that it can be stopped, killed and started again on the same ports and data
 * folder. Its output goes to {@code controller.log} in the data folder.
 */
final class ControllerProcess implements AutoCloseable {
    private static final String ADMIN_PASSWORD = "it-admin-Pw-2026";
    private static final String BASIC = "Basic " + java.util.Base64.getEncoder()
            .encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dataDir;
    private final int httpPort;
    private final int mqttPort;
    private final int httpsPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> extraArgs;
    private final java.util.Map<String, String> extraEnv;
    private Process process;

    ControllerProcess(Path dataDir) throws IOException {
        this(dataDir, List.of(), java.util.Map.of());
    }

    /** A controller with more options (e.g. an external broker and store) and environment (their passwords). */
    ControllerProcess(Path dataDir, List<String> extraArgs, java.util.Map<String, String> extraEnv) throws IOException {
        this.dataDir = dataDir;
        this.httpPort = freePort();
        this.mqttPort = freePort();
        this.httpsPort = freePort();
        this.extraArgs = List.copyOf(extraArgs);
        this.extraEnv = java.util.Map.copyOf(extraEnv);
        Files.createDirectories(dataDir);
    }

    /** Starts the controller and waits until {@code /health} answers 200. */
    ControllerProcess start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "org.syncready.controller.ControllerMain", "--data", dataDir.toAbsolutePath().toString(),
                "--bind", "127.0.0.1", "--http-port", String.valueOf(httpPort), "--mqtt-port", String.valueOf(mqttPort),
                "--https-port", String.valueOf(httpsPort),
                "--echo-port", "0", "--min-free-disk-mb", "0"));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("controller.log").toFile()));
        // The first start creates the admin account with this password; the API calls below log in with it.
        builder.environment().put("SYNCREADY_ADMIN_PASSWORD", ADMIN_PASSWORD);
        builder.environment().putAll(extraEnv);
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("controller exited with " + process.exitValue() + " during start; the end of its log:\n" + logTail());
            }
            try {
                if (get("/health").statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new IOException("controller not healthy after 120 s (see " + dataDir.resolve("controller.log") + ")");
    }

    /** Everything the controller has logged so far (all its starts). */
    String log() throws IOException {
        return Files.readString(dataDir.resolve("controller.log"));
    }

    /** Where boxes reach this controller over HTTPS (enrollment, speed tests). */
    String httpsUrl() {
        return "https://127.0.0.1:" + httpsPort;
    }

    Path dataDir() {
        return dataDir;
    }

    private String logTail() throws IOException {
        List<String> lines = Files.readAllLines(dataDir.resolve("controller.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    /** SIGKILL: no shutdown hook, no clean disconnect, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the controller shuts down cleanly. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String brokerUri() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    Path database() {
        return dataDir.resolve("syncready.db");
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).header("Authorization", BASIC)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("content-type", "application/json").header("Authorization", BASIC).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).header("Authorization", BASIC)
                .timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Registers a school and classroom (once) and a box in it; returns the box's MQTT password. */
    String registerBox(String boxId) throws IOException, InterruptedException {
        if (getJson("/api/v1/schools").isEmpty()) {
            post("/api/v1/schools", "{\"id\":\"s1\",\"nameZh\":\"学校\",\"nameEn\":\"School\"}");
        }
        post("/api/v1/classrooms", "{\"id\":\"room-" + boxId + "\",\"schoolId\":\"s1\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}");
        return post("/api/v1/boxes", "{\"id\":\"" + boxId + "\",\"classroomId\":\"room-" + boxId + "\",\"model\":\"generic-recorder-a\"}")
                .path("mqtt").path("password").asText();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            stop();
        }
    }
}
