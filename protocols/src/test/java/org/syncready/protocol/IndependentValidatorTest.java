package org.syncready.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second JSON Schema validator, independent of the Java one: Ajv (ajv-cli, the versions of
 * package-lock.json, installed by {@code ajv.sh} with npm ci into target/ajv) compiles every protocol
 * schema in strict mode, resolving the {@code $ref}s between files through their {@code $id}s, and
 * validates every example of PROTOCOL.md. Skipped, saying so, only where node or npm is missing;
 * with {@code SYNCREADY_REQUIRE_NODE=1} (set by .ci/run) it fails instead.
 */
class IndependentValidatorTest {
    private static final String COMMON = "common.schema.json";
    static Path work;

    @BeforeAll
    static void needsNode() {
        boolean present = onPath("node") && onPath("npm");
        if (!present && "1".equals(System.getenv("SYNCREADY_REQUIRE_NODE"))) {
            throw new AssertionError("node and npm are required (SYNCREADY_REQUIRE_NODE=1): apt-get install nodejs npm");
        }
        assumeTrue(present, "node or npm not on PATH: the Ajv cross-check is skipped (Debian: apt-get install nodejs npm)");
        work = Path.of("target/ajv").toAbsolutePath();
    }

    @Test
    void everySchemaHasItsId() throws Exception {
        for (String file : ProtocolDocumentTest.schemaFiles()) {
            String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ProtocolDocumentTest.schemaDir().resolve(file).toFile())
                    .path("$id").asText();
            assertEquals(ProtocolDocumentTest.SCHEMA_ID_BASE + file, id, file);
        }
    }

    @Test
    void everySchemaCompilesInStrictModeWithItsReferencesResolved() throws Exception {
        for (String file : ProtocolDocumentTest.schemaFiles()) {
            List<String> args = new ArrayList<>(List.of("compile", "-s", schema(file)));
            if (!file.equals(COMMON)) {
                args.addAll(List.of("-r", schema(COMMON)));
            }
            Result r = ajv(args);
            assertEquals(0, r.code(), file + ":\n" + r.out());
            assertTrue(r.out().contains("is valid"), r.out());
        }
    }

    @Test
    void everyExampleOfTheProtocolDocumentIsValid() throws Exception {
        Path dir = Files.createDirectories(work.resolve("examples"));
        Map<String, List<Path>> bySchema = new TreeMap<>();
        for (ProtocolDocumentTest.Example e : ProtocolDocumentTest.examples()) {
            Path f = dir.resolve(e.schemaFile().replace(".schema.json", "") + "-line" + e.line() + ".json");
            Files.writeString(f, e.json(), StandardCharsets.UTF_8);
            bySchema.computeIfAbsent(e.schemaFile(), k -> new ArrayList<>()).add(f);
        }
        int checked = 0;
        for (Map.Entry<String, List<Path>> entry : bySchema.entrySet()) {
            List<String> args = new ArrayList<>(List.of("validate", "-s", schema(entry.getKey()), "-r", schema(COMMON)));
            for (Path f : entry.getValue()) {
                args.addAll(List.of("-d", f.toString()));
            }
            Result r = ajv(args);
            assertEquals(0, r.code(), entry.getKey() + ":\n" + r.out());
            for (Path f : entry.getValue()) {
                assertTrue(r.out().contains(f + " valid"), f + " not reported valid:\n" + r.out());
                checked++;
            }
        }
        assertEquals(ProtocolDocumentTest.examples().size(), checked);
    }

    /** The check can fail: a status the schema forbids (protocol version 2, negative seq) is refused by Ajv too. */
    @Test
    void aBrokenExampleIsRefused() throws Exception {
        ProtocolDocumentTest.Example status = ProtocolDocumentTest.examples().stream()
                .filter(e -> e.schemaFile().equals("status.schema.json")).findFirst().orElseThrow();
        Path bad = Files.createDirectories(work.resolve("examples")).resolve("broken-status.json");
        Files.writeString(bad, status.json().replaceFirst("\"v\"\\s*:\\s*1", "\"v\": 2").replaceFirst("\"seq\"\\s*:\\s*\\d+", "\"seq\": -1"));
        Result r = ajv(List.of("validate", "-s", schema("status.schema.json"), "-r", schema(COMMON), "-d", bad.toString(),
                "--errors=line"));
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("invalid") && r.out().contains("/v") && r.out().contains("/seq"), r.out());
    }

    private static String schema(String file) {
        return ProtocolDocumentTest.schemaDir().resolve(file).toString();
    }

    record Result(int code, String out) {
    }

    /** ajv.sh with draft 2020-12, strict mode (every strict check an error) and ajv-formats. */
    static Result ajv(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", Path.of("ajv.sh").toAbsolutePath().toString(), work.toString()));
        command.add(args.get(0));
        command.addAll(List.of("--spec=draft2020", "--strict=true", "--all-errors", "-c", "ajv-formats"));
        command.addAll(args.subList(1, args.size()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "ajv did not finish: " + command);
        return new Result(p.exitValue(), out);
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
