package org.syncready.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Registers simulated boxes with a controller through its HTTP API (docs/API.md): schools of
 * {@value #CLASSROOMS_PER_SCHOOL} classrooms, one box per classroom. The box secret comes back once,
 * in the registration answer.
 */
public final class FleetEnrollment {
    public static final int CLASSROOMS_PER_SCHOOL = 40;
    private static final int CONCURRENCY = 16;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final String base;
    private final String token;

    /** @param token an API token of an admin or technician (registration needs one) */
    public FleetEnrollment(String host, int httpPort, String token) {
        this.base = "http://" + host + ":" + httpPort;
        this.token = token;
    }

    public static String boxId(int index) {
        return "sim-%05d".formatted(index);
    }

    /** Registers boxes {@code from} .. {@code from + count - 1} (with their schools and classrooms). */
    public List<BoxCredentials> enroll(int from, int count) throws IOException, InterruptedException {
        int firstSchool = from / CLASSROOMS_PER_SCHOOL;
        int lastSchool = (from + count - 1) / CLASSROOMS_PER_SCHOOL;
        List<CompletableFuture<JsonNode>> schools = new ArrayList<>();
        Semaphore permits = new Semaphore(CONCURRENCY);
        for (int s = firstSchool; s <= lastSchool; s++) {
            // A school may exist from an earlier enrollment: 409 is fine for it.
            schools.add(post("/api/v1/schools", Map.of("id", schoolId(s), "nameZh", "模拟学校 " + s, "nameEn", "Simulated school " + s),
                    permits, true));
        }
        await(schools);
        List<CompletableFuture<JsonNode>> rooms = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rooms.add(post("/api/v1/classrooms", Map.of("id", "simroom-%05d".formatted(i), "schoolId", schoolId(i / CLASSROOMS_PER_SCHOOL),
                    "nameZh", "模拟教室 " + i, "nameEn", "Simulated classroom " + i), permits, false));
        }
        await(rooms);
        List<CompletableFuture<JsonNode>> boxes = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            boxes.add(post("/api/v1/boxes", Map.of("id", boxId(i), "classroomId", "simroom-%05d".formatted(i),
                    "model", StatusFactory.MODEL), permits, false));
        }
        List<JsonNode> answers = await(boxes);
        List<BoxCredentials> credentials = new ArrayList<>(count);
        for (JsonNode a : answers) {
            credentials.add(new BoxCredentials(a.path("box").path("id").asText(), a.path("mqtt").path("password").asText()));
        }
        return credentials;
    }

    private static String schoolId(int s) {
        return "simsch-%04d".formatted(s);
    }

    private CompletableFuture<JsonNode> post(String path, Map<String, String> body, Semaphore permits, boolean conflictOk)
            throws IOException, InterruptedException {
        if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
            throw new IOException("controller did not answer registrations for 60 s");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> permits.release())
                .thenApply(r -> {
                    if (r.statusCode() == 201 || (conflictOk && r.statusCode() == 409)) {
                        try {
                            return mapper.readTree(r.body());
                        } catch (IOException e) {
                            throw new IllegalStateException("unreadable answer from POST " + path, e);
                        }
                    }
                    throw new IllegalStateException("POST " + path + " " + body.get("id") + " answered " + r.statusCode()
                            + ": " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
                });
    }

    private static List<JsonNode> await(List<CompletableFuture<JsonNode>> futures) throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>(futures.size());
        for (CompletableFuture<JsonNode> f : futures) {
            try {
                out.add(f.get(120, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("registration failed: " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
            }
        }
        return out;
    }
}
