package org.syncready.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The catalogue technicians push from must never hold a profile a box would refuse: every file under
 * {@code profiles/<model>/} validates against {@code schemas/<model>.schema.json} here, at build time.
 */
class ProfilesValidateTest {
    private static final String BASE_SCHEMA = "profile-base.schema.json";
    private static final String CLASSPATH_SCHEMAS = "syncready/firmware-configs/schemas/";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    // A misspelt keyword in a schema would otherwise constrain nothing and let bad profiles through.
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
                    .build())
                    .schemaMappers(m -> m.mapPrefix(ProfileSchemas.SCHEMA_ID_BASE, "classpath:" + ProfileSchemas.CLASSPATH_DIR)));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    @TestFactory
    Stream<DynamicTest> everyProfileValidatesAgainstItsModelSchema() throws IOException {
        Path profiles = moduleDir().resolve("profiles");
        return profileFiles().stream().map(file -> DynamicTest.dynamicTest(profiles.relativize(file).toString(), () -> {
            // Each file alone (extends resolved against the others), so a failure names the file.
            String model = file.getParent().getFileName().toString();
            String shown = moduleDir().relativize(file).toString();
            try {
                JsonNode body = catalogue().check(shown, Files.readString(file), model);
                assertEquals(model, body.path("model").asText(), shown + " /model: must be the name of its folder");
                assertEquals(stem(file), body.path("name").asText(), shown + " /name: must be the file name without extension");
            } catch (ProfileException e) {
                throw new AssertionError("invalid profile:\n" + e.problems().stream().map(Object::toString)
                        .collect(Collectors.joining("\n")));
            }
        }));
    }

    @Test
    void aNumberTooLargeForADoubleIsAProblemNotACrash() throws Exception {
        // Found by ConfigVerifierFuzzTest: 4801e40000 parses to Infinity and the schema validator threw.
        ProfileCatalogue catalogue = ProfileCatalogue.packaged();
        ObjectNode body = (ObjectNode) catalogue.render("generic-recorder-b/classroom-1080p", java.util.Map.of());
        ((ObjectNode) body.get("audio")).set("sampleRateHz", new ObjectMapper().readTree("4801e40000"));
        assertEquals(List.of(new ProfileProblem(null, "/audio/sampleRateHz", "number out of range")),
                catalogue.schemas().validate(null, "generic-recorder-b", body));
    }

    @Test
    void theWholeCatalogueLoadsFromTheFolderAndFromTheJar() throws Exception {
        ProfileCatalogue folder = catalogue();
        ProfileCatalogue packaged = ProfileCatalogue.packaged();
        assertEquals(folder.refs(), packaged.refs());
        assertEquals(profileFiles().size(), folder.refs().size());
        for (Profile p : folder.profiles()) {
            assertEquals(p.body(), packaged.profile(p.ref()).orElseThrow().body(), p.ref());
        }
    }

    @Test
    void everyModelHasASchemaAndEverySchemaAProfile() throws IOException {
        Set<String> modelsWithProfiles = new TreeSet<>();
        for (Path file : profileFiles()) {
            modelsWithProfiles.add(file.getParent().getFileName().toString());
        }
        Set<String> modelSchemas = new TreeSet<>();
        try (Stream<Path> files = Files.list(moduleDir().resolve("schemas"))) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".schema.json") && !n.equals(BASE_SCHEMA))
                    .forEach(n -> modelSchemas.add(n.substring(0, n.length() - ".schema.json".length())));
        }
        assertFalse(modelsWithProfiles.isEmpty(), "no profiles found");
        assertEquals(modelSchemas, modelsWithProfiles,
                "each folder profiles/<model>/ needs schemas/<model>.schema.json, and each model schema at least one profile");
    }

    @Test
    void filesOutsideTheLayoutAreNotSilentlySkipped() throws IOException {
        Path profiles = moduleDir().resolve("profiles");
        List<String> misplaced = new ArrayList<>();
        try (Stream<Path> all = Files.walk(profiles)) {
            all.filter(Files::isRegularFile).forEach(file -> {
                boolean inModelFolder = profiles.relativize(file).getNameCount() == 2;
                if (!inModelFolder || !isProfileFile(file)) {
                    misplaced.add(profiles.relativize(file).toString());
                }
            });
        }
        assertTrue(misplaced.isEmpty(), "only profiles/<model>/<name>.json|yaml|yml belong under profiles/: " + misplaced);
    }

    @Test
    void aBrokenProfileIsRefusedWithThePointerOfEachError() throws IOException {
        ObjectNode profile = (ObjectNode) read(moduleDir().resolve("profiles/generic-recorder-a/standard-1080p.json"));
        assertTrue(problems("good", "generic-recorder-a", profile).isEmpty(), "the starting point must be valid");

        ObjectNode video = (ObjectNode) profile.get("video");
        video.put("fps", 50);                                   // the model encodes 25 or 30 only
        video.put("bitrateKpbs", 4000);                         // misspelt key
        ArrayNode cameras = (ArrayNode) profile.get("cameras");
        ((ObjectNode) cameras.get(3)).remove("device");         // a USB camera with no device
        cameras.addObject().put("id", "cam-5").put("role", "other").put("kind", "rtsp").put("url", "rtsp://192.168.10.15/live");
        ((ObjectNode) profile.get("agent")).put("statusIntervalS", 0);
        ((ObjectNode) profile.get("network").get("targets").get(0)).put("port", 70000);

        List<String> problems = problems("broken.json", "generic-recorder-a", profile);
        for (String pointer : List.of("/video/fps", "/video", "/cameras/3", "/cameras", "/agent/statusIntervalS",
                "/network/targets/0/port")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith("broken.json " + pointer + ": ")),
                    "expected an error at " + pointer + " in:\n" + String.join("\n", problems));
        }
        assertTrue(problems.stream().anyMatch(p -> p.contains("bitrateKpbs")), "names the unknown key: " + problems);
    }

    @Test
    void theHeartbeatAndReportRulesAreCheckedAndTheOldNameStillValidates() throws IOException {
        ObjectNode profile = (ObjectNode) read(moduleDir().resolve("profiles/generic-recorder-a/standard-1080p.json"));
        ObjectNode agent = (ObjectNode) profile.get("agent");
        agent.remove("heartbeatS");
        agent.put("statusIntervalS", 10);
        assertTrue(problems("old.json", "generic-recorder-a", profile).isEmpty(), "an old profile with statusIntervalS still validates");
        agent.remove("statusIntervalS");
        assertTrue(problems("none.json", "generic-recorder-a", profile).stream().anyMatch(p -> p.startsWith("none.json /agent: ")),
                "neither name: refused");
        for (String bad : List.of("0", "3601", "\"60\"", "1.5")) {
            agent.set("heartbeatS", YAML.readTree(bad));
            assertTrue(problems("bad.json", "generic-recorder-a", profile).stream().anyMatch(p -> p.startsWith("bad.json /agent/heartbeatS: ")),
                    "heartbeatS " + bad + " refused: " + problems("bad.json", "generic-recorder-a", profile));
        }
        agent.put("heartbeatS", 60);
        ObjectNode numbers = (ObjectNode) agent.get("report").get("numbers");
        numbers.putObject("cpuPct").put("changePct", 10);
        numbers.putObject("rttMs").put("changePct", -5).put("step", 1);
        List<String> problems = problems("rules.json", "generic-recorder-a", profile);
        for (String pointer : List.of("/agent/report/numbers", "/agent/report/numbers/rttMs/changePct", "/agent/report/numbers/rttMs")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith("rules.json " + pointer + ": ")),
                    "expected an error at " + pointer + " in:\n" + String.join("\n", problems));
        }
    }

    @Test
    void aBrokenYamlProfileIsRefused() throws IOException {
        String yaml = """
                model: generic-recorder-a
                name: broken
                video: {resolution: 3840x2160, fps: 25, bitrateKbps: 4000, codec: h264}
                audio: {sampleRateHz: 44100, gainDb: 6, aec: true, noiseSuppression: true}
                cameras:
                  - {id: cam-1, role: teacher, kind: usb, device: /dev/video0}
                  - {id: cam-2, role: student, kind: usb, device: /dev/video1}
                  - {id: cam-3, role: wide, kind: usb, device: /dev/video2}
                microphones: []
                stream: {pushUrl: "ftp://stream.example.org/live"}
                network: {targets: [], ntpServer: ntp.example.org}
                agent: {statusIntervalS: 10, probeTimeoutMs: 3000}
                """;
        List<String> problems = problems("broken.yaml", "generic-recorder-a", YAML.readTree(yaml));
        for (String pointer : List.of("/video/resolution", "/audio/sampleRateHz", "/cameras", "/microphones", "/stream/pushUrl")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith("broken.yaml " + pointer + ": ")),
                    "expected an error at " + pointer + " in:\n" + String.join("\n", problems));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** One line per schema error: the file, the JSON pointer of the offending value ("/" for the root), what is wrong. */
    static List<String> problems(String file, String model, JsonNode profile) {
        List<String> viaCatalogue = ProfileSchemas.packaged().validate(file, model, profile).stream().map(Object::toString).toList();
        List<String> direct = describe(file, schema(model).validate(profile));
        assertEquals(direct, viaCatalogue, "the catalogue reports what the schema says");
        return new ArrayList<>(direct);
    }

    static ProfileCatalogue catalogue() {
        try {
            return ProfileCatalogue.load(moduleDir());
        } catch (ProfileException e) {
            throw new AssertionError("catalogue does not load:\n" + e.problems().stream().map(Object::toString)
                    .collect(Collectors.joining("\n")));
        }
    }

    static List<String> describe(String file, Collection<ValidationMessage> errors) {
        return errors.stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                        .thenComparing(ValidationMessage::getMessage))
                .map(m -> {
                    String pointer = m.getInstanceLocation().toString();
                    String message = m.getMessage();
                    if (message.startsWith(pointer + ": ")) {
                        message = message.substring(pointer.length() + 2);
                    }
                    return file + " " + (pointer.isEmpty() ? "/" : pointer) + ": " + message;
                })
                .collect(Collectors.toCollection(ArrayList::new));
    }

    /** The schemas as the controller loads them: from the classpath, where relative $refs resolve too. */
    private static JsonSchema schema(String model) {
        return SCHEMAS.computeIfAbsent(model, m -> {
            String location = CLASSPATH_SCHEMAS + m + ".schema.json";
            assertNotNull(ProfilesValidateTest.class.getClassLoader().getResource(location),
                    "no schema for model '" + m + "': expected schemas/" + m + ".schema.json");
            return FACTORY.getSchema(SchemaLocation.of("classpath:" + location), CONFIG);
        });
    }

    private static JsonNode read(Path file) {
        try {
            String name = file.getFileName().toString();
            return (name.endsWith(".json") ? JSON : YAML).readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    private static List<Path> profileFiles() throws IOException {
        Path profiles = moduleDir().resolve("profiles");
        try (Stream<Path> all = Files.walk(profiles, 2)) {
            return all.filter(Files::isRegularFile)
                    .filter(f -> profiles.relativize(f).getNameCount() == 2 && isProfileFile(f))
                    .sorted()
                    .toList();
        }
    }

    private static boolean isProfileFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    /**
     * The module folder. Surefire runs there and sets "basedir", but an IDE may run from the reactor
     * root, so look in each likely place.
     */
    static Path moduleDir() {
        Set<Path> candidates = new LinkedHashSet<>();
        String basedir = System.getProperty("basedir");
        if (basedir != null) {
            candidates.add(Path.of(basedir));
        }
        candidates.add(Path.of(""));
        candidates.add(Path.of("firmware-configs"));
        try {
            // <module>/target/test-classes
            Path classes = Path.of(ProfilesValidateTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (classes.getParent() != null && classes.getParent().getParent() != null) {
                candidates.add(classes.getParent().getParent());
            }
        } catch (URISyntaxException | SecurityException e) {
            // the other candidates may still find it
        }
        for (Path dir : candidates) {
            if (Files.isRegularFile(dir.resolve("schemas").resolve(BASE_SCHEMA)) && Files.isDirectory(dir.resolve("profiles"))) {
                return dir.toAbsolutePath();
            }
        }
        throw new AssertionError("firmware-configs module folder not found; looked in " + candidates);
    }
}
