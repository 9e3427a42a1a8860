package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.EmqxStandIn.Client;
import org.syncready.controller.EmqxStandIn.Verdict;
import org.syncready.controller.api.EmqxHookRoutes;
import org.syncready.protocol.Topics;

/**
 * The EMQX hook against a running controller, asked as EMQX asks it ({@link EmqxStandIn}: the configuration in
 * docs/OPERATIONS.md, real HTTP): boxes and the controller get the embedded broker's decisions, a revoked or rotated
 * box is refused at once, and a request without the broker secret or with a bad body decides nothing.
 */
class EmqxHookTest {
    private static final String SECRET = "emqx-hook-test-" + java.util.UUID.randomUUID();

    @TempDir
    static Path data;
    static ControllerFixture f;
    static EmqxStandIn emqx;
    static String secretA;
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        f = new ControllerFixture(ControllerConfig.builder(data).freePorts().emqxHookSecret(SECRET).build());
        secretA = f.registerBox("school-e", "room-e1", "box-a");
        f.registerBox("school-e", "room-e2", "box-b");
        emqx = EmqxStandIn.asDocumented("http://127.0.0.1:" + f.controller.httpPort(), SECRET);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void theDocumentedConfigurationSendsWhatTheHookReads() {
        assertEquals("/api/v1/broker/emqx/authenticate", emqx.authentication.path());
        assertEquals("/api/v1/broker/emqx/authorize", emqx.authorization.path());
        assertEquals(SECRET, emqx.authentication.headers().get(EmqxHookRoutes.SECRET_HEADER));
        assertEquals(SECRET, emqx.authorization.headers().get(EmqxHookRoutes.SECRET_HEADER));
        assertEquals("${password}", emqx.authentication.body().get("password"));
        assertEquals("${action}", emqx.authorization.body().get("action"));
        assertEquals("${client_attrs." + EmqxHookRoutes.CREDENTIAL_ATTRIBUTE + "}", emqx.authorization.body().get("credential"));
    }

    @Test
    void aRegisteredBoxWithItsSecretConnects() throws Exception {
        Client a = new Client("box-a", "box-a", secretA);
        assertEquals(Verdict.ALLOW, emqx.connect(a));
        assertEquals(32, a.attributes.get(EmqxHookRoutes.CREDENTIAL_ATTRIBUTE).length(), a.attributes.toString());
        assertFalse(a.attributes.get(EmqxHookRoutes.CREDENTIAL_ATTRIBUTE).contains(secretA));
    }

    @Test
    void wrongSecretUnknownBoxAndBorrowedNamesAreDenied() throws Exception {
        double before = counter("authenticate", "deny");
        assertEquals(Verdict.DENY, emqx.connect(new Client("box-a", "box-a", secretA + "x")));
        assertEquals(Verdict.DENY, emqx.connect(new Client("box-nope", "box-nope", secretA)));
        // Box a's secret under another client id: it could take over box b's session.
        assertEquals(Verdict.DENY, emqx.connect(new Client("box-b", "box-a", secretA)));
        assertEquals(Verdict.DENY, emqx.connect(new Client("box-a", "", "")));
        assertEquals(Verdict.DENY, emqx.connect(new Client("syncready-controller-x", "syncready-controller", secretA)));
        assertEquals(before + 5, counter("authenticate", "deny"));
    }

    @Test
    void aBoxStaysInItsOwnTopicTree() throws Exception {
        Client a = new Client("box-a", "box-a", secretA);
        assertEquals(Verdict.ALLOW, emqx.connect(a));
        assertEquals(Verdict.ALLOW, emqx.authorize(a, "publish", Topics.ROOT + "box-a/status"));
        assertEquals(Verdict.ALLOW, emqx.authorize(a, "subscribe", Topics.ROOT + "box-a/#"));
        assertEquals(Verdict.DENY, emqx.authorize(a, "publish", Topics.ROOT + "box-b/status"));
        assertEquals(Verdict.DENY, emqx.authorize(a, "subscribe", Topics.ROOT + "box-b/#"));
        assertEquals(Verdict.DENY, emqx.authorize(a, "subscribe", Topics.ROOT + "+/status"));
        assertEquals(Verdict.DENY, emqx.authorize(a, "subscribe", "#"));
        assertEquals(Verdict.DENY, emqx.authorize(a, "subscribe", "$share/g/" + Topics.ROOT + "box-b/#"));
        // Whether the controller is up: every box may watch it, none may speak for it.
        assertEquals(Verdict.ALLOW, emqx.authorize(a, "subscribe", Topics.CONTROLLER_STATE));
        assertEquals(Verdict.DENY, emqx.authorize(a, "publish", Topics.CONTROLLER_STATE));
        // Another client claiming box a's name without having connected as it.
        assertEquals(Verdict.DENY, emqx.authorize(new Client("box-b", "box-a", ""), "publish", Topics.ROOT + "box-a/status"));
    }

