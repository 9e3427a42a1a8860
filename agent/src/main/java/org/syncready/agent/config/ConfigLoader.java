package org.syncready.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.FaultChange;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.TlsTrust;

/**
 * Reads agent.yaml and fleet.yaml into {@link AgentConfig}s. Command-line flags arrive as
 * overrides keyed by the field's dotted path ({@code "broker.uri"}, {@code "statusIntervalS"}) and win
 * over the file. Every problem becomes a {@link ConfigException} that names the file (or the command
 * line) and the field. The YAML is walked by hand rather than bound by Jackson so that unknown fields,
 * wrong types and the known alternatives can be reported in the file's own terms.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final String COMMAND_LINE = "command line";

    private ConfigLoader() {
    }

    /** Loads agent.yaml with flags applied on top; {@code file} may be null to configure from flags alone. */
    public static AgentConfig load(Path file, Map<String, ?> overrides) {
        String source = file == null ? COMMAND_LINE : file.toString();
        ObjectNode root = file == null ? JsonNodeFactory.instance.objectNode() : readYaml(file);
        Path baseDir = baseDir(file);
        // A box's own file means real probes unless it says otherwise.
        if (!root.has("probes")) {
            root.putObject("probes").put("mode", "real");
        }
        applyOverrides(root, overrides);
        try {
            return read(new YamlFields(root, ""), baseDir);
        } catch (ConfigException e) {
            throw e.in(overridden(e.field(), overrides) ? COMMAND_LINE : source);
        }
    }

    public static AgentConfig load(Path file) {
        return load(file, Map.of());
    }

    /**
     * Loads a fleet file: {@code agents:} is a list of agent.yaml objects, {@code defaults:} (optional)
     * is merged under each of them (an entry's own fields win, maps are merged, lists replaced). Fleet
     * agents are simulated unless an entry says otherwise. The overrides apply to every agent.
     */
    public static List<AgentConfig> loadFleet(Path file, Map<String, ?> overrides) {
        if (overrides.containsKey("boxId")) {
            throw new ConfigException("boxId", "cannot be set on the command line for a whole fleet").in(COMMAND_LINE);
        }
        ObjectNode root = readYaml(file);
        Path baseDir = baseDir(file);
        List<AgentConfig> agents = new ArrayList<>();
        Set<String> boxIds = new HashSet<>();
        try {
            YamlFields fleet = new YamlFields(root, "");
            fleet.allow("defaults", "agents");
            ObjectNode defaults = fleet.has("defaults") ? fleet.object("defaults").node.deepCopy()
                    : JsonNodeFactory.instance.objectNode();
            defaults.remove("boxId");
            if (!defaults.has("probes")) {
                defaults.putObject("probes").put("mode", "simulated");
            }
            List<YamlFields> entries = fleet.objects("agents");
            if (entries.isEmpty()) {
                throw new ConfigException("agents", "must list at least one agent");
            }
            for (int i = 0; i < entries.size(); i++) {
                ObjectNode merged = merge(defaults.deepCopy(), entries.get(i).node);
                applyOverrides(merged, overrides);
                String at = "agents[" + i + "]";
                AgentConfig config;
                try {
                    config = read(new YamlFields(merged, ""), baseDir);
                } catch (ConfigException e) {
                    throw overridden(e.field(), overrides) ? e.in(COMMAND_LINE) : e.under(at);
                }
                if (!boxIds.add(config.boxId())) {
                    throw new ConfigException(at + ".boxId", "repeats box '" + config.boxId() + "'");
                }
                agents.add(config);
            }
        } catch (ConfigException e) {
            throw e.hasSource() ? e : e.in(file.toString());
        }
        return agents;
    }

    private static Path baseDir(Path file) {
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        return parent == null ? Path.of("") : parent;
    }

    private static ObjectNode readYaml(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(null, "file not found").in(file.toString());
        } catch (IOException e) {
            throw new ConfigException(null, "cannot read: " + e.getMessage()).in(file.toString());
        }
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ConfigException(null, "is not valid YAML" + where + ": " + firstLine(e.getOriginalMessage()))
                    .in(file.toString());
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException(null, "must be a YAML mapping of fields (key: value)").in(file.toString());
        }
        return (ObjectNode) node;
    }

    private static boolean overridden(String field, Map<String, ?> overrides) {
        return field != null && overrides.containsKey(field);
    }

    static void applyOverrides(ObjectNode root, Map<String, ?> overrides) {
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            String[] path = e.getKey().split("\\.");
            ObjectNode parent = root;
            for (int i = 0; i < path.length - 1; i++) {
                JsonNode child = parent.get(path[i]);
                parent = child instanceof ObjectNode o ? o : parent.putObject(path[i]);
            }
            String leaf = path[path.length - 1];
            parent.set(leaf, YAML.valueToTree(e.getValue() instanceof Path p ? p.toString() : e.getValue()));
            // A password given on the command line replaces a password file from the file, and vice versa.
            if (leaf.equals("password")) {
                parent.remove("passwordFile");
            } else if (leaf.equals("passwordFile")) {
                parent.remove("password");
            } else if (leaf.equals("heartbeatS")) {
                // The heartbeat given on the command line replaces the file's, under either name.
                parent.remove("statusIntervalS");
            }
        }
    }

    private static ObjectNode merge(ObjectNode base, ObjectNode over) {
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode b && e.getValue() instanceof ObjectNode o) {
                merge(b, o);
            } else {
                base.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return base;
    }

    private static AgentConfig read(YamlFields f, Path baseDir) {
        f.allow("boxId", "broker", "model", "firmwareVersion", "statusIntervalS", "probeIntervalS",
                "probeTimeoutMs", "dataDir", "probes", "network", "simulation", "cameras", "cameraChecks",
                "controllerKeys", "applyHook", "microphones", "controller", "ntp", "stream", "outbox", "equipment",
                "heartbeatS", "report");
        String boxId = f.text("boxId");
        if (boxId == null) {
            throw ConfigException.missing("boxId");
        }
        if (!f.has("broker")) {
            throw ConfigException.missing("broker");
        }
        AgentConfig.Broker broker = readBroker(f.object("broker"), baseDir);
        String dataDir = f.text("dataDir");
        AgentConfig.Probes probes = null;
        if (f.has("probes")) {
            YamlFields p = f.object("probes");
            p.allow("mode");
            probes = new AgentConfig.Probes(p.choice("mode", AgentConfig.ProbeMode.class, AgentConfig.ProbeMode.REAL));
        }
        return new AgentConfig(boxId, broker, f.text("model"), f.text("firmwareVersion"),
                heartbeatS(f.has("heartbeatS") ? f.integer("heartbeatS", 0) : null,
                        f.has("statusIntervalS") ? f.integer("statusIntervalS", 0) : null, ""),
                f.integer("probeIntervalS", 2), f.integer("probeTimeoutMs", 2000),
                dataDir == null ? null : baseDir.resolve(dataDir), probes,
                f.has("network") ? readNetwork(f.object("network")) : null,
                f.has("simulation") ? readSimulation(f.object("simulation")) : null,
                readCameras(f, baseDir), f.has("cameraChecks") ? readCameraChecks(f.object("cameraChecks")) : null,
                new AgentConfig.ConfigApply(f.texts("controllerKeys"),
                        f.text("applyHook") == null ? null : baseDir.resolve(f.text("applyHook"))),
                f.has("microphones") ? readMicrophones(f.object("microphones"), baseDir) : null,
                f.has("controller") ? readController(f.object("controller")) : null,
                f.has("ntp") ? readNtp(f.object("ntp")) : null,
                f.has("stream") ? readStream(f.object("stream"), baseDir) : null,
                f.has("outbox") ? readOutbox(f.object("outbox")) : null,
                f.has("equipment") ? readEquipment(f.object("equipment"), baseDir) : null,
                ReportRules.DEFAULT.with(f.node.get("report"), "report"));
    }

    /** A status at least once a minute when nothing significant changes (report by exception). */
    public static final int DEFAULT_HEARTBEAT_S = 60;

    /**
     * The heartbeat from {@code heartbeatS} or its old name {@code statusIntervalS} (which meant "a status
     * every N s" and now means "at least every N s"); both given must agree. Neither: the default.
     *
     * @param prefix where the fields sit, e.g. {@code "agent."} in a profile, {@code ""} in agent.yaml
     */
    public static int heartbeatS(Integer heartbeatS, Integer statusIntervalS, String prefix) {
        if (heartbeatS != null && statusIntervalS != null && !heartbeatS.equals(statusIntervalS)) {
            throw new ConfigException(prefix + "heartbeatS", "is " + heartbeatS + " but " + prefix + "statusIntervalS, its old name, is "
                    + statusIntervalS + "; give only heartbeatS");
        }
        int v = heartbeatS != null ? heartbeatS : statusIntervalS != null ? statusIntervalS : DEFAULT_HEARTBEAT_S;
        ConfigException.range(prefix + (heartbeatS != null ? "heartbeatS" : "statusIntervalS"), v, 1, 3600);
        return v;
    }

    private static EquipmentConfig readEquipment(YamlFields e, Path baseDir) {
        e.allow("timeoutMs", "servers");
        List<EquipmentConfig.Server> servers = new ArrayList<>();
        List<YamlFields> entries = e.objects("servers");
        for (int s = 0; s < entries.size(); s++) {
            YamlFields srv = entries.get(s);
            srv.allow("endpoint", "security", "mode", "username", "password", "passwordFile", "serverCertificateSha256", "items");
            String password = secret(srv, "password", "passwordFile", baseDir);
            List<EquipmentConfig.Item> items = new ArrayList<>();
            List<YamlFields> itemEntries = srv.objects("items");
            for (int i = 0; i < itemEntries.size(); i++) {
                YamlFields it = itemEntries.get(i);
                it.allow("name", "role", "node", "expect", "min", "max", "unit");
                Object expect = it.scalar("expect");
                Double min = it.has("min") ? it.number("min", 0) : null;
                Double max = it.has("max") ? it.number("max", 0) : null;
                String at = "equipment.servers[" + s + "].items[" + i + "]";
                items.add(renamed("equipment.servers[].items[]", at, () -> new EquipmentConfig.Item(it.text("name"),
                        it.text("role"), it.text("node"), expect, min, max, it.text("unit"))));
            }
            EquipmentConfig.Security security = srv.choice("security", EquipmentConfig.Security.class, EquipmentConfig.Security.NONE);
            EquipmentConfig.Mode mode = srv.choice("mode", EquipmentConfig.Mode.class, EquipmentConfig.Mode.SIGN_AND_ENCRYPT);
            servers.add(renamed("equipment.servers[]", "equipment.servers[" + s + "]", () -> new EquipmentConfig.Server(
                    srv.text("endpoint"), security, mode, srv.text("username"), password, srv.text("serverCertificateSha256"), items)));
        }
        return new EquipmentConfig(e.integer("timeoutMs", EquipmentConfig.NONE.timeoutMs()), servers);
    }

    /** Builds one entry, naming it {@code at} in a problem the record reports under {@code generic}. */
    private static <T> T renamed(String generic, String at, Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            String field = e.field();
            if (field != null && field.startsWith(generic)) {
                throw e.withField(at + field.substring(generic.length()));
            }
            throw e;
        }
    }

    private static AgentConfig.Outbox readOutbox(YamlFields o) {
        o.allow("maxMb", "maxAgeHours");
        return new AgentConfig.Outbox(o.integer("maxMb", AgentConfig.Outbox.DEFAULT.maxMb()),
                o.integer("maxAgeHours", AgentConfig.Outbox.DEFAULT.maxAgeHours()));
    }

    private static AgentConfig.Microphones readMicrophones(YamlFields m, Path baseDir) {
        m.allow("windowMs", "silenceFloorDbfs", "clippingShare", "alsaRoot", "devices");
        AgentConfig.Microphones d = AgentConfig.Microphones.DEFAULT;
        List<AgentConfig.AudioInput> devices = new ArrayList<>();
        List<YamlFields> entries = m.objects("devices");
        for (int i = 0; i < entries.size(); i++) {
            YamlFields e = entries.get(i);
            e.allow("id", "role", "device");
            devices.add(indexed("microphones.devices", i,
                    () -> new AgentConfig.AudioInput(e.text("id"), e.text("role"), e.text("device"))));
        }
        String alsaRoot = m.text("alsaRoot");
        return new AgentConfig.Microphones(m.integer("windowMs", d.windowMs()),
                m.number("silenceFloorDbfs", d.silenceFloorDbfs()), m.number("clippingShare", d.clippingShare()),
                alsaRoot == null ? null : baseDir.resolve(alsaRoot), devices);
    }

    private static AgentConfig.ControllerLink readController(YamlFields c) {
        c.allow("url", "echoHost", "echoPort", "echoIntervalS", "echoCount", "echoSpacingMs", "uplinkIntervalS", "uplinkBytes");
        return new AgentConfig.ControllerLink(c.text("url"), c.text("echoHost"), c.integer("echoPort", 7947),
                c.integer("echoIntervalS", 60), c.integer("echoCount", 50), c.integer("echoSpacingMs", 20),
                c.integer("uplinkIntervalS", 600), c.integer("uplinkBytes", 1024 * 1024));
    }

    private static AgentConfig.Ntp readNtp(YamlFields n) {
        n.allow("server", "port", "intervalS", "timeoutMs");
        return new AgentConfig.Ntp(n.text("server"), n.integer("port", 123), n.integer("intervalS", 300),
                n.integer("timeoutMs", 1000));
    }

    private static AgentConfig.Stream readStream(YamlFields s, Path baseDir) {
        s.allow("encoder", "target", "progressFile", "staleAfterS");
        String progress = s.text("progressFile");
        return new AgentConfig.Stream(s.choice("encoder", AgentConfig.Encoder.class, AgentConfig.Encoder.FFMPEG),
                s.text("target"), progress == null ? null : baseDir.resolve(progress), s.integer("staleAfterS", 10));
    }

    private static AgentConfig.Broker readBroker(YamlFields b, Path baseDir) {
        b.allow("uri", "username", "password", "passwordFile", "keepAliveS", "caFile");
        String uri = b.text("uri");
        if (uri == null) {
            throw ConfigException.missing("broker.uri");
        }
        String password = b.text("password");
        String passwordFile = b.text("passwordFile");
        if (password != null && passwordFile != null) {
            throw new ConfigException("broker.passwordFile", "cannot be set together with broker.password: choose one");
        }
        if (passwordFile != null) {
            Path path = baseDir.resolve(passwordFile);
            try {
                password = Files.readString(path, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException("broker.passwordFile", "cannot be read: " + path
                        + (e instanceof NoSuchFileException ? " does not exist" : " (" + e.getMessage() + ")"));
            }
            if (password.isEmpty()) {
                throw new ConfigException("broker.passwordFile", "is empty: " + path);
            }
        }
        String caFile = b.text("caFile");
        Path ca = caFile == null ? null : baseDir.resolve(caFile);
        if (ca != null && !uri.startsWith("tcp:")) {
            try {
                // Read now: a missing or broken CA file is a configuration error at start, not a refusal at every connect.
                TlsTrust.pinnedFile(ca);
            } catch (IOException e) {
                throw new ConfigException("broker.caFile", e.getMessage());
            }
        }
        return new AgentConfig.Broker(uri, b.text("username"), password, b.integer("keepAliveS", 30), ca);
    }

    private static AgentConfig.Network readNetwork(YamlFields n) {
        n.allow("iface", "targets");
        List<AgentConfig.Target> targets = new ArrayList<>();
        List<YamlFields> entries = n.has("targets") ? n.objects("targets") : List.of();
        for (int i = 0; i < entries.size(); i++) {
            YamlFields t = entries.get(i);
            t.allow("name", "host", "port");
            if (!t.has("port")) {
                throw ConfigException.missing(t.path + "port");
            }
            int port = t.integer("port", 0);
            targets.add(indexed("network.targets", i, () -> new AgentConfig.Target(t.text("name"), t.text("host"), port)));
        }
        return new AgentConfig.Network(n.text("iface"), targets);
    }

    private static AgentConfig.Simulation readSimulation(YamlFields s) {
        s.allow("cameras", "microphones", "flakyMicrophone", "faults");
        List<AgentConfig.Camera> cameras = null;
        if (s.has("cameras")) {
            cameras = new ArrayList<>();
            List<YamlFields> entries = s.objects("cameras");
            for (int i = 0; i < entries.size(); i++) {
                YamlFields c = entries.get(i);
                c.allow("id", "role", "kind");
                CameraRole role = c.choice("role", CameraRole.class, null);
                CameraKind kind = c.choice("kind", CameraKind.class, null);
                cameras.add(indexed("simulation.cameras", i, () -> new AgentConfig.Camera(c.text("id"), role, kind)));
            }
        }
        List<AgentConfig.Microphone> microphones = null;
        if (s.has("microphones")) {
            microphones = new ArrayList<>();
            List<YamlFields> entries = s.objects("microphones");
            for (int i = 0; i < entries.size(); i++) {
                YamlFields m = entries.get(i);
                m.allow("id", "role");
                microphones.add(indexed("simulation.microphones", i, () -> new AgentConfig.Microphone(m.text("id"), m.text("role"))));
            }
        }
        AgentConfig.FlakyMicrophone flaky = null;
        if (s.has("flakyMicrophone")) {
            YamlFields fm = s.object("flakyMicrophone");
            fm.allow("id", "periodS");
            flaky = new AgentConfig.FlakyMicrophone(fm.text("id"), fm.integer("periodS", 30));
        }
        FaultSet faults = null;
        if (s.has("faults")) {
            JsonNode node = s.node.get("faults");
            try {
                FaultChange change = FaultChange.parse(node);
                if (change.hangS() != null) {
                    throw new ConfigException(s.path + "faults.hangS", "is a command, not a starting fault: send it with simulate");
                }
                // Device ids are checked against the simulated devices by AgentConfig.Simulation.
                faults = change.applyTo(FaultSet.NONE, change.cameraIds(), change.microphoneIds());
            } catch (FaultChange.InvalidFaults e) {
                FaultChange.Problem first = e.problems().get(0);
                throw new ConfigException(s.path + "faults" + first.field().replace('/', '.').replaceFirst("\\.$", ""),
                        first.message() + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more: "
                                + e.getMessage() + ")" : ""));
            }
        }
        return new AgentConfig.Simulation(cameras, microphones, flaky, faults);
    }

    private static List<CameraSource> readCameras(YamlFields f, Path baseDir) {
        List<CameraSource> cameras = new ArrayList<>();
        List<YamlFields> entries = f.objects("cameras");
        for (int i = 0; i < entries.size(); i++) {
            YamlFields c = entries.get(i);
            c.allow("id", "role", "kind", "device", "url", "username", "password", "passwordFile", "onvif",
                    "minFps", "minBitrateKbps", "checkIntervalS", "measureS", "deepCheckIntervalS");
            CameraRole role = c.choice("role", CameraRole.class, null);
            CameraKind kind = c.choice("kind", CameraKind.class, null);
            String password = secret(c, "password", "passwordFile", baseDir);
            double minFps = c.number("minFps", 0);
            cameras.add(indexed("cameras", i, () -> new CameraSource(c.text("id"), role, kind, c.text("device"),
                    c.text("url"), c.text("username"), password, c.text("onvif"), minFps,
                    c.integer("minBitrateKbps", 0), c.integer("checkIntervalS", 30), c.integer("measureS", 3),
                    c.integer("deepCheckIntervalS", kind == CameraKind.USB ? 0 : 300))));
        }
        return cameras;
    }

    private static CameraChecks readCameraChecks(YamlFields c) {
        c.allow("ffmpeg", "deepWindowS", "timeoutMs", "freezeNoiseDb");
        return new CameraChecks(c.text("ffmpeg"), c.integer("deepWindowS", CameraChecks.DEFAULT.deepWindowS()),
                c.integer("timeoutMs", CameraChecks.DEFAULT.timeoutMs()),
                c.integer("freezeNoiseDb", CameraChecks.DEFAULT.freezeNoiseDb()));
    }

    /** A password given inline or in a file (relative to the config's folder), never both. */
    private static String secret(YamlFields f, String inline, String fileField, Path baseDir) {
        String value = f.text(inline);
        String file = f.text(fileField);
        if (value != null && file != null) {
            throw new ConfigException(f.path + fileField, "cannot be set together with " + f.path + inline + ": choose one");
        }
        if (file == null) {
            return value;
        }
        Path path = baseDir.resolve(file);
        try {
            value = Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(f.path + fileField, "cannot be read: " + path
                    + (e instanceof NoSuchFileException ? " does not exist" : " (" + e.getMessage() + ")"));
        }
        if (value.isEmpty()) {
            throw new ConfigException(f.path + fileField, "is empty: " + path);
        }
        return value;
    }

    /** Builds list entry {@code i}, turning the record's generic {@code list[].field} into {@code list[i].field}. */
    private static <T> T indexed(String list, int i, Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            String field = e.field();
            if (field != null && field.startsWith(list + "[]")) {
                throw e.withField(list + "[" + i + "]" + field.substring(list.length() + 2));
            }
            throw e;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
