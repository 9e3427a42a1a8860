package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.TestClock;

/**
 * What readiness must show (issue 12): every fault the fault control interface can switch, on the
 * lead's box and on a remote's box of a live session, caught with the expected verdict, reason and
 * severity — at T-30 and T-5 (test clock), live between them, and on demand. Real agents (simulated
 * probes) over the embedded broker; faults go through {@code POST /api/v1/boxes/{id}/simulate}; the
 * verdicts are read from the HTTP API.
 *
 * <p>Five groups of a lead and three remote classrooms run side by side, one cell each per round; a
 * round is one session per group. Between T-30 and T-5 each fault is cleared and switched on again to
 * time how long the live board takes to show the fix and the fault.
 *
 * <p>The matrix in docs/READINESS.md is this test's expectations and results: the test fails when the
 * document differs; {@code -Dreadiness.matrix.write=true} rewrites the section.
 */
class ReadinessFaultMatrixTest {
    private static final Logger log = LoggerFactory.getLogger(ReadinessFaultMatrixTest.class);
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final LocalDateTime DAY = LocalDateTime.parse("2026-09-07T08:00");
    private static final int GROUPS = 5;
    private static final Path DOC = Path.of("..", "docs", "READINESS.md");
    private static final String BEGIN = "<!-- fault-matrix:begin -->";
    private static final String END = "<!-- fault-matrix:end -->";
    private static final List<String> CHECKS = List.of("T-30", "live", "on-demand", "T-5");

    /** Where the fault is switched on: the lead's box or the first remote's. */
    enum Where {
        LEAD, REMOTE
    }

    /**
     * One cell: a fault (the body of the simulate request), where, and what readiness must say: the
     * faulted classroom's verdict, the reason code among its reasons with its severity, and the session's verdict.
     */
    record Cell(String fault, Where where, String body, String roomVerdict, String reason, String severity, String sessionVerdict) {
        boolean hang() {
            return body.contains("hangS");
        }
    }

