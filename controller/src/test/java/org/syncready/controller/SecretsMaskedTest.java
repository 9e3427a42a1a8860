package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Role;

/**
 * Stream and camera credentials in configurations are shown only to admins and the technicians of
 * the box's school; everyone else sees them masked; they never reach the audit log or the log, and
 * neither do passwords and token secrets.
 */
class SecretsMaskedTest {
    private static final List<String> SECRETS = List.of("PushPass123", "SIGN456", "CamPass789", "users-secret-pass", "wrong-secret-pass");

    @TempDir
    Path data;

    @Test
    void credentialsInConfigurationsAreMaskedForEveryoneButAdminsAndTheSchoolsTechniciansAndNeverLoggedOrAudited() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (ControllerFixture f = new ControllerFixture(data)) {
            f.registerBox("hexi", "hexi-g3", "box-hexi-g3");
            f.registerBox("shanbei", "shanbei-g3", "box-shanbei-g3");
            String bureau = f.tokenFor("zhao", Role.BUREAU, Set.of());
            String schoolIt = f.tokenFor("wang", Role.SCHOOL_IT, Set.of("hexi"));
            String tech = f.tokenFor("li", Role.TECHNICIAN, Set.of("hexi"));
            String otherTech = f.tokenFor("chen", Role.TECHNICIAN, Set.of("shanbei"));

            ControllerFixture.Response started = f.as(tech).post("/api/v1/rollouts", """
                    {"profile":"generic-recorder-a/standard-1080p","target":{"schools":["hexi"]},
                     "overrides":{"schools":{"hexi":{"stream":{"pushUrl":"rtmp://pusher:PushPass123@s.example.org/live/hexi?sign=SIGN456"}}},
                                  "boxes":{"box-hexi-g3":{"cameras":[
                                      {"id":"cam-teacher","role":"teacher","kind":"rtsp","url":"rtsp://admin:CamPass789@192.168.10.11/live/main"},
                                      {"id":"cam-wide","role":"wide","kind":"usb","device":"/dev/video0"}]}}}}""");
            assertEquals(201, started.status(), started.text());
            await().atMost(Duration.ofSeconds(10)).until(() -> !f.get("/api/v1/boxes/box-hexi-g3/config").body().path("desired").isNull());

            for (String clear : new String[] {f.adminToken, tech}) {
                String config = f.as(clear).get("/api/v1/boxes/box-hexi-g3/config").text();
                assertTrue(config.contains("PushPass123") && config.contains("SIGN456") && config.contains("CamPass789"), config);
            }
            for (String masked : new String[] {bureau, schoolIt}) {
                ControllerFixture.Response r = f.as(masked).get("/api/v1/boxes/box-hexi-g3/config");
                assertEquals(200, r.status());
                assertFalse(SECRETS.stream().anyMatch(r.text()::contains), r.text());
                assertEquals("rtmp://***@s.example.org/live/hexi?***", r.body().at("/desired/body/stream/pushUrl").asText());
                assertEquals("rtsp://***@192.168.10.11/live/main", r.body().at("/desired/body/cameras/0/url").asText());
                assertEquals("rtmp://***@s.example.org/live/hexi?***", r.body().at("/overrides/school/stream/pushUrl").asText());
                String preview = f.as(masked).get("/api/v1/boxes/box-hexi-g3/config/preview?profile=generic-recorder-a/low-uplink-720p").text();
                assertFalse(SECRETS.stream().anyMatch(preview::contains), preview);
            }
            assertEquals(404, f.as(otherTech).get("/api/v1/boxes/box-hexi-g3/config").status(), "another school's technician");

            // Passwords in requests: a user created with one, a login with a wrong one.
            assertEquals(201, f.post("/api/v1/users", "{\"username\":\"sun\",\"role\":\"bureau\",\"password\":\"users-secret-pass\"}").status());
            assertEquals(401, f.as(null).post("/login", "{\"username\":\"sun\",\"password\":\"wrong-secret-pass\"}").status());
            String token = f.post("/api/v1/tokens", "{\"name\":\"logged\"}").body().path("secret").asText();

            // The API writes its entries right after each answer.
            await().atMost(Duration.ofSeconds(5)).until(() -> List.of("rollout.start", "user.create", "login.failed", "token.create")
                    .stream().allMatch(f.get("/api/v1/audit?limit=10000").text()::contains));
            String audit = f.get("/api/v1/audit?limit=10000").text();
            assertFalse(SECRETS.stream().anyMatch(audit::contains), audit);
            assertFalse(audit.contains(token.substring(4)), "token secrets are not audited");

            List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            for (String line : lines) {
                assertFalse(SECRETS.stream().anyMatch(line::contains) || line.contains(token.substring(4)), line);
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains("rollout.start")), "the log did record the actions");
        } finally {
            root.detachAppender(logs);
        }
    }
}
