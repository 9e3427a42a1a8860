package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies the API cannot use are answered 400, 413 or 415 with {@code {error, message}}, never 500, and
 * nothing a client uploads is ever written to disk. Sent the way people send them: curl's default
 * form content type, forms, chunked uploads, a key twice.
 */
class RequestBodyApiTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    /** Where Vert.x Web's BodyHandler kept uploads: the working folder. */
    private static final Path UPLOADS = Path.of("file-uploads");

    @TempDir
    static Path data;
    static ControllerFixture api;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        api = ControllerFixture.withLeadAndTwoRuralClassrooms(data);
        assertEquals(200, api.post("/api/v1/terms", """
                {"id":"2026-09","firstDay":"2026-09-01","lastDay":"2026-09-30",
                 "periods":{"1":{"start":"08:00","end":"08:45"}}}""").status());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static void assertErrorShape(ControllerFixture.Response r, int status, String error) {
        assertEquals(status, r.status(), r.text());
        assertEquals(error, r.body().path("error").asText(), r.text());
        assertFalse(r.body().path("message").asText().isBlank(), r.text());
    }

    @Test
    void jsonSentWithCurlsDefaultFormTypeIsJsonEvenWithAPercentSign() throws Exception {
        // curl -d '{...}' sends application/x-www-form-urlencoded; a '%' there once answered 500.
        String[] names = {"100% Primary", "50%", "Grade 3 %zz", "a=b%&c=%E4"};
        for (int i = 0; i < names.length; i++) {
            ControllerFixture.Response r = api.postBytes("/api/v1/schools", FORM, ("{\"id\":\"pct-" + i
                    + "\",\"nameZh\":\"百分百小学\",\"nameEn\":\"" + names[i] + "\"}").getBytes(StandardCharsets.UTF_8));
            assertEquals(201, r.status(), names[i] + ": " + r.text());
            assertEquals(names[i], school("pct-" + i).path("nameEn").asText());
        }
    }

    @Test
    void aLargeFormBodyIsABadRequestNotAnInternalError() throws Exception {
        byte[] form = ("a=" + "x".repeat(20 * 1024) + "&b=%zz").getBytes(StandardCharsets.US_ASCII);
        ControllerFixture.Response r = api.postBytes("/api/v1/schools", FORM, form);
        assertErrorShape(r, 400, "bad_request");
        assertTrue(r.body().path("message").asText().startsWith("the body is not valid JSON"), r.text());
    }

    @Test
    void aKeyTwiceInABodyIsRefused() throws Exception {
        ControllerFixture.Response r = api.post("/api/v1/schools",
                "{\"id\":\"twice\",\"nameZh\":\"学校\",\"nameEn\":\"School\",\"id\":\"other\"}");
        assertErrorShape(r, 400, "bad_request");
        assertTrue(r.body().path("message").asText().contains("Duplicate field 'id'"), r.text());
        assertTrue(school("other").isMissingNode(), "nothing was created");
        assertTrue(school("twice").isMissingNode(), "nothing was created");
    }

    @Test
    void bodiesThatAreNotJsonTextAreBadRequests() throws Exception {
        byte[] latin1 = "{\"id\":\"x\",\"nameZh\":\"\u00e9\",\"nameEn\":\"x\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertErrorShape(api.postBytes("/api/v1/schools", "application/json", latin1), 400, "bad_request");
        assertErrorShape(api.postBytes("/api/v1/schools", "application/json", new byte[] {0, 1, 2}), 400, "bad_request");
        assertErrorShape(api.postBytes("/api/v1/schools", "application/json", new byte[0]), 400, "bad_request");
    }

    @Test
    void aJsonBodyOverTheLimitNamesTheLimit() throws Exception {
        String big = "{\"id\":\"big\",\"nameZh\":\"x\",\"nameEn\":\"" + "x".repeat(70 * 1024) + "\"}";
        ControllerFixture.Response declared = api.post("/api/v1/schools", big);
        assertErrorShape(declared, 413, "too_large");
        assertTrue(declared.body().path("message").asText().contains("64 KiB"), declared.text());

        // Chunked, so the size is known only while reading.
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(uri("/api/v1/schools"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertTrue(json.readTree(chunked.body()).path("message").asText().contains("64 KiB"), chunked.body());
    }

    @Test
    void aFormUploadToAJsonEndpointIsUnsupportedAndNeverStored() throws Exception {
        deleteUploads();
        byte[] body = multipart("file", "school.json", "{\"id\":\"up\"}".getBytes(StandardCharsets.UTF_8));
        ControllerFixture.Response r = api.postBytes("/api/v1/schools", "multipart/form-data; boundary=" + BOUNDARY, body);
        assertErrorShape(r, 415, "unsupported_media_type");
        assertFalse(Files.exists(UPLOADS), "an upload was written to " + UPLOADS.toAbsolutePath());
    }

    @Test
    void aTimetableUploadedAsAFormIsReadInMemory() throws Exception {
        deleteUploads();
        byte[] csv = "weekday,period,subject,lead_classroom,remote_classrooms\nMon,1,Art,lead-g1,rural-g1\n"
                .getBytes(StandardCharsets.UTF_8);
        ControllerFixture.Response r = api.postBytes("/api/v1/sessions/import?term=2026-09&dryRun=true",
                "multipart/form-data; boundary=" + BOUNDARY, multipart("file", "timetable.csv", csv));
        assertEquals(200, r.status(), r.text());
        assertEquals(4, r.body().path("create").asInt(), "four Mondays in September 2026");
        assertFalse(Files.exists(UPLOADS), "an upload was written to " + UPLOADS.toAbsolutePath());

        ControllerFixture.Response noFile = api.postBytes("/api/v1/sessions/import?term=2026-09&dryRun=true",
                "multipart/form-data; boundary=" + BOUNDARY, ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                        + "hello\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        assertErrorShape(noFile, 400, "bad_request");
        assertTrue(noFile.body().path("message").asText().contains("curl -F file=@timetable.csv"), noFile.text());
    }

    @Test
    void anImportOverFourMebibytesSaysFourMebibytes() throws Exception {
        byte[] huge = new byte[4 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) 'x');
        ControllerFixture.Response r = api.postBytes("/api/v1/sessions/import?term=2026-09", "text/csv", huge);
        assertErrorShape(r, 413, "too_large");
        assertTrue(r.body().path("message").asText().contains("4 MiB (4194304 bytes)"), r.text());

        deleteUploads();
        ControllerFixture.Response upload = api.postBytes("/api/v1/sessions/import?term=2026-09",
                "multipart/form-data; boundary=" + BOUNDARY, multipart("file", "big.csv", huge));
        assertErrorShape(upload, 413, "too_large");
        assertFalse(Files.exists(UPLOADS), "a refused upload was written to " + UPLOADS.toAbsolutePath());
        assertEquals(200, api.get("/health").status());
    }

    private static com.fasterxml.jackson.databind.JsonNode school(String id) throws Exception {
        for (com.fasterxml.jackson.databind.JsonNode s : api.get("/api/v1/schools").body()) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static final String BOUNDARY = "syncready-test-boundary";

    private static byte[] multipart(String field, String fileName, byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(content);
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void deleteUploads() throws Exception {
        if (Files.isDirectory(UPLOADS)) {
            try (var files = Files.list(UPLOADS)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(UPLOADS);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.controller.httpPort() + path);
    }
}