    private static final List<Cell> MATRIX = List.of(
            cell("camera absent", Where.LEAD, "{\"cameras\":{\"cam-teacher\":\"absent\"}}", "NOT_READY", "CAMERA_ABSENT", "BLOCKING"),
            cell("camera absent", Where.REMOTE, "{\"cameras\":{\"cam-student\":\"absent\"}}", "NOT_READY", "CAMERA_ABSENT", "BLOCKING"),
            cell("camera fault", Where.LEAD, "{\"cameras\":{\"cam-teacher\":\"fault\"}}", "NOT_READY", "CAMERA_FAULT", "BLOCKING"),
            cell("camera fault", Where.REMOTE, "{\"cameras\":{\"cam-student\":\"fault\"}}", "NOT_READY", "CAMERA_FAULT", "BLOCKING"),
            cell("camera frozen", Where.LEAD, "{\"cameras\":{\"cam-teacher\":\"frozen\"}}", "NOT_READY", "CAMERA_FAULT", "BLOCKING"),
            cell("camera frozen", Where.REMOTE, "{\"cameras\":{\"cam-student\":\"frozen\"}}", "NOT_READY", "CAMERA_FAULT", "BLOCKING"),
            cell("camera black", Where.LEAD, "{\"cameras\":{\"cam-teacher\":\"black\"}}", "NOT_READY", "CAMERA_FAULT", "BLOCKING"),
            cell("camera black", Where.REMOTE, "{\"cameras\":{\"cam-student\":\"black\"}}", "NOT_READY", "CAMERA_FAULT", "BLOCKING"),
            cell("microphone silent", Where.LEAD, "{\"microphones\":{\"mic-room\":\"silent\"}}", "NOT_READY", "MIC_SILENT", "BLOCKING"),
            cell("microphone silent", Where.REMOTE, "{\"microphones\":{\"mic-room\":\"silent\"}}", "NOT_READY", "MIC_SILENT", "BLOCKING"),
            cell("microphone clipping", Where.LEAD, "{\"microphones\":{\"mic-room\":\"clipping\"}}", "AT_RISK", "MIC_CLIPPING", "WARNING"),
            cell("microphone clipping", Where.REMOTE, "{\"microphones\":{\"mic-room\":\"clipping\"}}", "AT_RISK", "MIC_CLIPPING", "WARNING"),
            cell("uplink 2 Mbit/s", Where.LEAD, "{\"uplinkKbps\":2000}", "NOT_READY", "UPLINK_LOW", "BLOCKING"),
            cell("uplink 2 Mbit/s", Where.REMOTE, "{\"uplinkKbps\":2000}", "NOT_READY", "UPLINK_LOW", "BLOCKING"),
            cell("RTT 600 ms", Where.LEAD, "{\"rttMs\":600}", "NOT_READY", "RTT_HIGH", "BLOCKING"),
            cell("RTT 600 ms", Where.REMOTE, "{\"rttMs\":600}", "NOT_READY", "RTT_HIGH", "BLOCKING"),
            cell("jitter 60 ms", Where.LEAD, "{\"jitterMs\":60}", "AT_RISK", "JITTER_HIGH", "WARNING"),
            cell("jitter 60 ms", Where.REMOTE, "{\"jitterMs\":60}", "AT_RISK", "JITTER_HIGH", "WARNING"),
            cell("loss 10 %", Where.LEAD, "{\"lossPct\":10}", "NOT_READY", "LOSS_HIGH", "BLOCKING"),
            cell("loss 10 %", Where.REMOTE, "{\"lossPct\":10}", "NOT_READY", "LOSS_HIGH", "BLOCKING"),
            cell("clock 3 s ahead", Where.LEAD, "{\"clockOffsetMs\":3000}", "AT_RISK", "CLOCK_SKEW", "WARNING"),
            cell("clock 3 s ahead", Where.REMOTE, "{\"clockOffsetMs\":3000}", "AT_RISK", "CLOCK_SKEW", "WARNING"),
            cell("disk 49 MB free", Where.LEAD, "{\"diskFreeMb\":49}", "NOT_READY", "DISK_LOW", "BLOCKING"),
            cell("disk 49 MB free", Where.REMOTE, "{\"diskFreeMb\":49}", "AT_RISK", "DISK_LOW", "WARNING"),
            cell("stream stopped", Where.LEAD, "{\"stream\":\"stopped\"}", "NOT_READY", "STREAM_NOT_PUSHING", "BLOCKING"),
            cell("stream stopped", Where.REMOTE, "{\"stream\":\"stopped\"}", "AT_RISK", "STREAM_NOT_PUSHING", "WARNING"),
            cell("stream server unreachable", Where.LEAD, "{\"stream\":\"unreachable\"}", "NOT_READY", "STREAM_SERVER_UNREACHABLE", "BLOCKING"),
            cell("stream server unreachable", Where.REMOTE, "{\"stream\":\"unreachable\"}", "NOT_READY", "STREAM_SERVER_UNREACHABLE", "BLOCKING"),
            cell("box hangs", Where.LEAD, "{\"hangS\":75}", "NOT_READY", "STALE_STATUS", "BLOCKING"),
            cell("box hangs", Where.REMOTE, "{\"hangS\":75}", "NOT_READY", "STALE_STATUS", "BLOCKING"));

    private static Cell cell(String fault, Where where, String body, String roomVerdict, String reason, String severity) {
        // The lead decides the session; a remote that is not READY puts it at risk.
        String session = where == Where.LEAD ? roomVerdict : "AT_RISK";
        return new Cell(fault, where, body, roomVerdict, reason, severity, session);
    }

    @TempDir
    Path data;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final TestClock clock = new TestClock(DAY.atZone(SHANGHAI).toInstant().minus(Duration.ofHours(2)));
    private final List<Agent> agents = new ArrayList<>();
    private Controller controller;

    @AfterEach
    void tearDown() {
        agents.forEach(Agent::stop);
        if (controller != null) {
            controller.close();
        }
    }

    /** What one check of one cell found. */
    record Found(boolean caught, boolean rightReason, boolean rightSeverity, boolean othersReady, String detail) {
        boolean ok() {
            return caught && rightReason && rightSeverity && othersReady;
        }
    }

    @Test
    void everyFaultOnTheLeadAndOnARemoteIsCaughtWithTheRightReasonAndSeverity() throws Exception {
        startController();
        List<List<String>> groups = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            groups.add(fleetGroup("g" + g, 60));
        }
        awaitOnline(GROUPS * 4);

