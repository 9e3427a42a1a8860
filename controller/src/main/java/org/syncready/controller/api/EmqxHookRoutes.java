package org.syncready.controller.api;

import static org.syncready.controller.broker.WarningThrottle.printable;
import static org.syncready.controller.broker.WarningThrottle.repeated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.broker.BrokerPrincipal;
import org.syncready.controller.broker.TopicRights;
import org.syncready.controller.broker.WarningThrottle;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.metrics.ControllerMetrics;

/**
 * The HTTP hook an external EMQX 5 broker asks before it lets a client in ({@code POST /api/v1/broker/emqx/authenticate},
 * EMQX's "HTTP Server" password-based authenticator) and before every publish and subscription
 * ({@code POST /api/v1/broker/emqx/authorize}, EMQX's HTTP authorizer): the same decisions the embedded broker makes,
 * from the same places ({@link FleetRegistry#authenticate}, {@link TopicRights}). EMQX proves itself with a shared
 * secret in {@value #SECRET_HEADER} (its {@code headers} setting), compared in constant time; without it the answer is
 * 401 and nothing is decided. Off (404, like any unknown path) unless the secret is configured.
 *
 * <p>Answers as EMQX reads them (docs/OPERATIONS.md, "EMQX"): 200 with {@code {"result":"allow"|"deny"}}; a 4xx is
 * "ignore" to EMQX, which then refuses the client when nothing else in its chain decides. An allowed connection gets a
 * client attribute, {@value #CREDENTIAL_ATTRIBUTE}, that EMQX (5.7 and later) sends back with each authorization
 * question, so a box whose secret was rotated is refused at its next publish, as a revoked one is.
 */
public final class EmqxHookRoutes implements RouteGroup {
    private static final Logger log = LoggerFactory.getLogger(EmqxHookRoutes.class);
    static final String AUTHENTICATE = "/api/v1/broker/emqx/authenticate";
    static final String AUTHORIZE = "/api/v1/broker/emqx/authorize";
    public static final String SECRET_HEADER = "X-SyncReady-Broker-Secret";
    public static final String CREDENTIAL_ATTRIBUTE = "syncready_credential";
    /** EMQX's bodies are a few hundred bytes (a topic is at most 64 KiB by MQTT, ours far shorter): 8 KiB, then 413. */
    static final int BODY_LIMIT = 8 * 1024;

    private enum Question { AUTHENTICATE, AUTHORIZE }

    private final byte[] secretDigest;
    private final FleetRegistry registry;
    private final ControllerMetrics metrics;
    /** A box retrying a wrong secret, or publishing where it may not, every few seconds: a line per client a minute. */
    private final WarningThrottle warnings = new WarningThrottle(10_000, 30);
    private ApiContext api;

    /** {@code secret} null: the hook is off. */
    public EmqxHookRoutes(String secret, FleetRegistry registry, ControllerMetrics metrics) {
        this.secretDigest = secret == null ? null : sha256(secret);
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        // Mounted in mountStreaming: under a body limit of its own, before the API's 64 KiB one.
    }

    @Override
    public void mountStreaming(ApiRoutes routes, ApiContext api) {
        this.api = api;
        Policy policy = Policy.broker("EMQX asks with the shared secret in " + SECRET_HEADER + ", compared by the route; off unless configured")
                .notAudited("a broker's question at every CONNECT, publish and subscription: counted in"
                        + " syncready_broker_hook_decisions_total, denials logged once per client a minute");
        routes.post(AUTHENTICATE, policy, new RequestBody(BODY_LIMIT, false), ctx -> answer(ctx, Question.AUTHENTICATE));
        routes.post(AUTHORIZE, policy, new RequestBody(BODY_LIMIT, false), ctx -> answer(ctx, Question.AUTHORIZE));
        if (secretDigest != null) {
            log.info("EMQX hook on: POST {} and {}", AUTHENTICATE, AUTHORIZE);
        }
    }

