package org.syncready.bench.scale;

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
 * The real controller ({@code ControllerMain}) as a child JVM on this class path, on free loopback
 * ports, its output in {@code controller.log} in its data folder. Its first admin gets
 * {@value #ADMIN_PASSWORD} (through {@code SYNCREADY_ADMIN_PASSWORD}); {@link #token()} is an API
 * token of that admin, for the benchmark's requests.
 */
public final class ControllerProcess implements AutoCloseable {
    /** The bench's controllers run on loopback for minutes: a fixed password for their admin is enough. */
    public static final String ADMIN_PASSWORD = "bench-admin-password";

    private final Process process;
    private final int httpPort;
    private final int mqttPort;
    private String token;

    private ControllerProcess(Process process, int httpPort, int mqttPort) {
        this.process = process;
        this.httpPort = httpPort;
        this.mqttPort = mqttPort;
    }

    public static ControllerProcess start(Path dataDir, List<String> jvmArgs) throws IOException, InterruptedException {
        // OPC UA on a free port, as a controller runs by default (4840 would clash with another controller here).
        return start(dataDir, jvmArgs, List.of("--opcua-port", "0"), java.util.Map.of());
    }

    /** A controller with more command-line options (e.g. {@code --opcua-port}) and environment variables. */
    public static ControllerProcess start(Path dataDir, List<String> jvmArgs, List<String> options, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        int http = freePort();
        int mqtt = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.syncready.controller.ControllerMain",
                "--data", dataDir.toAbsolutePath().toString(), "--bind", "127.0.0.1",
                "--http-port", String.valueOf(http), "--mqtt-port", String.valueOf(mqtt), "--echo-port", "0",
                "--https-port", "0", "--mqtts-port", "0"));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SYNCREADY_ADMIN_PASSWORD", ADMIN_PASSWORD);
        builder.environment().putAll(env);
        Process p = builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("controller.log").toFile()))
                .start();
        ControllerProcess controller = new ControllerProcess(p, http, mqtt);
        try {
            controller.awaitHealthy(Duration.ofSeconds(90));
            controller.token = controller.createToken();
        } catch (IOException | RuntimeException e) {
            controller.close();
            throw e;
        }
        return controller;
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("controller exited with " + process.exitValue() + " during start (see controller.log)");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("controller not healthy after " + timeout);
    }

    /** Logs in once with the admin's password (HTTP Basic) and creates a token for the run. */
    private String createToken() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String basic = java.util.Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/tokens"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"benchmark\",\"expiresInDays\":7}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("could not create an API token (" + r.statusCode() + "): " + r.body()
                    + " (a data folder from an earlier run with another admin password? clear it)");
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("secret").asText();
    }

    /** An API token of the controller's admin. */
    public String token() {
        return token;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    public long pid() {
        return process.pid();
    }

    public int httpPort() {
        return httpPort;
    }

    public int mqttPort() {
        return mqttPort;
    }

    /** Resident set size in MB, from /proc. */
    public double rssMb() {
        return ProcessStats.rssMb(process.pid());
    }

    /** CPU time the controller used so far (user + system). */
    public Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Java heap in use after a full GC (live objects), in MB, from {@code jcmd GC.run} and {@code GC.heap_info}. */
    public double liveHeapMb() throws IOException, InterruptedException {
        jcmd("GC.run");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(jcmdOutput("GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    }

    /** Runs {@code jcmd <pid> args...} (e.g. {@code JFR.start}) and fails unless it exits 0. */
    public void jcmd(String... args) throws IOException, InterruptedException {
        jcmdOutput(args);
    }

    private String jcmdOutput(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        command.add(String.valueOf(process.pid()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", args) + " failed: " + out.trim());
        }
        return out;
    }

    /** SIGTERM (the controller shuts down cleanly), then kill after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
