package org.syncready.firmware;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schema of each box model ({@code schemas/{model}.schema.json}, which {@code $ref}s the
 * shared {@code profile-base.schema.json}), compiled once and shared; thread-safe.
 */
public final class ProfileSchemas {
    /** Where the firmware-configs jar carries its schemas. */
    public static final String CLASSPATH_DIR = "syncready/firmware-configs/schemas/";
    public static final String BASE_SCHEMA = "profile-base.schema.json";

    /**
     * Every packaged schema's {@code $id} is this plus its file name, so that validators in other
     * languages resolve the {@code $ref}s between them; here those ids map to the schemas' folder.
     */
    public static final String SCHEMA_ID_BASE = "https://syncready.invalid/schema/firmware-configs/";
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .build();

    private final Path folder;
    private final JsonSchemaFactory factory;
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    private ProfileSchemas(Path folder) {
        this.folder = folder;
        // The ids resolve to this catalogue's own schemas (the folder's, or the packaged ones), never to the network.
        String local = folder != null ? folder.toUri().toString() : "classpath:" + CLASSPATH_DIR;
        // A misspelt keyword in a schema would otherwise constrain nothing and let bad profiles through.
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                                .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
                                .build())
                        .schemaMappers(m -> m.mapPrefix(SCHEMA_ID_BASE, local.endsWith("/") ? local : local + "/")));
    }

    /** The schemas packaged in the firmware-configs jar. */
    public static ProfileSchemas packaged() {
        return new ProfileSchemas(null);
    }

    /** The schemas of a catalogue folder ({@code folder} holds the {@code *.schema.json} files). */
    public static ProfileSchemas in(Path folder) {
        return new ProfileSchemas(folder.toAbsolutePath());
    }

    /** Whether there is a schema for {@code model}. */
    public boolean knows(String model) {
        if (model == null || !model.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            return false;
        }
        String file = model + ".schema.json";
        return folder != null ? Files.isRegularFile(folder.resolve(file))
                : ProfileSchemas.class.getClassLoader().getResource(CLASSPATH_DIR + file) != null;
    }

    /**
     * Every schema error of {@code body} against {@code model}'s schema, sorted by pointer; empty when
     * it is valid. An unknown model is one problem at {@code /model}.
     */
    public List<ProfileProblem> validate(String where, String model, JsonNode body) {
        if (!knows(model)) {
            return List.of(new ProfileProblem(where, "/model", "no schema for box model '" + model + "'"));
        }
        List<ProfileProblem> outOfRange = new ArrayList<>();
        nonFinite(body, "", where, outOfRange);
        if (!outOfRange.isEmpty()) {
            // 1e400 parses to Infinity, which the schema validator cannot even compare (found by fuzzing).
            return outOfRange;
        }
        JsonSchema schema = compiled.computeIfAbsent(model, m -> factory.getSchema(SchemaLocation.of(
                folder != null ? folder.resolve(m + ".schema.json").toUri().toString()
                        : "classpath:" + CLASSPATH_DIR + m + ".schema.json"), CONFIG));
        return schema.validate(body).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                        .thenComparing(ValidationMessage::getMessage))
                .map(m -> {
                    String pointer = m.getInstanceLocation().toString();
                    String message = m.getMessage();
                    if (message.startsWith(pointer + ": ")) {
                        message = message.substring(pointer.length() + 2);
                    }
                    return new ProfileProblem(where, pointer.isEmpty() ? "/" : pointer, message);
                })
                .toList();
    }

    /** Numbers too large for a double (or NaN): JSON numbers a box could not use anyway. */
    private static void nonFinite(JsonNode node, String pointer, String where, List<ProfileProblem> out) {
        if (node == null) {
            return;
        }
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            out.add(new ProfileProblem(where, pointer.isEmpty() ? "/" : pointer, "number out of range"));
        } else if (node.isObject()) {
            node.properties().forEach(e -> nonFinite(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0")
                    .replace("/", "~1"), where, out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                nonFinite(node.get(i), pointer + "/" + i, where, out);
            }
        }
    }
}