    @Test
    void theControllerMayDoEverything() throws Exception {
        Client controller = new Client("syncready-controller-node1", "syncready-controller", "");
        assertEquals(Verdict.ALLOW, emqx.authorize(controller, "subscribe", "$share/ingest/" + Topics.ROOT + "+/status"));
        assertEquals(Verdict.ALLOW, emqx.authorize(controller, "publish", Topics.ROOT + "box-b/cmd"));
        assertEquals(Verdict.ALLOW, emqx.authorize(controller, "publish", Topics.CONTROLLER_STATE));
        // The controller's user name from another client id is nobody.
        assertEquals(Verdict.DENY, emqx.authorize(new Client("box-a", "syncready-controller", ""), "publish", Topics.CONTROLLER_STATE));
    }

    @Test
    void aRevokedBoxIsDeniedAtOnce() throws Exception {
        String secret = f.registerBox("school-e", "room-e3", "box-r");
        Client r = new Client("box-r", "box-r", secret);
        assertEquals(Verdict.ALLOW, emqx.connect(r));
        assertEquals(Verdict.ALLOW, emqx.authorize(r, "publish", Topics.ROOT + "box-r/status"));
        int status = f.delete("/api/v1/boxes/box-r").status();
        assertTrue(status == 200 || status == 204, "revoke: " + status);
        assertEquals(Verdict.DENY, emqx.authorize(r, "publish", Topics.ROOT + "box-r/status"));
        assertEquals(Verdict.DENY, emqx.authorize(r, "subscribe", Topics.CONTROLLER_STATE));
        assertEquals(Verdict.DENY, emqx.connect(new Client("box-r", "box-r", secret)));
    }

    @Test
    void aRotatedSecretIsDeniedAtOnceOnTheOpenConnectionToo() throws Exception {
        String old = f.registerBox("school-e", "room-e4", "box-t");
        Client before = new Client("box-t", "box-t", old);
        assertEquals(Verdict.ALLOW, emqx.connect(before));
        ControllerFixture.Response rotated = f.post("/api/v1/boxes/box-t/credentials", "{}");
        assertEquals(200, rotated.status(), rotated.text());
        String fresh = rotated.body().path("mqtt").path("password").asText();
        assertNotEquals(old, fresh);
        // The connection made with the old secret: its credential attribute no longer matches.
        assertEquals(Verdict.DENY, emqx.authorize(before, "publish", Topics.ROOT + "box-t/status"));
        assertEquals(Verdict.DENY, emqx.connect(new Client("box-t", "box-t", old)));
        Client after = new Client("box-t", "box-t", fresh);
        assertEquals(Verdict.ALLOW, emqx.connect(after));
        assertEquals(Verdict.ALLOW, emqx.authorize(after, "publish", Topics.ROOT + "box-t/status"));
        // An EMQX without client attributes (before 5.7) leaves the placeholder empty: the registry alone decides.
        assertEquals(Verdict.ALLOW, emqx.authorize(new Client("box-t", "box-t", ""), "publish", Topics.ROOT + "box-t/status"));
    }

