package org.syncready.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second JSON Schema validator, independent of the Java one: Ajv (ajv-cli, the versions of
 * protocols/package-lock.json, installed by protocols/ajv.sh with npm ci into target/ajv) compiles every
 * model schema in strict mode, resolving {@code profile-base.schema.json} through the {@code $id}s, and
 * validates every catalogue profile as rendered (its {@code extends} chain resolved). Skipped, saying
 * so, only where node or npm is missing; with {@code SYNCREADY_REQUIRE_NODE=1} (.ci/run) it fails instead.
 */
class IndependentValidatorTest {
    private static final Path SCHEMAS = Path.of("schemas");
    private static final Path AJV = Path.of("../protocols/ajv.sh");
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
    void everyModelSchemaCompilesInStrictMode() throws Exception {
        for (Path schema : schemaFiles()) {
            List<String> args = new ArrayList<>(List.of("compile", "-s", schema.toString()));
            if (!schema.getFileName().toString().equals(ProfileSchemas.BASE_SCHEMA)) {
                args.addAll(List.of("-r", SCHEMAS.resolve(ProfileSchemas.BASE_SCHEMA).toString()));
            }
            Result r = ajv(args);
            assertEquals(0, r.code(), schema + ":\n" + r.out());
            assertTrue(r.out().contains("is valid"), r.out());
        }
    }

    @Test
    void everyRenderedProfileIsValidForAjvToo() throws Exception {
        ProfileCatalogue catalogue = ProfileCatalogue.load(Path.of(""));
        Path dir = Files.createDirectories(work.resolve("profiles"));
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        for (String ref : catalogue.refs()) {
            String model = ref.substring(0, ref.indexOf('/'));
            Path rendered = dir.resolve(ref.replace('/', '_') + ".json");
            json.writeValue(rendered.toFile(), catalogue.render(ref, Map.of()));
            Result r = ajv(List.of("validate", "-s", SCHEMAS.resolve(model + ".schema.json").toString(),
                    "-r", SCHEMAS.resolve(ProfileSchemas.BASE_SCHEMA).toString(), "-d", rendered.toString()));
            assertEquals(0, r.code(), ref + ":\n" + r.out());
            checked++;
        }
        assertTrue(checked >= 4, "profiles checked: " + checked);
        // The check can fail: a USB camera without its device, which the base schema forbids.
        Path bad = dir.resolve("broken.json");
        Files.writeString(bad, """
                {"model": "generic-recorder-a", "name": "broken", "cameras": [{"id": "cam-1", "role": "teacher", "kind": "usb"}]}
                """);
        Result r = ajv(List.of("validate", "-s", SCHEMAS.resolve("generic-recorder-a.schema.json").toString(),
                "-r", SCHEMAS.resolve(ProfileSchemas.BASE_SCHEMA).toString(), "-d", bad.toString(), "--errors=line"));
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("device"), r.out());
    }

    private static List<Path> schemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".schema.json")).sorted().toList();
        }
    }

    record Result(int code, String out) {
    }

    /** protocols/ajv.sh with draft 2020-12, strict mode (every strict check an error) and ajv-formats. */
    static Result ajv(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", AJV.toAbsolutePath().normalize().toString(), work.toString()));
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
