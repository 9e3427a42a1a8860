package org.syncready.firmware;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The catalogue technicians push from: {@code profiles/{model}/{name}.json|yaml|yml}, each resolved
 * through its {@code extends} chain and validated against {@code schemas/{model}.schema.json}.
 * Loading refuses the whole catalogue when any profile is broken, naming every problem: a controller
 * must not start pushing from a half-valid catalogue. Immutable and thread-safe once loaded.
 *
 * <p>A profile file may hold {@code "extends": "other-name"} (a profile of the same model); the file's
 * own keys are layered on the resolved parent with {@link ConfigLayers#merge}.
 */
public final class ProfileCatalogue {
    /** Where the firmware-configs jar carries its profiles. */
    public static final String CLASSPATH_DIR = "syncready/firmware-configs/profiles/";
    public static final String EXTENDS = "extends";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final ProfileSchemas schemas;
    private final Map<String, Profile> profiles;
    private final String origin;

    private ProfileCatalogue(ProfileSchemas schemas, Map<String, Profile> profiles, String origin) {
        this.schemas = schemas;
        this.profiles = profiles;
        this.origin = origin;
    }

    /** The catalogue packaged in the firmware-configs jar. */
    public static ProfileCatalogue packaged() throws ProfileException {
        URL marker = ProfileCatalogue.class.getClassLoader().getResource(ProfileSchemas.CLASSPATH_DIR + ProfileSchemas.BASE_SCHEMA);
        if (marker == null) {
            throw new ProfileException("classpath", "/", "no packaged catalogue: " + ProfileSchemas.CLASSPATH_DIR + " is missing");
        }
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return read(fs.getPath("/" + CLASSPATH_DIR), ProfileSchemas.packaged(), "packaged catalogue");
            }
            Path schemasDir = Path.of(uri).getParent();
            return read(schemasDir.getParent().resolve("profiles"), ProfileSchemas.packaged(), "packaged catalogue");
        } catch (URISyntaxException | IOException e) {
            throw new ProfileException("classpath", "/", "cannot read the packaged catalogue: " + e.getMessage());
        }
    }

    /** A catalogue folder laid out like the firmware-configs module: {@code profiles/} and {@code schemas/}. */
    public static ProfileCatalogue load(Path folder) throws ProfileException {
        Path root = folder.toAbsolutePath();
        if (!Files.isRegularFile(root.resolve("schemas").resolve(ProfileSchemas.BASE_SCHEMA))
                || !Files.isDirectory(root.resolve("profiles"))) {
            throw new ProfileException(root.toString(), "/", "not a catalogue folder: expected profiles/ and schemas/"
                    + ProfileSchemas.BASE_SCHEMA + " in it");
        }
        try {
            return read(root.resolve("profiles"), ProfileSchemas.in(root.resolve("schemas")), root.toString());
        } catch (IOException e) {
            throw new ProfileException(root.toString(), "/", "cannot read: " + e.getMessage());
        }
    }

    private static ProfileCatalogue read(Path profilesDir, ProfileSchemas schemas, String origin) throws IOException, ProfileException {
        Map<String, Raw> raw = new TreeMap<>();
        List<ProfileProblem> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(profilesDir, 2)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String shown = "profiles/" + profilesDir.relativize(file).toString().replace('\\', '/');
                if (profilesDir.relativize(file).getNameCount() != 2 || !isProfileFile(file)) {
                    problems.add(new ProfileProblem(shown, "/", "only profiles/<model>/<name>.json|yaml|yml belong here"));
                    continue;
                }
                String model = file.getParent().getFileName().toString();
                String name = stem(file);
                try {
                    JsonNode node = parse(file.getFileName().toString(), Files.readString(file));
                    if (raw.put(model + "/" + name, new Raw(model, name, node, shown)) != null) {
                        problems.add(new ProfileProblem(shown, "/", "two files define profile " + model + "/" + name));
                    }
                } catch (ProfileException e) {
                    problems.addAll(e.problems().stream().map(p -> new ProfileProblem(shown, p.pointer(), p.message())).toList());
                }
            }
        }
        Map<String, Profile> resolved = new LinkedHashMap<>();
        for (Raw r : raw.values()) {
            try {
                JsonNode body = resolve(r, raw, new LinkedHashSet<>());
                List<ProfileProblem> found = new ArrayList<>(schemas.validate(r.source, r.model, body));
                if (!r.model.equals(body.path("model").asText())) {
                    found.add(new ProfileProblem(r.source, "/model", "must be \"" + r.model + "\", the name of its folder"));
                }
                if (!r.name.equals(body.path("name").asText())) {
                    found.add(new ProfileProblem(r.source, "/name", "must be \"" + r.name + "\", the file name without extension"));
                }
                if (found.isEmpty()) {
                    resolved.put(r.model + "/" + r.name, new Profile(r.model, r.name, body, r.source));
                }
                problems.addAll(found);
            } catch (ProfileException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ProfileException(problems);
        }
        if (resolved.isEmpty()) {
            throw new ProfileException(origin, "/", "the catalogue holds no profile");
        }
        return new ProfileCatalogue(schemas, Map.copyOf(resolved), origin);
    }

    private static JsonNode resolve(Raw r, Map<String, Raw> all, Set<String> chain) throws ProfileException {
        if (!chain.add(r.model + "/" + r.name)) {
            throw new ProfileException(r.source, "/" + EXTENDS, "extends chain loops: " + String.join(" -> ", chain) + " -> " + r.name);
        }
        JsonNode parentRef = r.node.get(EXTENDS);
        ObjectNode own = r.node.deepCopy();
        own.remove(EXTENDS);
        if (parentRef == null) {
            return own;
        }
        if (!parentRef.isTextual()) {
            throw new ProfileException(r.source, "/" + EXTENDS, "must be the name of another profile of model " + r.model);
        }
        String ref = parentRef.asText();
        String parentKey = ref.contains("/") ? ref : r.model + "/" + ref;
        if (!parentKey.startsWith(r.model + "/")) {
            throw new ProfileException(r.source, "/" + EXTENDS, "'" + ref + "' is a profile of another model; extend one of " + r.model);
        }
        Raw parent = all.get(parentKey);
        if (parent == null) {
            throw new ProfileException(r.source, "/" + EXTENDS, "no profile '" + parentKey + "' to extend");
        }
        return ConfigLayers.merge(resolve(parent, all, chain), own);
    }

    /**
     * Checks one profile file against this catalogue (for {@code syncready config validate}): its
     * {@code extends} resolves against this catalogue's profiles of its model, then its schema applies.
     *
     * @param model the box model; null means the file's {@code model} field
     * @return the resolved body
     */
    public JsonNode check(String fileName, String text, String model) throws ProfileException {
        JsonNode node = parse(fileName, text);
        String m = model != null ? model : node.path("model").asText(null);
        if (m == null) {
            throw new ProfileException(fileName, "/model", "is missing: name the box model");
        }
        String name = node.path("name").asText(stemOf(fileName));
        Map<String, Raw> all = new TreeMap<>();
        profiles.values().forEach(p -> all.put(p.ref(), new Raw(p.model(), p.name(), p.body(), p.source())));
        Raw self = new Raw(m, name, node, fileName);
        all.put(m + "/" + name, self);
        JsonNode body = resolve(self, all, new LinkedHashSet<>());
        List<ProfileProblem> problems = schemas.validate(fileName, m, body);
        if (!problems.isEmpty()) {
            throw new ProfileException(problems);
        }
        return body;
    }

    /**
     * The body a box gets: the profile with each override layered on top, in order (school, then box),
     * validated. An override may not change {@code model} or {@code name}.
     *
     * @param overrides named layers, e.g. {@code "override school sch01" -> {...}}; a layer must be a JSON object
     */
    public JsonNode render(String profileRef, Map<String, JsonNode> overrides) throws ProfileException {
        Profile profile = profile(profileRef).orElseThrow(() -> new ProfileException("profile", "/", "no profile '" + profileRef
                + "' in the catalogue; known: " + String.join(", ", refs())));
        JsonNode body = profile.body();
        for (Map.Entry<String, JsonNode> layer : overrides.entrySet()) {
            JsonNode patch = layer.getValue();
            if (patch == null || patch.isNull()) {
                continue;
            }
            if (!patch.isObject()) {
                throw new ProfileException(layer.getKey(), "/", "an override must be a JSON object");
            }
            for (String fixed : List.of("model", "name", EXTENDS)) {
                if (patch.has(fixed)) {
                    throw new ProfileException(layer.getKey(), "/" + fixed, "cannot be overridden; choose another profile instead");
                }
            }
            List<ProfileProblem> problems = schemas.validate(layer.getKey(), profile.model(), ConfigLayers.merge(body, patch));
            if (!problems.isEmpty()) {
                throw new ProfileException(problems);
            }
            body = ConfigLayers.merge(body, patch);
        }
        return body;
    }

    public Optional<Profile> profile(String ref) {
        return Optional.ofNullable(ref == null ? null : profiles.get(ref));
    }

    public Collection<Profile> profiles() {
        return new TreeMap<>(profiles).values();
    }

    public List<String> refs() {
        return profiles.keySet().stream().sorted().toList();
    }

    public ProfileSchemas schemas() {
        return schemas;
    }

    /** Where it was loaded from, for logs. */
    public String origin() {
        return origin;
    }

    /** Parses JSON or YAML by the file name; the root must be an object. */
    public static JsonNode parse(String fileName, String text) throws ProfileException {
        try {
            JsonNode node = (fileName.endsWith(".json") ? JSON : YAML).readTree(text);
            if (node == null || !node.isObject()) {
                throw new ProfileException(fileName, "/", "must be a JSON object / YAML mapping");
            }
            return node;
        } catch (IOException e) {
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            throw new ProfileException(fileName, "/", "cannot parse: " + message.lines().findFirst().orElse(message));
        }
    }

    private static boolean isProfileFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static String stem(Path file) {
        return stemOf(file.getFileName().toString());
    }

    private static String stemOf(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot < 0 ? base : base.substring(0, dot);
    }

    private record Raw(String model, String name, JsonNode node, String source) {
    }
}
