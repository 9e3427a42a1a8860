package org.syncready.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.health.Health;
import org.syncready.controller.health.UncaughtFailures;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlAccountStore;
import org.syncready.controller.store.SqlAuditStore;

/**
 * The policy a later route for enrollment by code uses: anonymous, rate-limited per source; and the
 * rule that a state-changing route cannot be mounted without saying how it is audited.
 */
class AnonymousPolicyTest {
    @TempDir
    Path dir;

    private HttpApiVerticle server(Database db, RouteGroup group) {
        Accounts accounts = new Accounts(new SqlAccountStore(db), Clock.systemUTC(), id -> false, Accounts.Settings.DEFAULT);
        ControllerMetrics metrics = new ControllerMetrics();
        Health health = new Health(Clock.systemUTC(), Health.Limits.DEFAULT, metrics, new UncaughtFailures(metrics));
        return new HttpApiVerticle(new HttpApiVerticle.Endpoint("127.0.0.1", 0), null, metrics, health, new ObjectMapper(), accounts,
                new AuditLog(new SqlAuditStore(db), Clock.systemUTC()), List.of(group));
    }

    @Test
    void anAnonymousRouteAnswersABurstPerSourceThenAsksToWait() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Database db = Database.open(dir.resolve("syncready.db"))) {
            HttpApiVerticle api = server(db, (routes, ctx) -> routes.post("/enroll",
                    Policy.anonymous(new Policy.RateLimit(6, 3), "codes are guessed: limit per source").notAudited("test route"),
                    rc -> rc.response().end("ok")));
            vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.actualPort() + "/enroll"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode(), "request " + i);
            }
            HttpResponse<String> limited = http.send(post, HttpResponse.BodyHandlers.ofString());
            assertEquals(429, limited.statusCode());
            long wait = Long.parseLong(limited.headers().firstValue("Retry-After").orElse("0"));
            assertTrue(wait >= 1 && wait <= 10, "6 a minute: the next token within 10 s, was " + wait);
            assertTrue(api.routeTable().stream().anyMatch(e -> "/enroll".equals(e.path())
                    && e.policy().access() == Policy.Access.ANONYMOUS_LIMITED));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStateChangingRouteWithoutAnAuditDeclarationDoesNotMount() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Database db = Database.open(dir.resolve("syncready.db"))) {
            HttpApiVerticle api = server(db, (routes, ctx) -> routes.delete("/things/:id", Policy.anyRole(), rc -> rc.response().end()));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("must say how it is audited"), e.getCause().getMessage());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
