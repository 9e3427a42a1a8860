package org.syncready.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.syncready.bench.scratch.ScratchFolder;

/**
 * A large timetable import against a real controller process with a small heap: a file of
 * {@code rows} weekly rows in distinct slots (dry run, then for real), and a file of as many rows all in
 * one slot (dry run: every row but the first clashes). Time is the HTTP round trip; the heap figure is
 * the largest heap occupancy the JVM's GC log shows before a collection during the request (an upper
 * bound of the live data, which is what must fit under {@code -Xmx}).
 */
public final class TimetableImportBenchmark {
    private static final String[] WEEKDAYS = {"Mon", "Tue", "Wed", "Thu", "Fri"};
    private static final int PERIODS = 8;
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    public record Options(int rows, List<String> controllerJvmArgs, Path workDir) {
    }

    /** One import request: its answer and what it cost. */
    public record Phase(String name, int status, double seconds, long heapPeakMb, long heapAfterMb, int gcs, String answer) {
    }

    public record Result(int rows, int fileKb, int classrooms, List<Phase> phases, boolean healthyAfter, long sessionsStored) {
    }

    private TimetableImportBenchmark() {
    }

    public static Result run(Options o) throws Exception {
        Path data = o.workDir().resolve("controller");
        ScratchFolder.clear(data);
        Files.createDirectories(data);
        Path gcLog = data.resolve("gc.log");
        List<String> jvm = new ArrayList<>(o.controllerJvmArgs());
        jvm.add("-Xlog:gc:file=" + gcLog.toAbsolutePath());
        // Rows are (lead, remote) pairs of classrooms in weekday x period slots; each pair fills 40 slots a week.
        int pairs = (o.rows() + WEEKDAYS.length * PERIODS - 1) / (WEEKDAYS.length * PERIODS);
        try (ControllerProcess controller = ControllerProcess.start(data, jvm)) {
            Api api = new Api(controller.httpPort(), controller.token());
            api.post("/api/v1/schools", "{\"id\":\"county\",\"nameZh\":\"县中学\",\"nameEn\":\"County School\"}", 201);
            for (int i = 0; i < 2 * pairs; i++) {
                api.post("/api/v1/classrooms", "{\"id\":\"room-" + i + "\",\"schoolId\":\"county\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}", 201);
            }
            StringBuilder periods = new StringBuilder();
            for (int p = 1; p <= PERIODS; p++) {
                int start = 8 * 60 + (p - 1) * 55;
                periods.append(p == 1 ? "" : ",").append("\"").append(p).append("\":{\"start\":\"").append(hhmm(start))
                        .append("\",\"end\":\"").append(hhmm(start + 45)).append("\"}");
            }
            api.post("/api/v1/terms", "{\"id\":\"2026-autumn\",\"firstDay\":\"2026-09-01\",\"lastDay\":\"2027-01-15\","
                    + "\"holidays\":[\"2026-10-01..2026-10-07\"],\"periods\":{" + periods + "}}", 200);

            StringBuilder distinct = new StringBuilder("weekday,period,subject,teacher,lead_classroom,remote_classrooms\n");
            StringBuilder oneSlot = new StringBuilder("weekday,period,subject,teacher,lead_classroom,remote_classrooms\n");
            for (int r = 0; r < o.rows(); r++) {
                int pair = r / (WEEKDAYS.length * PERIODS);
                int slot = r % (WEEKDAYS.length * PERIODS);
                distinct.append(WEEKDAYS[slot / PERIODS]).append(',').append(slot % PERIODS + 1).append(",Mathematics ")
                        .append(r).append(",Teacher ").append(r % 97).append(",room-").append(2 * pair).append(",room-")
                        .append(2 * pair + 1).append('\n');
                oneSlot.append("Mon,1,Mathematics ").append(r).append(",Teacher ").append(r % 97).append(",room-0,room-1\n");
            }
            byte[] distinctBytes = distinct.toString().getBytes(StandardCharsets.UTF_8);
            byte[] oneSlotBytes = oneSlot.toString().getBytes(StandardCharsets.UTF_8);

            List<Phase> phases = new ArrayList<>();
            phases.add(api.importPhase("distinct slots, dry run", "term=2026-autumn&dryRun=true", distinctBytes, gcLog));
            phases.add(api.importPhase("distinct slots, import", "term=2026-autumn", distinctBytes, gcLog));
            phases.add(api.importPhase("distinct slots, re-import (unchanged)", "term=2026-autumn&dryRun=true", distinctBytes, gcLog));
            phases.add(api.importPhase("one slot, dry run", "term=2026-autumn&dryRun=true", oneSlotBytes, gcLog));
            boolean healthy = api.status("/health") == 200;
            long stored = api.sessionsGauge();
            return new Result(o.rows(), distinctBytes.length / 1024, 2 * pairs, phases, healthy, stored);
        }
    }

    private static String hhmm(int minutes) {
        return "%02d:%02d".formatted(minutes / 60, minutes % 60);
    }

    private static final class Api {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final ObjectMapper json = new ObjectMapper();
        private final String base;
        private final String token;

        Api(int port, String token) {
            this.base = "http://127.0.0.1:" + port;
            this.token = token;
        }

        void post(String path, String body, int expected) throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IOException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
            }
        }

        int status(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        /** The controller's {@code syncready_sessions} gauge. */
        long sessionsGauge() throws IOException, InterruptedException {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^syncready_sessions(?:\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(metrics);
            return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
        }

        Phase importPhase(String name, String query, byte[] csv, Path gcLog) throws IOException, InterruptedException {
            long offset = Files.exists(gcLog) ? Files.size(gcLog) : 0;
            long started = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions/import?" + query))
                            .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofMinutes(10)).header("content-type", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(csv)).build(), HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - started) / 1e9;
            long peak = 0;
            long after = -1;
            int gcs = 0;
            byte[] log = Files.readAllBytes(gcLog);
            for (String line : new String(log, (int) Math.min(offset, log.length), (int) Math.max(0, log.length - offset),
                    StandardCharsets.UTF_8).split("\n")) {
                Matcher m = GC_LINE.matcher(line);
                if (m.find()) {
                    gcs++;
                    peak = Math.max(peak, Long.parseLong(m.group(1)));
                    after = Long.parseLong(m.group(2));
                }
            }
            JsonNode body = json.readTree(r.body());
            String answer = r.statusCode() == 200
                    ? "create %d, update %d, unchanged %d, errors %d".formatted(body.path("create").asInt(),
                    body.path("update").asInt(), body.path("unchanged").asInt(), body.path("errorCount").asInt())
                    : body.path("error").asText() + ": errorCount " + body.path("errorCount").asInt() + ", listed "
                    + body.path("errors").size();
            return new Phase(name, r.statusCode(), seconds, peak, after, gcs, answer);
        }
    }
}
