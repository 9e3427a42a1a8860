package org.syncready.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps PROTOCOL.md, the JSON Schemas and the Java records telling the same story. The schemas allow
 * additional properties and the codec ignores unknown fields, so without these checks a misspelt
 * field in the document, or a field added to a record but not to its schema, would pass everything.
 */
class ProtocolDocumentTest {
    static final String SCHEMA_DIR = "org/syncready/protocol/schema/";
    /** Every protocol schema's {@code $id} is this plus its file name (PROTOCOL.md, JSON Schemas). */
    static final String SCHEMA_ID_BASE = "https://syncready.invalid/schema/protocol/v1/";
    private static final String COMMON = "common.schema.json";
    private static final String CONTROLLER_STATE_SCHEMA = "controller-state.schema.json";
    private static final Pattern MARKER = Pattern.compile("<!-- example: ([A-Za-z0-9-]+\\.schema\\.json) -->");

    private static final MessageCodec CODEC = new MessageCodec();
    // Stricter than the codec on purpose: a duplicate key in the document is a documentation bug.
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    // Unknown keywords are refused so that a typo such as "minimun" fails here instead of silently
    // constraining nothing.
    // The schemas' $ids (SCHEMA_ID_BASE + file) are where their relative $refs resolve: mapped to the
    // classpath copies, never fetched.
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
                    .build())
                    .schemaMappers(m -> m.mapPrefix(ProtocolDocumentTest.SCHEMA_ID_BASE, "classpath:" + ProtocolDocumentTest.SCHEMA_DIR)));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    /** A JSON example of PROTOCOL.md and the schema its marker names. */
    record Example(String schemaFile, int line, String json) {
        @Override
        public String toString() {
            return "PROTOCOL.md:" + line + " (" + schemaFile + ")";
        }
    }

    // ---------------------------------------------------------------- the document's examples

    @TestFactory
    Stream<DynamicTest> everyExampleValidatesAgainstItsSchemaAndDecodes() {
        return examples().stream().map(example -> DynamicTest.dynamicTest(example.toString(), () -> {
            JsonNode node = STRICT.readTree(example.json());
            assertValid(example.schemaFile(), node, example.toString());
            Object decoded = decode(example.schemaFile(), example.json().getBytes(StandardCharsets.UTF_8));
            // Re-encoding shows whether the record kept every documented field; one it dropped is a
            // field the document promises and the code does not know.
            JsonNode reencoded = STRICT.readTree(CODEC.encode(decoded));
            List<String> lost = new ArrayList<>();
            missingFrom(node, reencoded, "", lost);
            assertTrue(lost.isEmpty(), example + ": documented but unknown to " + decoded.getClass().getSimpleName()
                    + " (misspelt or missing in the record): " + lost);
            assertValid(example.schemaFile(), reencoded, example + " re-encoded");
        }));
    }

    @Test
    void everyMessageSchemaHasAnExampleAndEveryExampleNamesASchema() throws IOException {
        Set<String> schemaFiles = schemaFiles();
        Set<String> exemplified = examples().stream().map(Example::schemaFile).collect(Collectors.toCollection(TreeSet::new));
        Set<String> withoutExample = new TreeSet<>(schemaFiles);
        withoutExample.remove(COMMON); // definitions only, not a message
        withoutExample.removeAll(exemplified);
        assertTrue(withoutExample.isEmpty(), "schemas without an example in PROTOCOL.md: " + withoutExample);
        Set<String> unknown = new TreeSet<>(exemplified);
        unknown.removeAll(schemaFiles);
        assertTrue(unknown.isEmpty(), "examples naming a schema that does not exist: " + unknown);
    }

    @Test
    void everyJsonBlockOfTheDocumentIsAMarkedExample() throws IOException {
        long jsonFences = Files.readAllLines(protocolDocument()).stream().filter(l -> l.strip().equals("```json")).count();
        assertEquals(jsonFences, examples().size(),
                "every ```json block must be preceded by <!-- example: NAME.schema.json --> so that it is checked");
    }

    @Test
    void everyChannelHasASchemaNamedAfterItsTopic() throws IOException {
        Set<String> files = schemaFiles();
        for (Channel channel : Channel.values()) {
            assertTrue(files.contains(schemaFileOf(channel)), "no schema for channel " + channel + ": " + schemaFileOf(channel));
        }
        assertTrue(files.contains(CONTROLLER_STATE_SCHEMA));
    }

    @Test
    void schemasAreValidDraft202012() throws IOException {
        JsonSchema metaSchema = FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"), CONFIG);
        for (String file : schemaFiles()) {
            JsonNode schema = STRICT.readTree(schemaDir().resolve(file).toFile());
            Set<ValidationMessage> errors = metaSchema.validate(schema);
            assertTrue(errors.isEmpty(), file + " is not a valid 2020-12 schema: " + describe(errors));
            assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText(), file);
            schema(file); // compiling it refuses unknown keywords and unresolvable $refs
        }
    }

    @Test
    void configDesiredExampleIsHashedAndSignedAsDocumented() throws Exception {
        Example example = examples().stream().filter(e -> e.schemaFile().equals("config-desired.schema.json"))
                .findFirst().orElseThrow();
        JsonNode desired = STRICT.readTree(example.json());

        byte[] canonical = canonicalJson(desired.get("body")).getBytes(StandardCharsets.UTF_8);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        assertEquals(sha256, desired.get("sha256").asText(), "sha256 of the example body's canonical JSON");

        Matcher key = Pattern.compile("public key\\s+`([0-9a-f]{64})`").matcher(Files.readString(protocolDocument()));
        assertTrue(key.find(), "PROTOCOL.md names the example's public key");
        String signingInput = String.join("\n", "syncready/v1/config", desired.get("boxId").asText(),
                Long.toString(desired.get("version").asLong()), desired.get("profile").asText(), sha256);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(ed25519PublicKey(HexFormat.of().parseHex(key.group(1))));
        verifier.update(signingInput.getBytes(StandardCharsets.UTF_8));
        byte[] sig = Base64.getDecoder().decode(desired.get("sig").asText());
        assertTrue(verifies(verifier, sig), "the example's sig verifies over the documented signing input");

        verifier.initVerify(ed25519PublicKey(HexFormat.of().parseHex(key.group(1))));
        verifier.update(signingInput.replace("sch03-r204", "sch03-r205").getBytes(StandardCharsets.UTF_8));
        assertFalse(verifies(verifier, sig), "the signature is bound to the box");
    }

    private static boolean verifies(Signature verifier, byte[] sig) {
        try {
            return verifier.verify(sig);
        } catch (SignatureException e) {
            return false; // a corrupted signature may not even decode to a curve point
        }
    }

    // ---------------------------------------------------------------- schemas against records

    @Test
    void schemaPropertiesAreExactlyTheRecordComponents() throws IOException {
        Map<String, Class<? extends Record>> messages = new java.util.TreeMap<>();
        for (Channel channel : Channel.values()) {
            messages.put(schemaFileOf(channel), channel.messageType().asSubclass(Record.class));
        }
        messages.put(CONTROLLER_STATE_SCHEMA, ControllerState.class);
        for (Map.Entry<String, Class<? extends Record>> e : messages.entrySet()) {
            JsonNode schema = STRICT.readTree(schemaDir().resolve(e.getKey()).toFile());
            assertEquals(componentNames(e.getValue()), fieldNames(schema.get("properties")), e.getKey() + " vs " + e.getValue().getSimpleName());
        }

        JsonNode defs = STRICT.readTree(schemaDir().resolve(COMMON).toFile()).get("$defs");
        Map<String, Class<? extends Record>> parts = Map.of(
                "camera", CameraStatus.class, "microphone", MicrophoneStatus.class, "network", NetworkStatus.class,
                "networkTarget", NetworkTarget.class, "system", SystemStatus.class, "stream", StreamStatus.class,
                "capability", Capability.class, "deviceInfo", DeviceInfo.class, "equipment", EquipmentStatus.class);
        for (Map.Entry<String, Class<? extends Record>> e : parts.entrySet()) {
            assertEquals(componentNames(e.getValue()), fieldNames(defs.get(e.getKey()).get("properties")),
                    "common.schema.json#/$defs/" + e.getKey() + " vs " + e.getValue().getSimpleName());
        }

        Map<String, Class<? extends Enum<?>>> enums = Map.of(
                "deviceState", DeviceState.class, "cameraRole", CameraRole.class, "cameraKind", CameraKind.class,
                "presence", StateMessage.Presence.class, "configResult", ConfigReported.Result.class,
                "equipmentState", EquipmentState.class);
        for (Map.Entry<String, Class<? extends Enum<?>>> e : enums.entrySet()) {
            Set<String> javaValues = Arrays.stream(e.getValue().getEnumConstants()).map(Object::toString)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> schemaValues = new TreeSet<>();
            defs.get(e.getKey()).get("enum").forEach(v -> schemaValues.add(v.asText()));
            assertEquals(javaValues, schemaValues, "enum " + e.getKey());
        }
    }

    @TestFactory
    Stream<DynamicTest> whatTheCodecEncodesValidates() {
        return samples().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Object message = e.getValue();
            String schemaFile = message instanceof ControllerState ? CONTROLLER_STATE_SCHEMA
                    : schemaFileOf(channelOf(message.getClass()));
            assertValid(schemaFile, STRICT.readTree(CODEC.encode(message)), e.getKey());
        }));
    }

    /** An invalid document: which example it starts from, what is changed, and how both sides must refuse it. */
    record Broken(String name, String schemaFile, Consumer<ObjectNode> mutation, String pointer, String keyword,
                  ProtocolException.Reason reason) {
    }

    @TestFactory
    Stream<DynamicTest> documentsTheSchemaRefusesTheCodecRefusesToo() {
        List<Broken> cases = List.of(
                new Broken("status without bootId", "status.schema.json", n -> n.remove("bootId"),
                        "", "required", ProtocolException.Reason.MISSING_FIELD),
                new Broken("status with v=2", "status.schema.json", n -> n.put("v", 2),
                        "/v", "const", ProtocolException.Reason.UNSUPPORTED_VERSION),
                new Broken("camera state not in the enum", "status.schema.json",
                        n -> ((ObjectNode) n.get("cameras").get(0)).put("state", "melted"),
                        "/cameras/0/state", "enum", ProtocolException.Reason.INVALID_FIELD),
                new Broken("camera role in upper case", "status.schema.json",
                        n -> ((ObjectNode) n.get("cameras").get(0)).put("role", "TEACHER"),
                        "/cameras/0/role", "enum", ProtocolException.Reason.INVALID_FIELD),
                new Broken("equipment state not in the enum", "status.schema.json",
                        n -> ((ObjectNode) n.get("equipment").get(0)).put("state", "broken"),
                        "/equipment/0/state", "enum", ProtocolException.Reason.INVALID_FIELD),
                new Broken("equipment without a role", "status.schema.json",
                        n -> ((ObjectNode) n.get("equipment").get(0)).remove("role"),
                        "/equipment/0", "required", ProtocolException.Reason.MISSING_FIELD),
                new Broken("status interval 0", "status.schema.json", n -> n.put("intervalS", 0),
                        "/intervalS", "minimum", ProtocolException.Reason.INVALID_FIELD),
                new Broken("status with 17 cameras", "status.schema.json", n -> {
                            ArrayNode cams = (ArrayNode) n.get("cameras");
                            JsonNode first = cams.get(0);
                            for (int i = cams.size(); i < 17; i++) {
                                cams.add(((ObjectNode) first.deepCopy()).put("id", "cam-extra-" + i));
                            }
                        }, "/cameras", "maxItems", ProtocolException.Reason.INVALID_FIELD),
                new Broken("status with 17 microphones", "status.schema.json", n -> {
                            ArrayNode mics = (ArrayNode) n.get("microphones");
                            JsonNode first = mics.get(0);
                            for (int i = mics.size(); i < 17; i++) {
                                mics.add(((ObjectNode) first.deepCopy()).put("id", "mic-extra-" + i));
                            }
                        }, "/microphones", "maxItems", ProtocolException.Reason.INVALID_FIELD),
                new Broken("status without network", "status.schema.json", n -> n.remove("network"),
                        "", "required", ProtocolException.Reason.MISSING_FIELD),
                new Broken("microphone without id", "status.schema.json",
                        n -> ((ObjectNode) n.get("microphones").get(0)).remove("id"),
                        "/microphones/0", "required", ProtocolException.Reason.MISSING_FIELD),
                new Broken("boxId with a space", "state.schema.json", n -> n.put("boxId", "sch03 r204"),
                        "/boxId", "pattern", ProtocolException.Reason.BAD_BOX_ID),
                new Broken("presence not in the enum", "state.schema.json", n -> n.put("state", "sleeping"),
                        "/state", "enum", ProtocolException.Reason.INVALID_FIELD),
                new Broken("negative seq", "birth.schema.json", n -> n.put("seq", -1),
                        "/seq", "minimum", ProtocolException.Reason.INVALID_FIELD),
                new Broken("blank bootId", "birth.schema.json", n -> n.put("bootId", "   "),
                        "/bootId", "pattern", ProtocolException.Reason.INVALID_FIELD),
                new Broken("ts 0", "birth.schema.json", n -> n.put("ts", 0),
                        "/ts", "minimum", ProtocolException.Reason.MISSING_FIELD),
                new Broken("rejected config without error", "config-reported.schema.json",
                        n -> n.put("result", "rejected").remove("error"),
                        "", "required", ProtocolException.Reason.MISSING_FIELD),
                new Broken("config result not in the enum", "config-reported.schema.json", n -> n.put("result", "failed"),
                        "/result", "enum", ProtocolException.Reason.INVALID_FIELD),
                new Broken("desired config with null body", "config-desired.schema.json", n -> n.putNull("body"),
                        "/body", "type", ProtocolException.Reason.MISSING_FIELD),
                new Broken("desired config whose body is not an object", "config-desired.schema.json",
                        n -> n.putArray("body").add(1), "/body", "type", ProtocolException.Reason.INVALID_FIELD),
                new Broken("failed command without error", "cmd-response.schema.json",
                        n -> n.put("ok", false).remove(List.of("error", "result")),
                        "", "required", ProtocolException.Reason.MISSING_FIELD),
                new Broken("command id longer than 64", "cmd-request.schema.json", n -> n.put("id", "c".repeat(65)),
                        "/id", "maxLength", ProtocolException.Reason.INVALID_FIELD),
                new Broken("controller state not in the enum", CONTROLLER_STATE_SCHEMA, n -> n.put("state", "starting"),
                        "/state", "enum", ProtocolException.Reason.INVALID_FIELD));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            ObjectNode node = (ObjectNode) STRICT.readTree(firstExample(c.schemaFile()).json());
            c.mutation().accept(node);
            Set<ValidationMessage> errors = schema(c.schemaFile()).validate(node);
            assertTrue(errors.stream().anyMatch(m -> m.getType().equals(c.keyword())
                            && m.getInstanceLocation().toString().equals(c.pointer())),
                    c.name() + ": expected a '" + c.keyword() + "' error at '" + c.pointer() + "', got " + describe(errors));
            ProtocolException refused = assertThrows(ProtocolException.class,
                    () -> decode(c.schemaFile(), STRICT.writeValueAsBytes(node)), c.name() + ": the codec accepted it");
            assertEquals(c.reason(), refused.reason(), c.name() + ": " + refused.getMessage());
        }));
    }


    @TestFactory
    Stream<DynamicTest> removingARequiredFieldFailsTheSchemaAndTheCodec() {
        return examples().stream().flatMap(example -> {
            JsonNode required = readSchemaFile(example.schemaFile()).get("required");
            List<String> names = new ArrayList<>();
            required.forEach(r -> names.add(r.asText()));
            return names.stream().map(field -> DynamicTest.dynamicTest(example + " without " + field, () -> {
                ObjectNode node = (ObjectNode) STRICT.readTree(example.json());
                node.remove(field);
                Set<ValidationMessage> errors = schema(example.schemaFile()).validate(node);
                assertTrue(errors.stream().anyMatch(m -> m.getType().equals("required") && field.equals(m.getProperty())),
                        "schema must require " + field + ", got " + describe(errors));
                assertThrows(ProtocolException.class,
                        () -> decode(example.schemaFile(), STRICT.writeValueAsBytes(node)),
                        "the codec accepted " + example + " without " + field);
            }));
        });
    }

    @TestFactory
    Stream<DynamicTest> unknownFieldsAreAllowedEverywhere() {
        return examples().stream().map(example -> DynamicTest.dynamicTest(example.toString(), () -> {
            JsonNode node = STRICT.readTree(example.json());
            // simulate's args are the one closed object: a misspelt fault must be refused (section 6.3).
            JsonNode simulateArgs = node.path("type").asText().equals(CommandTypes.SIMULATE) ? ((ObjectNode) node).remove("args") : null;
            addFutureFields(node, "");
            if (simulateArgs != null) {
                ((ObjectNode) node).set("args", simulateArgs);
            }
            assertValid(example.schemaFile(), node, example + " with added fields");
            decode(example.schemaFile(), STRICT.writeValueAsBytes(node));
        }));
    }

    // ---------------------------------------------------------------- simulate's args: schema and FaultChange agree

    @TestFactory
    Stream<DynamicTest> simulateArgsTheSchemaTakesFaultChangeTakesAndTheOtherWayRound() {
        Map<String, Boolean> cases = new java.util.LinkedHashMap<>();
        cases.put("{}", true);
        cases.put("{\"reset\": true, \"cameras\": {\"cam-1\": \"black\", \"cam-2\": null, \"cam-3\": \"ok\"}}", true);
        cases.put("{\"microphones\": {\"mic-1\": \"clipping\"}, \"networkDown\": false, \"stream\": \"unreachable\"}", true);
        cases.put("{\"uplinkKbps\": 0, \"rttMs\": 0.1, \"jitterMs\": 0, \"lossPct\": 100, \"clockOffsetMs\": -3000, \"diskFreeMb\": 49, \"hangS\": 3600}", true);
        cases.put("{\"uplinkKbps\": null, \"rttMs\": null, \"stream\": null, \"hangS\": null}", true);
        cases.put("{\"rtt\": 250}", false);
        cases.put("{\"cameras\": {\"cam-1\": \"melted\"}}", false);
        cases.put("{\"cameras\": {\"cam-1\": \"silent\"}}", false);
        cases.put("{\"cameras\": [\"cam-1\"]}", false);
        cases.put("{\"microphones\": {\"mic-1\": \"frozen\"}}", false);
        cases.put("{\"uplinkKbps\": 200.5}", false);
        cases.put("{\"uplinkKbps\": \"200\"}", false);
        cases.put("{\"lossPct\": 101}", false);
        cases.put("{\"rttMs\": 0}", false);
        cases.put("{\"jitterMs\": -1}", false);
        cases.put("{\"diskFreeMb\": -1}", false);
        cases.put("{\"clockOffsetMs\": 40000000000}", false);
        cases.put("{\"networkDown\": \"yes\"}", false);
        cases.put("{\"stream\": \"slow\"}", false);
        cases.put("{\"hangS\": 0}", false);
        cases.put("{\"hangS\": 3601}", false);
        cases.put("{\"reset\": 1}", false);
        return cases.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey() + (c.getValue() ? " is taken" : " is refused"), () -> {
            ObjectNode request = (ObjectNode) STRICT.readTree(firstExample("cmd-request.schema.json").json());
            request.put("type", CommandTypes.SIMULATE).set("args", STRICT.readTree(c.getKey()));
            Set<ValidationMessage> errors = schema("cmd-request.schema.json").validate(request);
            assertEquals(c.getValue(), errors.isEmpty(), "schema: " + describe(errors));
            if (c.getValue()) {
                FaultChange.parse(request.get("args"));
            } else {
                assertThrows(FaultChange.InvalidFaults.class, () -> FaultChange.parse(request.get("args")));
            }
            // The envelope is all the codec checks: the args are the agent's to refuse, with every problem named.
            decode("cmd-request.schema.json", STRICT.writeValueAsBytes(request));
        }));
    }

    // ---------------------------------------------------------------- samples of every record

    private static Map<String, Object> samples() {
        String box = "box-1";
        String boot = "boot-a";
        long ts = 1_700_000_000_000L;
        ObjectNode selftest = JsonNodeFactory.instance.objectNode().put("passed", true).put("durationMs", 4200);
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("model", "generic-recorder-a");
        Map<String, Object> samples = new java.util.LinkedHashMap<>();
        samples.put("state online", new StateMessage(1, box, ts, boot, 0, 1, StateMessage.Presence.ONLINE));
        samples.put("state offline", new StateMessage(1, box, ts, boot, 12, 3, StateMessage.Presence.OFFLINE));
        samples.put("birth, nothing optional", new BirthMessage(1, box, ts, boot, 1, "0.1.0", null, "generic-recorder-a",
                10, null, null, null));
        samples.put("birth, everything", new BirthMessage(1, box, ts, boot, 1, "0.1.0", "fw-2", "generic-recorder-a", 10, 6L,
                Map.of("ffprobe", new Capability(false, "not installed"), "v4l2", new Capability(true, null)),
                List.of(new DeviceInfo("camera", "cam-1", "teacher", "usb", "USB camera"), new DeviceInfo("stream", "main", null, null, null)),
                3L));
        samples.put("birth, report by exception", new BirthMessage(1, box, ts, boot, 1, "0.1.0", null, "generic-recorder-a", 60, null,
                null, null, null, 60));
        samples.put("status, everything", MessageCodecTest.status(box, 7));
        samples.put("status, historical", MessageCodecTest.status(box, 8).asHistorical());
        samples.put("status, nothing optional", new StatusMessage(1, box, ts, boot, 2, 10, List.of(
                new CameraStatus("cam-1", CameraRole.OTHER, CameraKind.ONVIF, DeviceState.ABSENT, null, null, null, null, null, null)),
                List.of(new MicrophoneStatus("mic-1", null, DeviceState.FAULT, null, null, true, true, "no signal")),
                new NetworkStatus("unknown", null, null, null, null, null, null,
                        List.of(new NetworkTarget("stream", "10.0.0.5", 1935, false, null, "refused"))),
                new SystemStatus(null, null, null, null, null), null));
        samples.put("config desired", new ConfigDesired(1, box, ts, 7, "generic-recorder-a/standard-1080p",
                "ae505f482ec0ec77e6859787a2005d4cf7e29cd104f5baf2805bbd930126a8c2", body, "c2ln"));
        samples.put("config applied", new ConfigReported(1, box, ts, boot, 3, 7, ConfigReported.Result.APPLIED, null));
        samples.put("config rolled back", new ConfigReported(1, box, ts, boot, 4, 8, ConfigReported.Result.ROLLED_BACK,
                "camera cam-1 lost after apply"));
        samples.put("command without args", new CommandRequest(1, box, ts, "c-1", CommandTypes.REBIRTH, null));
        samples.put("command with args", new CommandRequest(1, box, ts, "c-2", CommandTypes.SELFTEST,
                JsonNodeFactory.instance.objectNode()));
        samples.put("simulate", new CommandRequest(1, box, ts, "c-4", CommandTypes.SIMULATE,
                JsonNodeFactory.instance.objectNode().put("rttMs", 250).put("hangS", 30)));
        samples.put("simulate answer", new CommandResponse(1, box, ts, boot, 8, "c-4", true,
                JsonNodeFactory.instance.objectNode().set("faults", CODEC.mapper().valueToTree(
                        FaultSet.NONE.withNetwork(false, 200, 250.0, null, null).withCamera("cam-1", FaultSet.CameraFault.BLACK))), null));
        samples.put("response ok", new CommandResponse(1, box, ts, boot, 5, "c-2", true, selftest, null));
        samples.put("response ok without result", new CommandResponse(1, box, ts, boot, 6, "c-1", true, null, null));
        samples.put("response failed", new CommandResponse(1, box, ts, boot, 7, "c-3", false, null, "unknown command type 'x'"));
        samples.put("controller online", new ControllerState(1, ts, "online", "0.1.0"));
        samples.put("controller offline without version", new ControllerState(1, ts, "offline", null));
        return samples;
    }

    // ---------------------------------------------------------------- helpers

    static String schemaFileOf(Channel channel) {
        return channel.suffix().replace('/', '-') + ".schema.json";
    }

    private static Channel channelOf(Class<?> messageType) {
        for (Channel channel : Channel.values()) {
            if (channel.messageType() == messageType) {
                return channel;
            }
        }
        throw new IllegalArgumentException("no channel carries " + messageType);
    }

    private static Channel channelOfSchema(String schemaFile) {
        for (Channel channel : Channel.values()) {
            if (schemaFileOf(channel).equals(schemaFile)) {
                return channel;
            }
        }
        return null;
    }

    /** Decodes the way a receiver does: box messages on their own topic, the controller state by type. */
    private static Object decode(String schemaFile, byte[] payload) throws ProtocolException {
        if (schemaFile.equals(CONTROLLER_STATE_SCHEMA)) {
            return CODEC.decode(ControllerState.class, payload);
        }
        Channel channel = channelOfSchema(schemaFile);
        assertTrue(channel != null, "no channel for " + schemaFile);
        String boxId;
        try {
            boxId = STRICT.readTree(payload).path("boxId").asText("box-1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A malformed boxId cannot form a topic; the payload's own check must then refuse it.
        String topic = Check.BOX_ID.matcher(boxId).matches() ? Topics.of(boxId, channel) : Topics.of("box-1", channel);
        Message message = CODEC.decode(topic, payload);
        assertInstanceOf(channel.messageType(), message);
        return message;
    }

    private static JsonSchema schema(String file) {
        return SCHEMAS.computeIfAbsent(file,
                f -> FACTORY.getSchema(SchemaLocation.of("classpath:" + SCHEMA_DIR + f), CONFIG));
    }

    private static void assertValid(String schemaFile, JsonNode node, String what) {
        Set<ValidationMessage> errors = schema(schemaFile).validate(node);
        assertTrue(errors.isEmpty(), what + " does not validate against " + schemaFile + ": " + describe(errors));
    }

    private static String describe(Set<ValidationMessage> errors) {
        return errors.stream().map(m -> "[" + m.getInstanceLocation() + "] " + m.getType() + ": " + m.getMessage())
                .collect(Collectors.joining("; "));
    }

    private static Set<String> componentNames(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Collects the JSON pointers of what {@code expected} holds and {@code actual} does not. */
    private static void missingFrom(JsonNode expected, JsonNode actual, String pointer, List<String> lost) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                lost.add(pointer);
                return;
            }
            for (Map.Entry<String, JsonNode> field : expected.properties()) {
                String child = pointer + "/" + field.getKey();
                if (field.getValue().isNull()) {
                    continue; // null is absent; the encoder omits it
                }
                if (!actual.has(field.getKey())) {
                    lost.add(child);
                } else {
                    missingFrom(field.getValue(), actual.get(field.getKey()), child, lost);
                }
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                lost.add(pointer);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                missingFrom(expected.get(i), actual.get(i), pointer + "/" + i, lost);
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                lost.add(pointer);
            }
        } else if (!expected.equals(actual)) {
            lost.add(pointer);
        }
    }

    /** Adds a field nobody knows to every object, except where an object is a map whose values have a schema. */
    private static void addFutureFields(JsonNode node, String pointer) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                addFutureFields(object.get(name), pointer + "/" + name);
            }
            if (!pointer.equals("/capabilities")) {
                object.putObject("futureField").put("addedIn", "v1.x");
            }
        } else if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                addFutureFields(array.get(i), pointer + "/" + i);
            }
        }
    }

    /**
     * RFC 8785 canonical JSON for what the document's examples contain. Fractional numbers need
     * ECMAScript number formatting, which Java's Double.toString does not give; refuse them rather
     * than hash something a box would hash differently.
     */
    static String canonicalJson(JsonNode node) {
        StringBuilder out = new StringBuilder();
        canonical(node, out);
        return out.toString();
    }

    private static void canonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            // String.compareTo orders by UTF-16 code units, as RFC 8785 sorts keys.
            Set<String> names = new TreeSet<>();
            node.fieldNames().forEachRemaining(names::add);
            out.append('{');
            String separator = "";
            for (String name : names) {
                out.append(separator);
                separator = ",";
                canonicalString(name, out);
                out.append(':');
                canonical(node.get(name), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                canonical(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            canonicalString(node.textValue(), out);
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            throw new IllegalArgumentException("fractional number " + node + ": extend canonicalJson with ECMAScript number formatting");
        } else {
            out.append(node); // true, false, null
        }
    }

    private static void canonicalString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static PublicKey ed25519PublicKey(byte[] raw) throws Exception {
        // X.509 SubjectPublicKeyInfo header of an Ed25519 key (RFC 8410), followed by the 32 raw bytes.
        byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] encoded = Arrays.copyOf(prefix, prefix.length + raw.length);
        System.arraycopy(raw, 0, encoded, prefix.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    }

    private static Example firstExample(String schemaFile) {
        return examples().stream().filter(e -> e.schemaFile().equals(schemaFile)).findFirst()
                .orElseThrow(() -> new AssertionError("no example for " + schemaFile));
    }

    static List<Example> examples() {
        List<String> lines;
        try {
            lines = Files.readAllLines(protocolDocument(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (!marker.matches()) {
                continue;
            }
            int fence = i + 1;
            if (fence >= lines.size() || !lines.get(fence).strip().equals("```json")) {
                fail("PROTOCOL.md:" + (i + 1) + ": the example marker must be followed by a ```json line");
            }
            StringBuilder json = new StringBuilder();
            int end = fence + 1;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                json.append(lines.get(end)).append('\n');
                end++;
            }
            if (end >= lines.size()) {
                fail("PROTOCOL.md:" + (fence + 1) + ": unterminated ```json block");
            }
            examples.add(new Example(marker.group(1), fence + 2, json.toString()));
            i = end;
        }
        assertFalse(examples.isEmpty(), "no examples found in PROTOCOL.md");
        return examples;
    }

    private static JsonNode readSchemaFile(String file) {
        try {
            return STRICT.readTree(schemaDir().resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> schemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(schemaDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".schema.json"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The schemas as the classpath has them, which is how the agent and the controller load them. */
    static Path schemaDir() {
        var url = ProtocolDocumentTest.class.getClassLoader().getResource(SCHEMA_DIR);
        assertTrue(url != null && url.getProtocol().equals("file"), "schema folder not on the classpath as a folder: " + url);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PROTOCOL.md lives in the module folder. Surefire runs there and sets "basedir", but an IDE may
     * run from the reactor root, so look in each likely place.
     */
    static Path protocolDocument() {
        Set<Path> candidates = new LinkedHashSet<>();
        String basedir = System.getProperty("basedir");
        if (basedir != null) {
            candidates.add(Path.of(basedir));
        }
        candidates.add(Path.of(""));
        candidates.add(Path.of("protocols"));
        try {
            // <module>/target/test-classes
            Path classes = Path.of(ProtocolDocumentTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (classes.getParent() != null && classes.getParent().getParent() != null) {
                candidates.add(classes.getParent().getParent());
            }
        } catch (URISyntaxException | SecurityException e) {
            // the other candidates may still find it
        }
        for (Path dir : candidates) {
            Path doc = dir.resolve("PROTOCOL.md");
            if (Files.isRegularFile(doc) && Files.isDirectory(dir.resolve("src/main/java/org/syncready/protocol"))) {
                return doc.toAbsolutePath();
            }
        }
        throw new AssertionError("PROTOCOL.md of the protocols module not found; looked in " + candidates);
    }
}
