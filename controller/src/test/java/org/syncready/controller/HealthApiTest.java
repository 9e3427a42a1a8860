package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthApiTest {
    @TempDir
    Path dir;

    @Test
    void aHealthyControllerSaysOkWithItsFactsAndGauges() throws Exception {
        try (ControllerFixture api = new ControllerFixture(dir)) {
            api.registerBox("s", "c", "box-1");
            ControllerFixture.Response r = api.get("/health");
            assertEquals(200, r.status(), r.text());
            assertEquals("ok", r.body().path("status").asText());
            assertEquals(0, r.body().path("problems").size());
            assertEquals("connected", r.body().path("mqtt").asText());
            assertEquals(1, r.body().path("boxesRegistered").asInt());
            assertTrue(r.body().has("uptimeS") && r.body().has("boxesOnline") && r.body().path("failures").isArray(), r.text());
            String metrics = api.metricsText();
            assertTrue(metrics.contains("syncready_health_ok 1.0"), metrics);
            assertTrue(metrics.contains("syncready_health_problem{condition=\"store_failing\"} 0.0"), metrics);
            assertTrue(metrics.contains("syncready_health_problem{condition=\"thread_stalled_readiness\"} 0.0"), metrics);
        }
    }

    @Test
    void freeDiskBelowTheFloorAnswers503WithTheReason() throws Exception {
        // A floor no disk reaches plays a full disk.
        ControllerConfig config = ControllerConfig.builder(dir).freePorts().minFreeDiskMb(1L << 40).build();
        try (ControllerFixture api = new ControllerFixture(config)) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> api.get("/health").status() == 503);
            ControllerFixture.Response r = api.get("/health");
            assertEquals("degraded", r.body().path("status").asText());
            assertEquals("disk_low", r.body().path("problems").path(0).path("code").asText(), r.text());
            assertTrue(r.body().path("problems").path(0).path("message").asText().contains("below the floor"), r.text());
            assertTrue(api.metricsText().contains("syncready_health_problem{condition=\"disk_low\"} 1.0"));
        }
    }
}
