package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.cli.SyncReadyCli;

/** The technician CLI against a real controller: tables, refusals naming the field, exit codes. */
class SyncReadyCliTest {
    @TempDir
    Path data;

    record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SyncReadyCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void validatesProfilesOfflineNamingEveryBrokenField() throws Exception {
        Path dir = Files.createDirectories(data.resolve("generic-recorder-b"));
        Path good = dir.resolve("room-204.yaml");
        Files.writeString(good, "extends: classroom-1080p\nname: room-204\nvideo: {bitrateKbps: 2500}\n");
        Run ok = cli("config", "validate", good.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("OK") && ok.out().contains("generic-recorder-b/room-204"), ok.out());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "extends: classroom-1080p\nname: bad\nvideo: {fps: 60, codec: vp9}\naudio: {gian: 3}\n");
        Run refused = cli("config", "validate", bad.toString());
        assertEquals(1, refused.code());
        for (String field : new String[] {"/video/fps", "/video/codec", "/audio"}) {
            assertTrue(refused.err().contains(field), field + " in " + refused.err());
        }
        assertTrue(refused.err().contains("gian"), refused.err());
        assertEquals(1, cli("config", "validate", data.resolve("missing.yaml").toString()).code());
        assertEquals(2, cli("config", "validate").code(), "usage error");
    }

    @Test
    void everyCommandAnswersHelpWithExitZero() {
        for (String[] args : new String[][] {{"--help"}, {"rollout", "--help"}, {"rollout", "start", "--help"},
                {"rollout", "status", "-h"}, {"config", "--help"}, {"config", "validate", "--help"}, {"rollout", "abort", "--help"}}) {
            Run r = cli(args);
            assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
            assertTrue(r.out().startsWith("Usage: syncready"), String.join(" ", args) + "\n" + r.out());
        }
        assertTrue(cli("rollout", "start", "--help").out().contains("--profile"));
        Run bare = cli("rollout");
        assertEquals(2, bare.code(), "a group without its subcommand is a usage error");
        assertTrue(bare.err().contains("start") && bare.err().contains("status"), bare.err());
    }

    @Test
    void versionIsTheProjectVersion() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<parent>.*?<version>([^<]+)</version>", java.util.regex.Pattern.DOTALL)
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find());
        Run v = cli("--version");
        assertEquals(0, v.code());
        assertEquals("syncready " + m.group(1), v.out().strip());
        assertEquals("syncready " + m.group(1), cli("rollout", "--version").out().strip());
    }

    @Test
    void drivesARolloutOverTheApi() throws Exception {
        try (ControllerFixture f = new ControllerFixture(data)) {
            f.registerBox("s1", "c1", "box-1");
            f.registerBox("s1", "c2", "box-2");
            String url = "http://127.0.0.1:" + f.controller.httpPort();
            String wang = f.tokenFor("wang.tech", org.syncready.controller.account.Role.TECHNICIAN, java.util.Set.of("s1"));

            Run diff = cli("config", "diff", "--url", url, "--token", f.adminToken, "--box", "box-1", "--profile", "generic-recorder-a/low-uplink-720p");
            assertEquals(0, diff.code(), diff.err());
            assertTrue(diff.out().contains("/video/resolution") && diff.out().contains("1280x720"), diff.out());

            Run dry = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--profile", "generic-recorder-a/standard-1080p", "--school", "s1", "--dry-run");
            assertEquals(0, dry.code(), dry.err());
            assertTrue(dry.out().startsWith("DRY RUN: 2 boxes in waves [1,1]"), dry.out());
            assertTrue(dry.out().contains("box-1") && dry.out().contains("box-2") && dry.out().contains("CHANGE"), dry.out());
            assertEquals(0, f.get("/api/v1/rollouts").body().size(), "a dry run starts nothing");

            Run bad = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--profile", "generic-recorder-a/standard-1080p", "--school", "nowhere");
            assertEquals(1, bad.code());
            assertTrue(bad.err().contains("/target/schools/0") && bad.err().contains("no school 'nowhere'"), bad.err());

            Run start = cli("rollout", "start", "--url", url, "--token", wang, "--profile", "generic-recorder-a/standard-1080p",
                    "--school", "s1", "--waves", "1,100%");
            assertEquals(0, start.code(), start.err());
            String id = start.out().substring("rollout ".length(), start.out().indexOf(' ', "rollout ".length()));

            Run status = cli("rollout", "status", "--url", url, "--token", wang, id);
            assertEquals(3, status.code(), "no agent answers: still running\n" + status.out());
            assertTrue(status.out().contains("RUNNING") && status.out().contains("sent") && status.out().contains("by wang.tech"), status.out());

            assertEquals(0, cli("rollout", "abort", "--url", url, "--token", wang, id).code());
            assertEquals(5, cli("rollout", "status", "--url", url, "--token", wang, id).code(), "aborted");
            assertEquals(1, cli("rollout", "status", "--url", url, "--token", wang, "r-none").code());
            Run anonymous = cli("rollout", "status", "--url", url, id);
            assertEquals(1, anonymous.code(), "without a token the controller refuses");
            assertTrue(anonymous.err().contains("SYNCREADY_TOKEN"), anonymous.err());
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Run down = cli("rollout", "status", "--url", "http://127.0.0.1:" + closed, "r-1");
        assertEquals(4, down.code());
        assertTrue(down.err().contains("cannot reach the controller"), down.err());
    }

    @Test
    void setChangesOneKeyOfASchoolOrBoxLayerAndKeepsTheRest() throws Exception {
        try (ControllerFixture f = new ControllerFixture(data)) {
            f.registerBox("s1", "c1", "box-1");
            f.registerBox("s1", "c2", "box-2");
            f.registerBox("s2", "c3", "box-3");
            String url = "http://127.0.0.1:" + f.controller.httpPort();
            String profile = "generic-recorder-a/standard-1080p";

            Run first = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--profile", profile, "--school", "s1",
                    "--set", "network.ntpServer=ntp.s1.example.org", "--set", "stream.pushUrl=rtmp://10.1.0.5/live/s1",
                    "--box=box-3", "--set", "video.bitrateKbps=2500", "--waves", "100%");
            assertEquals(0, first.code(), first.err());
            String id = first.out().substring("rollout ".length(), first.out().indexOf(' ', "rollout ".length()));
            JsonNode config = f.get("/api/v1/boxes/box-1/config").body();
            assertEquals("ntp.s1.example.org", config.path("overrides").path("school").path("network").path("ntpServer").asText(), config.toString());
            assertEquals("rtmp://10.1.0.5/live/s1", config.path("desired").path("body").path("stream").path("pushUrl").asText());
            JsonNode box3 = f.get("/api/v1/boxes/box-3/config").body();
            assertEquals(2500, box3.path("overrides").path("box").path("video").path("bitrateKbps").asInt(), "a number stays a number");
            assertEquals(0, cli("rollout", "abort", "--url", url, "--token", f.adminToken, id).code());

            // Only the push URL changes: no --profile, and the school's NTP override stays.
            Run dry = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--school", "s1", "--set", "stream.pushUrl=rtmp://10.1.0.9/live/s1", "--dry-run");
            assertEquals(0, dry.code(), dry.err());
            assertTrue(dry.out().contains("/stream/pushUrl"), dry.out());
            assertTrue(dry.out().contains("override layer of school s1 would become: "
                    + "{\"network\":{\"ntpServer\":\"ntp.s1.example.org\"},\"stream\":{\"pushUrl\":\"rtmp://10.1.0.9/live/s1\"}}"), dry.out());
            Run real = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--school", "s1", "--set", "stream.pushUrl=rtmp://10.1.0.9/live/s1",
                    "--waves", "100%");
            assertEquals(0, real.code(), real.err());
            config = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> f.get("/api/v1/boxes/box-2/config").body(),
                            c -> c.path("desired").path("body").path("stream").path("pushUrl").asText().endsWith("10.1.0.9/live/s1"));
            assertEquals(profile, config.path("profile").asText(), "each box keeps its profile");
            assertEquals("rtmp://10.1.0.9/live/s1", config.path("desired").path("body").path("stream").path("pushUrl").asText());
            assertEquals("ntp.s1.example.org", config.path("desired").path("body").path("network").path("ntpServer").asText());
        }
    }

    @Test
    void overridesFromAFileAndSetsThatCannotBeUsed() throws Exception {
        try (ControllerFixture f = new ControllerFixture(data)) {
            f.registerBox("s1", "c1", "box-1");
            String url = "http://127.0.0.1:" + f.controller.httpPort();
            Path file = data.resolve("overrides.yaml");
            Files.writeString(file, "schools:\n  s1:\n    stream: {pushUrl: rtmp://10.1.0.7/live/s1}\n");
            Run dry = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--profile", "generic-recorder-a/standard-1080p", "--school", "s1",
                    "--overrides", file.toString(), "--dry-run");
            assertEquals(0, dry.code(), dry.err());
            assertTrue(dry.out().contains("rtmp://10.1.0.7/live/s1"), dry.out());

            Run orphan = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--set", "stream.pushUrl=rtmp://x/y", "--school", "s1");
            assertEquals(2, orphan.code());
            assertTrue(orphan.err().contains("put it after the --school or --box"), orphan.err());
            Run classroom = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--classroom", "c1", "--set", "video.fps=25");
            assertEquals(2, classroom.code());
            assertTrue(classroom.err().contains("per school and per box"), classroom.err());
            Run badKey = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--school", "s1", "--set", "stream pushUrl");
            assertEquals(2, badKey.code());
            assertTrue(badKey.err().contains("expected KEY=VALUE"), badKey.err());
            Run nothing = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--school", "s1");
            assertEquals(2, nothing.code());
            assertTrue(nothing.err().contains("nothing to roll out"), nothing.err());
            Run schema = cli("rollout", "start", "--url", url, "--token", f.adminToken, "--school", "s1", "--set", "video.fps=\"fast\"",
                    "--profile", "generic-recorder-a/standard-1080p", "--dry-run");
            assertEquals(1, schema.code(), "the controller checks the layer against the model's schema");
            assertTrue(schema.err().contains("/video/fps"), schema.err());
        }
    }
}