        // Hangs last: a hung box needs its time to come back.
        List<Cell> ordered = new ArrayList<>(MATRIX.stream().filter(c -> !c.hang()).toList());
        ordered.addAll(MATRIX.stream().filter(Cell::hang).toList());
        Map<Cell, Map<String, Found>> results = new LinkedHashMap<>();
        Map<Cell, long[]> latencies = new LinkedHashMap<>();
        int rounds = (ordered.size() + GROUPS - 1) / GROUPS;
        for (int round = 0; round < rounds; round++) {
            Instant start = DAY.plusHours(round).atZone(SHANGHAI).toInstant();
            List<Cell> cells = ordered.subList(round * GROUPS, Math.min(ordered.size(), (round + 1) * GROUPS));
            List<String> sessions = new ArrayList<>();
            for (int g = 0; g < cells.size(); g++) {
                sessions.add(session(groups.get(g), DAY.plusHours(round)));
            }
            runRound(start, cells, groups, sessions, results, latencies);
        }

        String table = table(results, latencies);
        log.info("fault matrix:\n{}", table);
        List<String> wrong = new ArrayList<>();
        results.forEach((cell, byCheck) -> byCheck.forEach((check, found) -> {
            if (!found.ok()) {
                wrong.add(cell.fault() + " on " + cell.where() + " at " + check + ": " + found.detail());
            }
        }));
        long[] faultMs = latencies.values().stream().filter(l -> l[1] >= 0).mapToLong(l -> l[1]).sorted().toArray();
        long[] fixMs = latencies.values().stream().filter(l -> l[0] >= 0).mapToLong(l -> l[0]).sorted().toArray();
        log.info("fault to board between T-30 and T-5: median {} ms, max {} ms over {} cells; fix to board: median {} ms, max {} ms",
                faultMs[faultMs.length / 2], faultMs[faultMs.length - 1], faultMs.length, fixMs[fixMs.length / 2], fixMs[fixMs.length - 1]);
        assertTrue(wrong.isEmpty(), wrong.size() + " check(s) wrong:\n" + String.join("\n", wrong));
        compareOrWrite(table);
    }

    @Test
    void aHealthySessionStaysReadyForAHundredChecksInARow() throws Exception {
        startController();
        List<String> group = fleetGroup("h", 30);
        awaitOnline(4);
        String session = session(group, DAY);
        clock.set(DAY.atZone(SHANGHAI).toInstant().minus(Duration.ofMinutes(25)));
        List<String> notReady = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            JsonNode r = post("/api/v1/sessions/" + session + "/check", "").path("readiness");
            JsonNode live = get("/api/v1/sessions/" + session + "/readiness").path("readiness");
            for (JsonNode verdict : List.of(r, live)) {
                if (!verdict.path("verdict").asText().equals("READY")) {
                    notReady.add(i + " " + verdict.path("trigger").asText() + ": " + verdict);
                }
            }
        }
        assertEquals(List.of(), notReady, "realistic jitter in healthy figures raises no alarm");
    }

    @Test
    void theUplinkABoxNeedsFollowsTheProfileRolledOutToIt() throws Exception {
        startController();
        List<String> group = fleetGroup("p", 30);
        awaitOnline(4);
        String remote = group.get(1);
        String room = remote.replace("box-", "room-");
        inject(remote, "{\"uplinkKbps\":2300}");
        String session = session(group, DAY);
        clock.set(DAY.atZone(SHANGHAI).toInstant().minus(Duration.ofMinutes(25)));

        // 720p at 1.2 Mbit/s: one stream back needs 1.38 Mbit/s, and 2.3 Mbit/s is plenty.
        rollOut("generic-recorder-b/classroom-720p", remote);
        JsonNode on720 = classroom(post("/api/v1/sessions/" + session + "/check", "").path("readiness"), room);
        assertEquals("READY", on720.path("verdict").asText(), on720.toString());

        // 1080p at 3 Mbit/s needs 3.45 Mbit/s: the same uplink is short, and the sentence names the profile.
        rollOut("generic-recorder-b/classroom-1080p", remote);
        JsonNode on1080 = classroom(post("/api/v1/sessions/" + session + "/check", "").path("readiness"), room);
        JsonNode low = StreamSupport.stream(on1080.path("reasons").spliterator(), false)
                .filter(r -> r.path("code").asText().equals("UPLINK_LOW")).findFirst().orElseThrow(() -> new AssertionError(on1080));
        assertEquals("BLOCKING", low.path("severity").asText());
        assertEquals(3450, low.path("data").path("neededKbps").asInt());
        assertEquals("generic-recorder-b/classroom-1080p", low.path("data").path("profile").asText());
        assertTrue(low.path("zh").asText().contains("配置 generic-recorder-b/classroom-1080p"), low.toString());
    }

    private void rollOut(String profile, String box) throws Exception {
        String id = post("/api/v1/rollouts", "{\"profile\":\"" + profile + "\",\"target\":{\"boxes\":[\"" + box
                + "\"]},\"strategy\":{\"waves\":[\"100%\"]}}").path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/api/v1/rollouts/" + id).path("state").asText().equals("completed"));
    }

    // ------------------------------------------------------------------ one round

    private void runRound(Instant start, List<Cell> cells, List<List<String>> groups, List<String> sessions,
                          Map<Cell, Map<String, Found>> results, Map<Cell, long[]> latencies) throws Exception {
        clock.set(start.minus(Duration.ofMinutes(35)));
        for (int g = 0; g < cells.size(); g++) {
            inject(faultedBox(cells.get(g), groups.get(g)), cells.get(g).body());
        }
        settle(cells, groups);

        clock.set(start.minus(Duration.ofMinutes(30)));
        for (int g = 0; g < cells.size(); g++) {
            JsonNode t30 = awaitLastCheck(sessions.get(g), "T-30");
            record(results, cells.get(g), "T-30", judge(cells.get(g), groups.get(g), t30));
        }

        clock.set(start.minus(Duration.ofMinutes(25)));
        for (int g = 0; g < cells.size(); g++) {
            Cell cell = cells.get(g);
            String session = sessions.get(g);
            // The live board: judged again from every status; wait for one made at this clock time.
            JsonNode live = await().atMost(Duration.ofSeconds(15)).until(() -> get("/api/v1/sessions/" + session + "/readiness")
                    .path("readiness"), r -> r.path("trigger").asText().equals("live") && at(r).equals(clock.instant()));
            record(results, cell, "live", judge(cell, groups.get(g), live));
            JsonNode onDemand = post("/api/v1/sessions/" + session + "/check", "").path("readiness");
            record(results, cell, "on-demand", judge(cell, groups.get(g), onDemand));
        }

        // Between T-30 and T-5: the fix, then the fault again, each timed until the board shows it.
        clock.set(start.minus(Duration.ofMinutes(20)));
        for (int g = 0; g < cells.size(); g++) {
            Cell cell = cells.get(g);
            if (cell.hang()) {
                latencies.put(cell, new long[] {-1, -1});
                continue;
            }
            List<String> group = groups.get(g);
            String box = faultedBox(cell, group);
            String session = sessions.get(g);
            long fixStarted = System.nanoTime();
            inject(box, "{\"reset\":true}");
            awaitLive(session, r -> r.path("verdict").asText().equals("READY"), cell + " fixed");
            long fixMs = (System.nanoTime() - fixStarted) / 1_000_000;
            long faultStarted = System.nanoTime();
            inject(box, cell.body());
            awaitLive(session, r -> judge(cell, group, r).ok(), cell + " again");
            long faultMs = (System.nanoTime() - faultStarted) / 1_000_000;
            latencies.put(cell, new long[] {fixMs, faultMs});
            log.info("{} on {}: fix to board {} ms, fault to board {} ms", cell.fault(), cell.where(), fixMs, faultMs);
        }
        settle(cells, groups);

        clock.set(start.minus(Duration.ofMinutes(5)));
        for (int g = 0; g < cells.size(); g++) {
            JsonNode t5 = awaitLastCheck(sessions.get(g), "T-5");
            record(results, cells.get(g), "T-5", judge(cells.get(g), groups.get(g), t5));
        }

        clock.set(start.minus(Duration.ofMinutes(4)));
        for (int g = 0; g < cells.size(); g++) {
            if (!cells.get(g).hang()) {
                inject(faultedBox(cells.get(g), groups.get(g)), "{\"reset\":true}");
            }
        }
        for (int g = 0; g < cells.size(); g++) {
            String session = sessions.get(g);
            if (!cells.get(g).hang()) {
                awaitLive(session, r -> r.path("verdict").asText().equals("READY"), cells.get(g) + " cleared");
            }
        }
    }

    /**
     * Lets a fault reach the window of figures: four statuses of the box after the switch (its median
     * turns once half the window has the fault); a hung box sends none, so its status goes stale.
     */
    private void settle(List<Cell> cells, List<List<String>> groups) throws Exception {
        Map<String, Long> seqs = new LinkedHashMap<>();
        for (int g = 0; g < cells.size(); g++) {
            if (!cells.get(g).hang()) {
                String box = faultedBox(cells.get(g), groups.get(g));
                seqs.put(box, get("/api/v1/boxes/" + box).path("status").path("seq").asLong());
            }
        }
        for (Map.Entry<String, Long> e : seqs.entrySet()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/boxes/" + e.getKey()).path("status").path("seq").asLong()
                    >= e.getValue() + 4);
        }
        if (cells.stream().anyMatch(Cell::hang)) {
            Thread.sleep(5_000); // two report periods (2 s each) without a status: stale
        }
    }

    private Found judge(Cell cell, List<String> group, JsonNode readiness) {
        String faultedRoom = group.get(cell.where() == Where.LEAD ? 0 : 1).replace("box-", "room-");
        JsonNode room = classroom(readiness, faultedRoom);
        Optional<JsonNode> reason = StreamSupport.stream(room.path("reasons").spliterator(), false)
                .filter(r -> r.path("code").asText().equals(cell.reason())).findFirst();
        boolean caught = !room.path("verdict").asText().equals("READY")
                && readiness.path("verdict").asText().equals(cell.sessionVerdict());
        boolean rightReason = reason.isPresent();
        boolean rightSeverity = reason.isPresent() && reason.get().path("severity").asText().equals(cell.severity())
                && room.path("verdict").asText().equals(cell.roomVerdict());
        boolean othersReady = StreamSupport.stream(readiness.path("classrooms").spliterator(), false)
                .filter(c -> !c.path("classroomId").asText().equals(faultedRoom))
                .allMatch(c -> c.path("verdict").asText().equals("READY"));
        return new Found(caught, rightReason, rightSeverity, othersReady,
                readiness.path("trigger").asText() + " session " + readiness.path("verdict").asText() + ", room "
                        + room.path("verdict").asText() + " " + room.path("reasons") + (othersReady ? "" : "; other rooms not READY: "
                        + readiness.path("classrooms")));
    }

    private static void record(Map<Cell, Map<String, Found>> results, Cell cell, String check, Found found) {
        results.computeIfAbsent(cell, k -> new LinkedHashMap<>()).put(check, found);
        if (!found.ok()) {
            log.warn("{} on {} at {}: {}", cell.fault(), cell.where(), check, found.detail());
        }
    }

    // ------------------------------------------------------------------ the document

    /** The matrix: expectations from {@link #MATRIX}, one column per check with what it found. */
    private static String table(Map<Cell, Map<String, Found>> results, Map<Cell, long[]> latencies) {
        StringBuilder out = new StringBuilder();
        out.append("| fault (switched with `simulate`) | on | classroom | reason | severity | session |");
        CHECKS.forEach(c -> out.append(' ').append(c).append(" |"));
        out.append('\n').append("|---|---|---|---|---|---|");
        CHECKS.forEach(c -> out.append("---|"));
        out.append('\n');
        int[] caught = new int[3];
        int total = 0;
        for (Cell cell : MATRIX) {
            out.append("| ").append(cell.fault()).append(" `").append(cell.body()).append("` | ")
                    .append(cell.where().name().toLowerCase(Locale.ROOT)).append(" | ").append(cell.roomVerdict()).append(" | `")
                    .append(cell.reason()).append("` | ").append(cell.severity()).append(" | ").append(cell.sessionVerdict()).append(" |");
            for (String check : CHECKS) {
                Found f = results.getOrDefault(cell, Map.of()).get(check);
                total++;
                if (f != null) {
                    caught[0] += f.caught() ? 1 : 0;
                    caught[1] += f.rightReason() ? 1 : 0;
                    caught[2] += f.rightSeverity() ? 1 : 0;
                }
                out.append(' ').append(f == null ? "not run" : f.ok() ? "✓" : "✗ " + (f.caught() ? f.rightReason() ? "severity" : "reason"
                        : "missed")).append(" |");
            }
            out.append('\n');
        }
        out.append('\n').append(MATRIX.size()).append(" cells × ").append(CHECKS.size()).append(" checks = ").append(total)
                .append(": caught ").append(caught[0]).append(", right reason ").append(caught[1]).append(", right severity ")
                .append(caught[2]).append(". The other classrooms of each session stayed READY in every check.\n");
        return out.toString();
    }

    private static void compareOrWrite(String table) throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        assertTrue(b >= 0 && e > b, DOC + " has no " + BEGIN + " ... " + END + " section");
        String current = doc.substring(b + BEGIN.length(), e).strip();
        if (current.equals(table.strip())) {
            return;
        }
        if (Boolean.getBoolean("readiness.matrix.write")) {
            Files.writeString(DOC, doc.substring(0, b + BEGIN.length()) + "\n" + table.strip() + "\n" + doc.substring(e),
                    StandardCharsets.UTF_8);
            log.info("fault matrix written into {}", DOC.toAbsolutePath().normalize());
            return;
        }
        fail("the fault matrix in docs/READINESS.md is not what this test expects and found; run it with "
                + "-Dreadiness.matrix.write=true to rewrite it. Expected:\n" + table);
    }

    // ------------------------------------------------------------------ fleet and API

    private void startController() throws Exception {
        controller = Controller.start(ControllerConfig.builder(data).freePorts().clock(clock).allowSimulation(true)
                .readinessRules(rules()).build());
        post("/api/v1/schools", "{\"id\":\"lead-school\",\"nameZh\":\"县一小\",\"nameEn\":\"County No.1\"}");
        post("/api/v1/schools", "{\"id\":\"rural\",\"nameZh\":\"河西小学\",\"nameEn\":\"Hexi\"}");
    }

    /** A lead and three remote classrooms with a box and an agent each; the lead's box first. */
    private List<String> fleetGroup(String name, int keepAliveS) throws Exception {
        List<String> boxes = new ArrayList<>();
        for (String room : List.of("lead", "r1", "r2", "r3")) {
            String id = name + "-" + room;
            post("/api/v1/classrooms", "{\"id\":\"room-" + id + "\",\"schoolId\":\"" + (room.equals("lead") ? "lead-school" : "rural")
                    + "\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}");
            JsonNode registered = post("/api/v1/boxes", "{\"id\":\"box-" + id + "\",\"classroomId\":\"room-" + id
                    + "\",\"model\":\"generic-recorder-b\"}");
            String password = registered.path("mqtt").path("password").asText();
            List<String> keys = new ArrayList<>();
            registered.path("config").path("publicKeys").forEach(k -> keys.add(k.asText()));
            agents.add(Agent.start(AgentConfig.builder("box-" + id, controller.brokerUri(), password).model("generic-recorder-b")
                    .controllerKeys(keys).keepAliveS(keepAliveS).statusIntervalS(2).probeIntervalS(1)
                    .dataDir(data.resolve("agent-" + id)).build(), code -> { }));
            boxes.add("box-" + id);
        }
        return boxes;
    }

    private void awaitOnline(int boxes) {
        await().atMost(Duration.ofSeconds(60)).until(() -> StreamSupport.stream(get("/api/v1/boxes").spliterator(), false)
                .filter(b -> b.path("presence").asText().equals("online")).count() == boxes);
    }

    private String session(List<String> group, LocalDateTime start) throws Exception {
        String room = group.get(0).replace("box-", "room-");
        String remotes = String.join("\",\"", group.subList(1, 4).stream().map(b -> b.replace("box-", "room-")).toList());
        return post("/api/v1/sessions", "{\"leadClassroomId\":\"" + room + "\",\"remoteClassroomIds\":[\"" + remotes
                + "\"],\"subject\":\"数学\",\"kind\":\"live\",\"start\":\"" + start + "\",\"end\":\"" + start.plusMinutes(45) + "\"}")
                .path("id").asText();
    }

    private static String faultedBox(Cell cell, List<String> group) {
        return group.get(cell.where() == Where.LEAD ? 0 : 1);
    }

    private void inject(String box, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/boxes/" + box + "/simulate"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), box + " " + body + " -> " + r.body());
    }

    private JsonNode awaitLastCheck(String session, String trigger) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/sessions/" + session + "/readiness").path("lastCheck"),
                r -> r.path("trigger").asText().equals(trigger) && at(r).equals(clock.instant()));
    }

    private void awaitLive(String session, java.util.function.Predicate<JsonNode> until, String what) {
        await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> get("/api/v1/sessions/" + session + "/readiness").path("readiness"),
                        r -> r.path("trigger").asText().equals("live") && until.test(r));
    }

    private static Instant at(JsonNode readiness) {
        return readiness.hasNonNull("checkedAt") ? Instant.parse(readiness.path("checkedAt").asText()) : Instant.EPOCH;
    }

    private static JsonNode classroom(JsonNode readiness, String id) {
        return StreamSupport.stream(readiness.path("classrooms").spliterator(), false)
                .filter(c -> c.path("classroomId").asText().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no classroom " + id + " in " + readiness));
    }

    private Path rules() throws Exception {
        try (InputStream in = Controller.class.getResourceAsStream("/org/syncready/controller/readiness/readiness-rules.yaml")) {
            String rules = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("selftestTimeoutS: 20", "selftestTimeoutS: 5");
            return Files.writeString(data.resolve("rules.yaml"), rules);
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }
}