    @Test
    void withoutTheBrokerSecretNothingIsDecided() throws Exception {
        Client a = new Client("box-a", "box-a", secretA);
        String body = emqx.render(emqx.authentication.body(), Map.of("clientid", "box-a", "username", "box-a", "password", secretA), a);
        double allowed = counter("authenticate", "allow");
        double refused = counter("authenticate", "refused");
        Map<String, String> none = new HashMap<>(emqx.authentication.headers());
        none.remove(EmqxHookRoutes.SECRET_HEADER);
        Map<String, String> wrong = new HashMap<>(emqx.authentication.headers());
        wrong.put(EmqxHookRoutes.SECRET_HEADER, SECRET + "0");
        Map<String, String> userToken = new HashMap<>(none);
        userToken.put("Authorization", "Bearer " + f.adminToken);
        for (Map<String, String> headers : java.util.List.of(none, wrong, userToken)) {
            HttpResponse<String> r = emqx.post(emqx.authentication, headers, body);
            assertEquals(401, r.statusCode(), r.body());
            assertFalse(r.body().contains("\"result\""), r.body());
            assertEquals("unauthorized", json.readTree(r.body()).path("error").asText());
        }
        HttpResponse<String> r = emqx.post(emqx.authorization, none, "{\"clientid\":\"box-a\",\"username\":\"box-a\","
                + "\"topic\":\"" + Topics.ROOT + "box-a/status\",\"action\":\"publish\"}");
        assertEquals(401, r.statusCode(), r.body());
        assertEquals(allowed, counter("authenticate", "allow"));
        assertEquals(refused + 3, counter("authenticate", "refused"));
        // The same body with the secret is allowed: it was the secret that was missing.
        assertEquals(200, emqx.post(emqx.authentication, body).statusCode());
        assertEquals(allowed + 1, counter("authenticate", "allow"));
    }

    @Test
    void badBodiesGetAClear400() throws Exception {
        HttpResponse<String> notJson = emqx.post(emqx.authentication, "{\"clientid\": \"box-a\", ");
        assertEquals(400, notJson.statusCode(), notJson.body());
        assertTrue(message(notJson).contains("not valid JSON"), notJson.body());
        HttpResponse<String> missing = emqx.post(emqx.authentication, "{\"clientid\":\"box-a\",\"username\":\"box-a\"}");
        assertEquals(400, missing.statusCode(), missing.body());
        assertTrue(message(missing).contains("'password' is required"), missing.body());
        HttpResponse<String> action = emqx.post(emqx.authorization, "{\"clientid\":\"box-a\",\"username\":\"box-a\","
                + "\"topic\":\"t\",\"action\":\"all\"}");
        assertEquals(400, action.statusCode(), action.body());
        assertTrue(message(action).contains("'action' must be publish or subscribe"), action.body());
        HttpResponse<String> array = emqx.post(emqx.authorization, "[1,2]");
        assertEquals(400, array.statusCode(), array.body());
    }

    @Test
    void anOversizedBodyIsRefused() throws Exception {
        String big = "{\"clientid\":\"box-a\",\"username\":\"box-a\",\"password\":\"" + "x".repeat(9 * 1024) + "\"}";
        HttpResponse<String> r = emqx.post(emqx.authentication, big);
        assertEquals(413, r.statusCode(), r.body());
        // The connection is still good for the next question.
        assertEquals(Verdict.ALLOW, emqx.connect(new Client("box-a", "box-a", secretA)));
    }

    @Test
    void offWithoutASecret(@TempDir Path other) throws Exception {
        try (ControllerFixture off = new ControllerFixture(other)) {
            EmqxStandIn unconfigured = EmqxStandIn.asDocumented("http://127.0.0.1:" + off.controller.httpPort(), SECRET);
            HttpResponse<String> r = unconfigured.post(unconfigured.authentication, "{}");
            assertEquals(404, r.statusCode(), r.body());
            HttpResponse<String> unknown = unconfigured.post(new EmqxStandIn.Source("/api/v1/broker/emqx/nothing", Map.of(), Map.of()), "{}");
            assertEquals(json.readTree(unknown.body()).path("error"), json.readTree(r.body()).path("error"));
            assertEquals(Verdict.IGNORE, unconfigured.connect(new Client("box-a", "box-a", "whatever")));
        }
    }

    private static String message(HttpResponse<String> r) throws Exception {
        return json.readTree(r.body()).path("message").asText();
    }

    private static final Pattern SAMPLE = Pattern.compile("^syncready_broker_hook_decisions_total\\{([^}]*)} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    /** The hook's decision counter for one question and answer, as /metrics shows it. */
    private static double counter(String question, String result) throws Exception {
        String text = f.get("/metrics").text();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (m.group(1).contains("question=\"" + question + "\"") && m.group(1).contains("result=\"" + result + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no syncready_broker_hook_decisions_total{question=" + question + ",result=" + result + "} in /metrics");
    }
}