    private void answer(RoutingContext ctx, Question question) {
        String label = question.name().toLowerCase(Locale.ROOT);
        if (secretDigest == null) {
            // Off: word for word what a path no route has gets.
            api.fail(ctx, new ApiException(404, "not_found", "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
            return;
        }
        String presented = ctx.request().getHeader(SECRET_HEADER);
        if (presented == null || !MessageDigest.isEqual(sha256(presented), secretDigest)) {
            metrics.brokerHook(label, "refused");
            String source = AccessGuard.source(ctx);
            warnings.admit("hook-secret/" + source, System.currentTimeMillis()).ifPresent(unlogged ->
                    log.warn("EMQX hook refused a request from {}: {} broker secret{}", source,
                            presented == null ? "no" : "a wrong", repeated(unlogged)));
            api.fail(ctx, new ApiException(401, "unauthorized", "send the broker secret in " + SECRET_HEADER
                    + " (EMQX: the authenticator's and authorizer's headers) / 缺少或错误的代理密钥"));
            return;
        }
        JsonNode body;
        Request request;
        try {
            body = api.body(ctx);
            request = question == Question.AUTHENTICATE ? authentication(body) : authorization(body);
        } catch (ApiException e) {
            metrics.brokerHook(label, "invalid");
            api.fail(ctx, e);
            return;
        }
        // The registry answers from memory, but it is the registry's to block (a store behind it): off the event loop.
        api.vertx().executeBlocking(request::decide, false).onComplete(result -> {
            if (result.failed()) {
                api.failWith(ctx, result.cause());
                return;
            }
            metrics.brokerHook(label, result.result().path("result").asText());
            // Exactly application/json: EMQX 5.0's authorizer compares the whole content type (later ones the prefix).
            ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(result.result().toString());
        });
    }

    // ------------------------------------------------------------------ the questions

    /** A question read and checked, decided on a worker. */
    @FunctionalInterface
    private interface Request {
        ObjectNode decide();
    }

    private Request authentication(JsonNode body) {
        String clientId = field(body, "clientid", true);
        String username = field(body, "username", true);
        String password = field(body, "password", true);
        String peer = field(body, "peerhost", false);
        return () -> {
            ObjectNode out = api.json().createObjectNode();
            if (username.isEmpty() || password.isEmpty()) {
                return denyConnect(out, clientId, peer, "no_credentials");
            }
            Optional<BrokerPrincipal> principal = registry.authenticate(clientId, username, password.getBytes(StandardCharsets.UTF_8));
            if (principal.isEmpty()) {
                return denyConnect(out, clientId, peer, "bad_credentials");
            }
            out.put("result", "allow").put("is_superuser", false);
            registry.credentialTag(principal.get()).ifPresent(tag -> out.putObject("client_attrs").put(CREDENTIAL_ATTRIBUTE, tag));
            return out;
        };
    }

    private ObjectNode denyConnect(ObjectNode out, String clientId, String peer, String reason) {
        metrics.authFailure(reason);
        warnings.admit("connect/" + reason + "/" + clientId, System.currentTimeMillis()).ifPresent(unlogged ->
                log.warn("EMQX hook denied connection clientId={} peer={} reason={}{}", printable(clientId), printable(peer), reason,
                        repeated(unlogged)));
        return out.put("result", "deny").put("is_superuser", false);
    }

    private Request authorization(JsonNode body) {
        String clientId = field(body, "clientid", true);
        String username = field(body, "username", true);
        String topic = field(body, "topic", true);
        String actionText = field(body, "action", true);
        TopicRights.Action action = switch (actionText.toLowerCase(Locale.ROOT)) {
            case "publish" -> TopicRights.Action.PUBLISH;
            case "subscribe" -> TopicRights.Action.SUBSCRIBE;
            default -> throw ApiException.badRequest("'action' must be publish or subscribe (EMQX's ${action}), was '"
                    + printable(actionText) + "'");
        };
        String credential = attribute(field(body, "credential", false));
        return () -> {
            ObjectNode out = api.json().createObjectNode();
            Optional<BrokerPrincipal> principal = registry.connectedAs(clientId, username);
            String refusal;
            if (principal.isEmpty()) {
                refusal = "unknown_or_revoked";
            } else if (credential != null && !credential.equals(registry.credentialTag(principal.get()).orElse(null))) {
                refusal = "credentials_rotated";
            } else if (!TopicRights.permits(principal.get(), action, topic)) {
                refusal = "outside_its_topics";
            } else {
                return out.put("result", "allow");
            }
            String what = action.name().toLowerCase(Locale.ROOT);
            metrics.aclDenied(what);
            String reason = refusal;
            warnings.admit("emqx-" + what + "/" + clientId, System.currentTimeMillis()).ifPresent(unlogged ->
                    log.warn("EMQX hook denied {} clientId={} topic={} reason={}{}", what, printable(clientId), printable(topic), reason,
                            repeated(unlogged)));
            return out.put("result", "deny");
        };
    }

    /**
     * The credential attribute as EMQX sent it, or null when it sent none: an EMQX older than 5.7 (no client attributes)
     * leaves the placeholder empty (or, in some versions, as it was written).
     */
    private static String attribute(String value) {
        return value == null || value.isEmpty() || value.startsWith("${") || value.equals("undefined") ? null : value;
    }

    /** A string field of EMQX's body; a missing required one (a body template without it) is a 400 naming it. */
    private static String field(JsonNode body, String name, boolean required) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest("'" + name + "' is required: EMQX's body template must send \"" + name
                        + "\": \"${" + name + "}\" (docs/OPERATIONS.md, \"EMQX\")");
            }
            return null;
        }
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
            throw ApiException.badRequest("'" + name + "' must be a string");
        }
        return v.asText();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
