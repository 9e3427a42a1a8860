package org.syncready.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import org.syncready.controller.account.Role;

/**
 * A running controller on free loopback ports with its data in a temp folder, plus an HTTP client
 * for it. The fixture's own requests are the first admin's, with an API token; {@link #as(String)}
 * makes requests with another token or none.
 */
final class ControllerFixture implements AutoCloseable {
    /** The first start's admin password in every fixture (SYNCREADY_ADMIN_PASSWORD of a real start). */
    static final String ADMIN_PASSWORD = "fixture-admin-password";

    final Controller controller;
    final ObjectMapper json = new ObjectMapper();
    /** The admin's API token: what every request of the fixture's own methods sends. */
    final String adminToken;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Client admin;

    ControllerFixture(Path dataDir) throws Exception {
        this(ControllerConfig.builder(dataDir).freePorts().build());
    }

    /** With a clock the test moves (rollout timeouts, windows, guards). */
    ControllerFixture(Path dataDir, java.time.Clock clock) throws Exception {
        this(ControllerConfig.builder(dataDir).freePorts().clock(clock).build());
    }

    ControllerFixture(ControllerConfig config) throws Exception {
        controller = Controller.start(config.adminPassword() == null ? config.toBuilder().adminPassword(ADMIN_PASSWORD).build() : config);
        adminToken = controller.accounts().createToken("admin", "test fixture", null, "admin").secret();
        admin = new Client(adminToken);
    }

    /** A controller with a lead classroom (lead-g1) and two rural ones (rural-g1, rural-g2), a box in each. */
    static ControllerFixture withLeadAndTwoRuralClassrooms(Path dataDir) throws Exception {
        ControllerFixture api = new ControllerFixture(dataDir);
        api.registerBox("lead-school", "lead-g1", "box-lead");
        api.registerBox("rural", "rural-g1", "box-rural-1");
        api.registerBox("rural", "rural-g2", "box-rural-2");
        return api;
    }

    record Response(int status, JsonNode body, String text, java.net.http.HttpHeaders headers) {
        Response(int status, JsonNode body, String text) {
            this(status, body, text, null);
        }
    }

    /** Creates a user with this role and schools and returns an API token of theirs. */
    String tokenFor(String username, Role role, Set<String> schools) {
        controller.accounts().createUser(username, role, schools, null, username + "-password");
        return controller.accounts().createToken(username, "test", null, "admin").secret();
    }

    /** Requests with {@code token} (null: anonymous). */
    Client as(String token) {
        return new Client(token);
    }

    Response get(String path) throws IOException, InterruptedException {
        return admin.get(path);
    }

    Response post(String path, String body) throws IOException, InterruptedException {
        return admin.post(path, body);
    }

    Response postBytes(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return admin.postBytes(path, contentType, body);
    }

    Response put(String path, String body) throws IOException, InterruptedException {
        return admin.put(path, body);
    }

    Response delete(String path) throws IOException, InterruptedException {
        return admin.delete(path);
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

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }

    /** Sends a request as it is (no credentials added). */
    Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        String ct = response.headers().firstValue("content-type").orElse("");
        if (ct.startsWith("application/json")) {
            body = json.readTree(response.body());
        }
        return new Response(response.statusCode(), body, response.body(), response.headers());
    }

    /** Requests carrying one token (or none). */
    final class Client {
        private final String token;

        private Client(String token) {
            this.token = token;
        }

        Response get(String path) throws IOException, InterruptedException {
            return send(builder(path).GET().build());
        }

        Response post(String path, String body) throws IOException, InterruptedException {
            return send(builder(path).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        }

        Response postBytes(String path, String contentType, byte[] body) throws IOException, InterruptedException {
            return send(builder(path).header("content-type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        }

        Response put(String path, String body) throws IOException, InterruptedException {
            return send(builder(path).header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
        }

        Response patch(String path, String body) throws IOException, InterruptedException {
            return send(builder(path).header("content-type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
        }

        Response delete(String path) throws IOException, InterruptedException {
            return send(builder(path).DELETE().build());
        }

        /** Any method, with an optional JSON body. */
        Response request(String method, String path, String body) throws IOException, InterruptedException {
            HttpRequest.Builder b = builder(path);
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            return send(b.build());
        }

        private HttpRequest.Builder builder(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return b;
        }
    }

    @Override
    public void close() {
        controller.close();
    }
}
