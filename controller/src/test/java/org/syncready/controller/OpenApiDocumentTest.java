package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.api.OpenApiRoutes;

/**
 * Keeps the OpenAPI document ({@code api/openapi.yaml}, served at {@code /openapi.json}) true: every
 * route of the running controller's router is documented and every documented operation is routed;
 * every example in it validates against its schema; and live answers of a running controller validate
 * against the schemas their operations document (with a second validator, Redocly, run on the document
 * by OpenApiLintTest).
 */
class OpenApiDocumentTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @TempDir
    static Path data;
    static ControllerFixture api;
    static JsonNode doc;
    static ObjectNode defs;
    static String sessionId;

    @BeforeAll
    static void start() throws Exception {
        api = ControllerFixture.withLeadAndTwoRuralClassrooms(data);
        doc = OpenApiRoutes.document();
        // Component schemas as $defs of one root, so that every "#/components/schemas/X" resolves.
        defs = (ObjectNode) new ObjectMapper().readTree(doc.path("components").path("schemas").toString()
                .replace("#/components/schemas/", "#/$defs/"));
        String day = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).plusDays(1).toString();
        sessionId = api.post("/api/v1/sessions", "{\"leadClassroomId\":\"lead-g1\",\"remoteClassroomIds\":[\"rural-g1\"],"
                + "\"subject\":\"数学\",\"start\":\"" + day + "T08:00\",\"end\":\"" + day + "T08:45\"}").body().path("id").asText();
        api.post("/api/v1/terms", "{\"id\":\"t1\",\"name\":\"T\",\"firstDay\":\"2026-09-01\",\"lastDay\":\"2026-09-30\"}");
        api.post("/api/v1/rollouts?dryRun=true", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"all\":true}}");
        api.post("/api/v1/rollouts", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-lead\"]}}");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** "METHOD /path" of every documented operation. */
    private static Set<String> documented() {
        Set<String> out = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (METHODS.contains(m)) {
                out.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
            }
        }));
        return out;
    }

    @Test
    void theDocumentIsOpenApi31AndServedAsJson() throws Exception {
        assertEquals("3.1.0", doc.path("openapi").asText());
        ControllerFixture.Response served = api.get("/openapi.json");
        assertEquals(200, served.status());
        assertEquals(doc, served.body(), "/openapi.json is the resource, as JSON");
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() {
        Set<String> routed = new TreeSet<>(api.controller.apiRoutes());
        Set<String> documented = documented();
        Set<String> undocumented = new TreeSet<>(routed);
        undocumented.removeAll(documented);
        Set<String> unrouted = new TreeSet<>(documented);
        unrouted.removeAll(routed);
        assertEquals(Set.of(), undocumented, "routes missing from openapi.yaml");
        assertEquals(Set.of(), unrouted, "operations in openapi.yaml that no route serves");
        assertTrue(routed.size() >= 38, routed.toString());
    }

    /**
     * What the document says about credentials agrees with each route's policy: an operation open to
     * anyone ({@code security: [{}]} only) is a route with an OPEN policy; one that also takes no
     * credentials among others is open on loopback; the box's speed test takes the box's own; every
     * other one needs a user (the root's three schemes: bearer token, password, session cookie).
     */
    @Test
    void documentedSecurityAgreesWithEachRoutesPolicy() {
        Set<String> schemes = new TreeSet<>();
        doc.path("components").path("securitySchemes").fieldNames().forEachRemaining(schemes::add);
        assertEquals(Set.of("basicPassword", "bearerToken", "boxBasic", "brokerSecret", "sessionCookie"), schemes);
        List<String> problems = new ArrayList<>();
        for (org.syncready.controller.api.RouteEntry r : api.controller.routeTable()) {
            // The web console's pages and streams are HTML and SSE, not the JSON API the document describes.
            if (r.path() == null || r.infrastructure() != null || r.policy().consolePage()) {
                continue;
            }
            String path = r.path().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            for (String method : r.methods()) {
                JsonNode op = doc.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT));
                JsonNode security = op.has("security") ? op.get("security") : doc.path("security");
                Set<String> says = new TreeSet<>();
                security.forEach(req -> says.add(req.isEmpty() ? "none" : req.fieldNames().next()));
                Set<String> expected = switch (r.policy().access()) {
                    case OPEN, ANONYMOUS_LIMITED -> Set.of("none");
                    case BOX -> Set.of("boxBasic");
                    case BROKER -> Set.of("brokerSecret");
                    case LOOPBACK_OR_ROLES -> Set.of("none", "bearerToken", "basicPassword", "sessionCookie");
                    case LOGGED_IN, ROLES -> Set.of("bearerToken", "basicPassword", "sessionCookie");
                };
                if (!says.equals(expected)) {
                    problems.add(method + " " + path + ": documents " + says + ", its policy (" + r.policy().access() + ") means " + expected);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyExampleValidatesAgainstItsSchema() {
        List<String> problems = new ArrayList<>();
        int[] checked = {0};
        walk(doc, "", (where, media) -> {
            JsonNode schema = media.get("schema");
            if (schema == null) {
                return;
            }
            List<JsonNode> examples = new ArrayList<>();
            if (media.has("example")) {
                examples.add(media.get("example"));
            }
            media.path("examples").forEach(e -> examples.add(e.path("value")));
            for (JsonNode example : examples) {
                checked[0]++;
                for (ValidationMessage m : validate(schema, example)) {
                    problems.add(where + ": " + m.getMessage());
                }
            }
        });
        assertEquals(List.of(), problems);
        assertTrue(checked[0] >= 25, "examples checked: " + checked[0]);
    }

    /** Calls each media type object (requestBody and responses content) with where it is. */
    private static void walk(JsonNode node, String where, java.util.function.BiConsumer<String, JsonNode> media) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("content") && e.getValue().isObject()) {
                    e.getValue().fields().forEachRemaining(c -> {
                        if (c.getKey().contains("json")) {
                            media.accept(where + "/content/" + c.getKey(), c.getValue());
                        }
                    });
                } else if (!e.getKey().equals("schemas")) {
                    walk(e.getValue(), where + "/" + e.getKey(), media);
                }
            }
        }
    }

    private static Set<ValidationMessage> validate(JsonNode schema, JsonNode instance) {
        ObjectNode root;
        try {
            root = (ObjectNode) new ObjectMapper().readTree(schema.toString().replace("#/components/schemas/", "#/$defs/"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", defs);
        JsonSchema compiled = SCHEMAS.getSchema(root);
        return compiled.validate(instance);
    }

    /** The schema an operation documents for a status and JSON. */
    private static JsonNode responseSchema(String method, String path, int status) {
        JsonNode response = doc.path("paths").path(path).path(method).path("responses").path(String.valueOf(status));
        if (response.has("$ref")) {
            String name = response.get("$ref").asText().substring("#/components/responses/".length());
            response = doc.path("components").path("responses").path(name);
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        assertTrue(!schema.isMissingNode(), method + " " + path + " documents no JSON schema for " + status);
        return schema;
    }

    @Test
    void liveAnswersValidateAgainstTheirDocumentedSchemas() throws Exception {
        String[][] calls = {
                {"/health", "/health"},
                {"/api/v1/schools", "/api/v1/schools"},
                {"/api/v1/classrooms", "/api/v1/classrooms?school=rural"},
                {"/api/v1/boxes", "/api/v1/boxes"},
                {"/api/v1/boxes/{id}", "/api/v1/boxes/box-lead"},
                {"/api/v1/boxes/{id}/history", "/api/v1/boxes/box-lead/history"},
                {"/api/v1/boxes/{id}/events", "/api/v1/boxes/box-lead/events"},
                {"/api/v1/boxes/{id}/config", "/api/v1/boxes/box-lead/config"},
                {"/api/v1/boxes/{id}/config/preview", "/api/v1/boxes/box-rural-1/config/preview?profile=generic-recorder-a/low-uplink-720p"},
                {"/api/v1/sessions", "/api/v1/sessions?from=2026-01-01&to=2026-03-01"},
                {"/api/v1/sessions/{id}", "/api/v1/sessions/" + sessionId},
                {"/api/v1/sessions/{id}/readiness", "/api/v1/sessions/" + sessionId + "/readiness"},
                {"/api/v1/readiness", "/api/v1/readiness?school=rural&date="
                        + java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).plusDays(1)},
                {"/api/v1/reports/readiness", "/api/v1/reports/readiness?groupBy=classroom"},
                {"/api/v1/terms", "/api/v1/terms"},
                {"/api/v1/terms/{id}", "/api/v1/terms/t1"},
                {"/api/v1/profiles", "/api/v1/profiles"},
                {"/api/v1/profiles/{model}/{name}", "/api/v1/profiles/generic-recorder-a/standard-1080p"},
                {"/api/v1/rollouts", "/api/v1/rollouts"},
                {"/api/v1/audit", "/api/v1/audit"},
        };
        List<String> problems = new ArrayList<>();
        for (String[] c : calls) {
            ControllerFixture.Response r = api.get(c[1]);
            assertEquals(200, r.status(), c[1] + ": " + r.text());
            validate(responseSchema("get", c[0], 200), r.body()).forEach(m -> problems.add("GET " + c[1] + ": " + m.getMessage()));
        }
        String rolloutId = api.get("/api/v1/rollouts").body().get(0).path("id").asText();
        ControllerFixture.Response rollout = api.get("/api/v1/rollouts/" + rolloutId);
        validate(responseSchema("get", "/api/v1/rollouts/{id}", 200), rollout.body()).forEach(m -> problems.add("rollout: " + m.getMessage()));
        ControllerFixture.Response notFound = api.get("/api/v1/boxes/box-nope");
        validate(responseSchema("get", "/api/v1/boxes/{id}", 404), notFound.body()).forEach(m -> problems.add("404: " + m.getMessage()));
        ControllerFixture.Response dry = api.post("/api/v1/rollouts?dryRun=true",
                "{\"profile\":\"generic-recorder-a/low-uplink-720p\",\"target\":{\"schools\":[\"rural\"]}}");
        validate(responseSchema("post", "/api/v1/rollouts", 200), dry.body()).forEach(m -> problems.add("dry run: " + m.getMessage()));
        ControllerFixture.Response school = api.post("/api/v1/schools", "{\"id\":\"s9\",\"nameZh\":\"九\",\"nameEn\":\"Nine\"}");
        validate(responseSchema("post", "/api/v1/schools", 201), school.body()).forEach(m -> problems.add("school: " + m.getMessage()));
        assertEquals(List.of(), problems);
    }
}
