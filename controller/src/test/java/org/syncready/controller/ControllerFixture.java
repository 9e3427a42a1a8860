package org.syncready.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A running controller on free loopback ports with its data in a temp folder, plus an HTTP client for it. */
final class ControllerFixture implements AutoCloseable {
    final Controller controller;
    final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    ControllerFixture(Path dataDir) throws Exception {
        this(ControllerConfig.builder(dataDir).freePorts().build());
    }

    /** With a clock the test moves (rollout timeouts, windows, guards). */
    ControllerFixture(Path dataDir, java.time.Clock clock) throws Exception {
        this(ControllerConfig.builder(dataDir).freePorts().clock(clock).build());
    }

    ControllerFixture(ControllerConfig config) throws Exception {
        controller = Controller.start(config);
    }

    /** A controller with a lead classroom (lead-g1) and two rural ones (rural-g1, rural-g2), a box in each. */
    static ControllerFixture withLeadAndTwoRuralClassrooms(Path dataDir) throws Exception {
        ControllerFixture api = new ControllerFixture(dataDir);
        api.registerBox("lead-school", "lead-g1", "box-lead");
        api.registerBox("rural", "rural-g1", "box-rural-1");
        api.registerBox("rural", "rural-g2", "box-rural-2");
        return api;
    }

    record Response(int status, JsonNode body, String text) {
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    Response post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response postBytes(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    Response put(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    String metricsText() throws IOException, InterruptedException {
        return get("/metrics").text();
    }

    /** Registers a school, classroom and box through the API; returns the box's MQTT password. */
    String registerBox(String school, String classroom, String boxId) throws IOException, InterruptedException {
        post("/api/v1/schools", "{\"id\":\"" + school + "\",\"nameZh\":\"学校\",\"nameEn\":\"School\"}");
        post("/api/v1/classrooms", "{\"id\":\"" + classroom + "\",\"schoolId\":\"" + school + "\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}");
        Response r = post("/api/v1/boxes", "{\"id\":\"" + boxId + "\",\"classroomId\":\"" + classroom + "\",\"model\":\"generic-recorder-a\"}");
        if (r.status() != 201) {
            throw new IllegalStateException("registration failed: " + r.text());
        }
        return r.body().path("mqtt").path("password").asText();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        String ct = response.headers().firstValue("content-type").orElse("");
        if (ct.startsWith("application/json")) {
            body = json.readTree(response.body());
        }
        return new Response(response.statusCode(), body, response.body());
    }

    @Override
    public void close() {
        controller.close();
    }
}
