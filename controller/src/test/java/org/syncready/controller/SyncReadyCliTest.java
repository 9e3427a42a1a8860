package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
