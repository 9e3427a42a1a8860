package org.syncready.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.TlsTrust;

/**
 * Everything one agent needs to run, checked when built: a value that exists is a valid one. Load it
 * from agent.yaml with {@link ConfigLoader}, or build it in code with {@link #builder(String, String, String)}.
 *
 * <p>It is agent.yaml's whole schema in one place, one nested record per section, each checking its
 * own values: spread over files, the one contract an operator edits would have to be read in twenty
 * places. The {@link AgentConfigBuilder} the tests and the demo use lives in its own file.
 *
 * @param boxId           the box's id, also its MQTT client id
 * @param broker          where and how to connect
 * @param model           box model, reported in the birth
 * @param firmwareVersion box firmware version, reported in the birth
 * @param statusIntervalS the heartbeat: the longest the box stays silent between two statuses (agent.yaml's
 *                        {@code heartbeatS}, or its old name {@code statusIntervalS}); a significant change
 *                        publishes at once (report by exception, {@link ReportRules})
 * @param probeIntervalS  seconds between probe rounds; a significant change is reported after the round that saw it
 * @param probeTimeoutMs  how long one probe round waits for a probe before using its last value
 * @param dataDir         where the agent keeps its state; its free disk space is reported
 * @param probes          real or simulated probes
 * @param network         interface and targets the network probe checks
 * @param simulation      the devices simulated probes pretend to have (used only in simulated mode)
 * @param cameras         the box's real cameras (used only in real mode)
 * @param cameraChecks    how real cameras are checked
 * @param configApply     how signed configurations from the controller are checked and applied
 * @param microphones     real microphone capture settings
 * @param controller      the controller's echo and speedtest services; null: no echo/uplink measurement
 * @param ntp             the NTP server the clock offset is measured against; null: not measured
 * @param stream          how this box model pushes its class stream; null: no stream probe
 * @param outbox          how much the outbox keeps while reports cannot be sent
 * @param equipment       classroom equipment read over OPC UA; {@link EquipmentConfig#NONE} when none
 * @param report          which changes of measured numbers publish a status at once; {@link ReportRules#DEFAULT} when null
 */
public record AgentConfig(String boxId, Broker broker, String model, String firmwareVersion,
                          int statusIntervalS, int probeIntervalS, int probeTimeoutMs, Path dataDir,
                          Probes probes, Network network, Simulation simulation,
                          List<CameraSource> cameras, CameraChecks cameraChecks, ConfigApply configApply,
                          Microphones microphones, ControllerLink controller, Ntp ntp, Stream stream, Outbox outbox,
                          EquipmentConfig equipment, ReportRules report) {

    static final Pattern BOX_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public AgentConfig {
        if (boxId == null || boxId.isBlank()) {
            throw ConfigException.missing("boxId");
        }
        if (!BOX_ID.matcher(boxId).matches()) {
            throw new ConfigException("boxId", "must match [A-Za-z0-9_-]{1,64}, was '" + boxId + "'");
        }
        if (broker == null) {
            throw ConfigException.missing("broker");
        }
        model = textOr(model, "model", "unknown");
        firmwareVersion = textOr(firmwareVersion, "firmwareVersion", "unknown");
        ConfigException.range("statusIntervalS", statusIntervalS, 1, 3600);
        ConfigException.range("probeIntervalS", probeIntervalS, 1, 3600);
        ConfigException.range("probeTimeoutMs", probeTimeoutMs, 100, 60_000);
        dataDir = dataDir == null ? Path.of("syncready-data") : dataDir;
        probes = probes == null ? new Probes(ProbeMode.SIMULATED) : probes;
        network = network == null ? new Network(null, List.of()) : network;
        simulation = simulation == null ? Simulation.DEFAULT : simulation;
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        atMost(cameras, Protocol.MAX_CAMERAS, "cameras");
        unique(cameras.stream().map(CameraSource::id).toList(), "cameras", "id");
        cameraChecks = cameraChecks == null ? CameraChecks.DEFAULT : cameraChecks;
        configApply = configApply == null ? new ConfigApply(List.of(), null) : configApply;
        microphones = microphones == null ? Microphones.DEFAULT : microphones;
        outbox = outbox == null ? Outbox.DEFAULT : outbox;
        equipment = equipment == null ? EquipmentConfig.NONE : equipment;
        report = report == null ? ReportRules.DEFAULT : report;
        // The CA pins the broker (ssl://) and the controller's HTTPS alike: with a plain external broker
        // (several controller nodes behind Mosquitto on the school network) it still pins the controller.
        if (broker.caFile() != null && broker.uri().startsWith("tcp:")
                && (controller == null || controller.url() == null || !controller.url().startsWith("https:"))) {
            throw new ConfigException("broker.caFile", "is set but broker.uri is plain tcp:// and controller.url is not https://: "
                    + "use ssl://host:8883");
        }
        if (!equipment.isEmpty() && equipment.timeoutMs() >= probeTimeoutMs) {
            throw new ConfigException("equipment.timeoutMs", "must be below probeTimeoutMs (" + probeTimeoutMs
                    + "), was " + equipment.timeoutMs() + ": a dead server must read as unreachable, not time the probe out");
        }
    }

    /** A config with the default report rules. */
    public AgentConfig(String boxId, Broker broker, String model, String firmwareVersion,
                       int statusIntervalS, int probeIntervalS, int probeTimeoutMs, Path dataDir,
                       Probes probes, Network network, Simulation simulation,
                       List<CameraSource> cameras, CameraChecks cameraChecks, ConfigApply configApply,
                       Microphones microphones, ControllerLink controller, Ntp ntp, Stream stream, Outbox outbox,
                       EquipmentConfig equipment) {
        this(boxId, broker, model, firmwareVersion, statusIntervalS, probeIntervalS, probeTimeoutMs, dataDir, probes,
                network, simulation, cameras, cameraChecks, configApply, microphones, controller, ntp, stream, outbox,
                equipment, null);
    }

    /** The heartbeat in seconds: the longest the box stays silent between two statuses ({@link #statusIntervalS}). */
    public int heartbeatS() {
        return statusIntervalS;
    }

    /** A config without classroom equipment. */
    public AgentConfig(String boxId, Broker broker, String model, String firmwareVersion,
                       int statusIntervalS, int probeIntervalS, int probeTimeoutMs, Path dataDir,
                       Probes probes, Network network, Simulation simulation,
                       List<CameraSource> cameras, CameraChecks cameraChecks, ConfigApply configApply,
                       Microphones microphones, ControllerLink controller, Ntp ntp, Stream stream, Outbox outbox) {
        this(boxId, broker, model, firmwareVersion, statusIntervalS, probeIntervalS, probeTimeoutMs, dataDir, probes,
                network, simulation, cameras, cameraChecks, configApply, microphones, controller, ntp, stream, outbox, null, null);
    }

    /** A config with the defaults of a simulated box: 3 cameras, 2 microphones, status every 10 s. */
    public static AgentConfigBuilder builder(String boxId, String brokerUri, String password) {
        return new AgentConfigBuilder(boxId, brokerUri, password);
    }

    /** A builder that starts from this config, to change a field or two. */
    public AgentConfigBuilder toBuilder() {
        return new AgentConfigBuilder(this);
    }

    /** The username to log in with, which is the box id unless configured otherwise. */
    public String username() {
        return broker.username() == null ? boxId : broker.username();
    }

    /** The network targets to probe: the configured ones, or the broker itself when none are configured. */
    public List<Target> probeTargets() {
        if (!network.targets().isEmpty()) {
            return network.targets();
        }
        URI uri = URI.create(broker.uri());
        return List.of(new Target("broker", uri.getHost(), uri.getPort()));
    }

    /**
     * Whom this box trusts over TLS, for the broker ({@code ssl://}) and the controller's HTTPS alike:
     * the CA in {@code broker.caFile}, else the system trust store. A caFile that cannot be read is a
     * {@link ConfigException}.
     */
    public SSLContext controllerTrust() {
        if (broker.caFile() == null) {
            return TlsTrust.system();
        }
        try {
            return TlsTrust.pinnedFile(broker.caFile());
        } catch (java.io.IOException e) {
            throw new ConfigException("broker.caFile", e.getMessage());
        }
    }

    /**
     * @param uri        {@code ssl://host:port} (MQTT over TLS) or {@code tcp://host:port} (plain: loopback, the demo)
     * @param username   null means the box id
     * @param password   the box's secret (already read from {@code passwordFile} when that was configured)
     * @param keepAliveS MQTT keep-alive
     * @param caFile     the controller's CA certificate (PEM) pinned at enrollment, for {@code ssl://} and
     *                   {@code https://}; null: the system trust store
     */
    public record Broker(String uri, String username, String password, int keepAliveS, Path caFile) {
        public Broker {
            if (uri == null || uri.isBlank()) {
                throw ConfigException.missing("broker.uri");
            }
            checkUri(uri);
            if (username != null && username.isBlank()) {
                throw new ConfigException("broker.username", "must not be empty");
            }
            if (password == null || password.isEmpty()) {
                throw new ConfigException("broker.password", "is missing: set broker.password or broker.passwordFile");
            }
            ConfigException.range("broker.keepAliveS", keepAliveS, 5, 3600);
        }

        public Broker(String uri, String username, String password, int keepAliveS) {
            this(uri, username, password, keepAliveS, null);
        }

        /** True for {@code ssl://}: the connection is TLS, checked against {@link #caFile()} or the system trust store. */
        public boolean tls() {
            return uri.startsWith("ssl:");
        }

        private static void checkUri(String uri) {
            String shape = "must look like ssl://host:8883 (or tcp://host:port on loopback), was '" + uri + "'";
            try {
                URI parsed = new URI(uri);
                if (!("tcp".equals(parsed.getScheme()) || "ssl".equals(parsed.getScheme())) || parsed.getHost() == null
                        || parsed.getPort() < 1 || (parsed.getPath() != null && !parsed.getPath().isEmpty())) {
                    throw new ConfigException("broker.uri", shape);
                }
            } catch (URISyntaxException e) {
                throw new ConfigException("broker.uri", shape);
            }
        }

        /** Never prints the password: configs end up in logs. */
        @Override
        public String toString() {
            return "Broker[uri=" + uri + ", username=" + username + ", password=***, keepAliveS=" + keepAliveS
                    + ", caFile=" + caFile + "]";
        }
    }

    /** Whether the agent probes the real box or simulates one. */
    public enum ProbeMode {
        REAL, SIMULATED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Probes(ProbeMode mode) {
        public Probes {
            Objects.requireNonNull(mode, "probes.mode");
        }
    }

    /**
     * @param iface   the uplink interface; null means the interface of the default route
     * @param targets hosts the box depends on, checked by a TCP connect
     */
    public record Network(String iface, List<Target> targets) {
        public Network {
            targets = targets == null ? List.of() : List.copyOf(targets);
            unique(targets.stream().map(Target::name).toList(), "network.targets", "name");
        }
    }

    public record Target(String name, String host, int port) {
        public Target {
            if (name == null || name.isBlank()) {
                throw ConfigException.missing("network.targets[].name");
            }
            if (host == null || host.isBlank()) {
                throw ConfigException.missing("network.targets[].host");
            }
            ConfigException.range("network.targets[].port", port, 1, 65535);
        }
    }

    /**
     * @param flakyMicrophone a microphone that goes silent for a while every period, or null
     * @param faults          the faults the box starts with (docs/SIMULATION.md); none by default
     */
    public record Simulation(List<Camera> cameras, List<Microphone> microphones, FlakyMicrophone flakyMicrophone,
                             FaultSet faults) {
        /** A typical classroom: teacher, student and blackboard cameras, a teacher and a room microphone. */
        public static final Simulation DEFAULT = new Simulation(
                List.of(new Camera("cam-teacher", CameraRole.TEACHER, CameraKind.USB),
                        new Camera("cam-student", CameraRole.STUDENT, CameraKind.RTSP),
                        new Camera("cam-blackboard", CameraRole.BLACKBOARD, CameraKind.RTSP)),
                List.of(new Microphone("mic-teacher", "teacher"), new Microphone("mic-room", "room")),
                null, FaultSet.NONE);

        public Simulation {
            cameras = cameras == null ? DEFAULT.cameras() : List.copyOf(cameras);
            microphones = microphones == null ? DEFAULT.microphones() : List.copyOf(microphones);
            atMost(cameras, Protocol.MAX_CAMERAS, "simulation.cameras");
            atMost(microphones, Protocol.MAX_MICROPHONES, "simulation.microphones");
            unique(cameras.stream().map(Camera::id).toList(), "simulation.cameras", "id");
            unique(microphones.stream().map(Microphone::id).toList(), "simulation.microphones", "id");
            if (flakyMicrophone != null
                    && microphones.stream().noneMatch(m -> m.id().equals(flakyMicrophone.id()))) {
                throw new ConfigException("simulation.flakyMicrophone.id", "'" + flakyMicrophone.id()
                        + "' is not one of simulation.microphones " + microphones.stream().map(Microphone::id).toList());
            }
            faults = faults == null ? FaultSet.NONE : faults;
            for (String id : faults.cameras().keySet()) {
                if (cameras.stream().noneMatch(c -> c.id().equals(id))) {
                    throw new ConfigException("simulation.faults.cameras." + id, "is not one of simulation.cameras "
                            + cameras.stream().map(Camera::id).toList());
                }
            }
            for (String id : faults.microphones().keySet()) {
                if (microphones.stream().noneMatch(m -> m.id().equals(id))) {
                    throw new ConfigException("simulation.faults.microphones." + id, "is not one of simulation.microphones "
                            + microphones.stream().map(Microphone::id).toList());
                }
            }
        }
    }

    public record Camera(String id, CameraRole role, CameraKind kind) {
        public Camera {
            deviceId(id, "simulation.cameras[].id");
            role = role == null ? CameraRole.OTHER : role;
            kind = kind == null ? CameraKind.USB : kind;
        }
    }

    public record Microphone(String id, String role) {
        public Microphone {
            deviceId(id, "simulation.microphones[].id");
            role = role == null || role.isBlank() ? "room" : role;
        }
    }

    /**
     * @param controllerKeys the controller's Ed25519 public keys (raw 32 bytes, base64) a desired config
     *                       must be signed with; two during a key rotation; none means every one is rejected
     * @param applyHook      executable the model's encoder settings are applied with (given the body's
     *                       JSON file; exit 0 = applied), or null when the box has none
     */
    public record ConfigApply(List<String> controllerKeys, Path applyHook) {
        public ConfigApply {
            controllerKeys = controllerKeys == null ? List.of() : List.copyOf(controllerKeys);
            for (int i = 0; i < controllerKeys.size(); i++) {
                String k = controllerKeys.get(i);
                if (k == null || !k.strip().matches("[A-Za-z0-9+/]{43}=")) {
                    throw new ConfigException("controllerKeys[" + i + "]",
                            "must be an Ed25519 public key, 44 base64 characters (the config.publicKey of the registration answer)");
                }
            }
        }
    }

    public record FlakyMicrophone(String id, int periodS) {
        public FlakyMicrophone {
            if (id == null || id.isBlank()) {
                throw ConfigException.missing("simulation.flakyMicrophone.id");
            }
            ConfigException.range("simulation.flakyMicrophone.periodS", periodS, 3, 3600);
        }
    }

    /**
     * Real microphones.
     *
     * @param windowMs         capture window per microphone and round (100..5000)
     * @param silenceFloorDbfs a window whose peak stays below this is silent (-120..0)
     * @param clippingShare    share of samples at full scale above which a window is clipping (0..1)
     * @param alsaRoot         where ALSA lists its devices, normally /proc/asound
     * @param devices          the microphones to probe; empty means every capture device found
     */
    public record Microphones(int windowMs, double silenceFloorDbfs, double clippingShare, Path alsaRoot,
                              List<AudioInput> devices) {
        public static final Microphones DEFAULT = new Microphones(1000, -60, 0.001, Path.of("/proc/asound"), List.of());

        public Microphones {
            ConfigException.range("microphones.windowMs", windowMs, 100, 5000);
            decimalRange("microphones.silenceFloorDbfs", silenceFloorDbfs, -120, 0);
            decimalRange("microphones.clippingShare", clippingShare, 0, 1);
            alsaRoot = alsaRoot == null ? Path.of("/proc/asound") : alsaRoot;
            devices = devices == null ? List.of() : List.copyOf(devices);
            atMost(devices, Protocol.MAX_MICROPHONES, "microphones.devices");
            unique(devices.stream().map(AudioInput::id).toList(), "microphones.devices", "id");
        }
    }

    /** @param device an ALSA name ({@code hw:1,0}) or part of a Java Sound mixer's name */
    public record AudioInput(String id, String role, String device) {
        public AudioInput {
            deviceId(id, "microphones.devices[].id");
            role = role == null || role.isBlank() ? "room" : role;
            if (device == null || device.isBlank()) {
                throw ConfigException.missing("microphones.devices[].device");
            }
        }
    }

    /**
     * The controller's network-check services.
     *
     * @param url             the controller's HTTP base URL, e.g. {@code http://controller:8080}
     * @param echoHost        the UDP echo service's host; null means the host of {@code url}
     * @param echoPort        the UDP echo service's port
     * @param echoIntervalS   seconds between echo bursts (10..3600); a self-test runs one at once
     * @param echoCount       packets per burst (5..500)
     * @param echoSpacingMs   ms between packets of a burst (5..1000)
     * @param uplinkIntervalS seconds between uplink tests (60..86400); a self-test runs one at once
     * @param uplinkBytes     bytes uploaded per uplink test (64 KiB..4 MiB)
     */
    public record ControllerLink(String url, String echoHost, int echoPort, int echoIntervalS, int echoCount,
                                 int echoSpacingMs, int uplinkIntervalS, int uplinkBytes) {
        public ControllerLink {
            if (url == null || url.isBlank()) {
                throw ConfigException.missing("controller.url");
            }
            try {
                URI u = new URI(url);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    throw new ConfigException("controller.url", "must look like https://host:8443 (or http://host:port on loopback), was '" + url + "'");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException("controller.url", "must look like https://host:8443 (or http://host:port on loopback), was '" + url + "'");
            }
            ConfigException.range("controller.echoPort", echoPort, 1, 65535);
            ConfigException.range("controller.echoIntervalS", echoIntervalS, 10, 3600);
            ConfigException.range("controller.echoCount", echoCount, 5, 500);
            ConfigException.range("controller.echoSpacingMs", echoSpacingMs, 5, 1000);
            ConfigException.range("controller.uplinkIntervalS", uplinkIntervalS, 60, 86_400);
            ConfigException.range("controller.uplinkBytes", uplinkBytes, 64 * 1024, 4 * 1024 * 1024);
        }

        /** The echo host: configured, or the HTTP URL's host. */
        public String echoHostOrUrlHost() {
            return echoHost != null ? echoHost : URI.create(url).getHost();
        }
    }

    /** @param server NTP server host; @param intervalS seconds between measurements (60..86400) */
    public record Ntp(String server, int port, int intervalS, int timeoutMs) {
        public Ntp {
            if (server == null || server.isBlank()) {
                throw ConfigException.missing("ntp.server");
            }
            ConfigException.range("ntp.port", port, 1, 65535);
            ConfigException.range("ntp.intervalS", intervalS, 60, 86_400);
            ConfigException.range("ntp.timeoutMs", timeoutMs, 100, 10_000);
        }
    }

    /**
     * The outbox ({@code dataDir/outbox/<boxId>.db}): every report waits there until the broker
     * acknowledged it; beyond either bound the oldest are dropped (and counted in the birth).
     *
     * @param maxMb       megabytes of reports kept at most (1..10240)
     * @param maxAgeHours hours a report is kept at most (1..8760)
     */
    public record Outbox(int maxMb, int maxAgeHours) {
        public static final Outbox DEFAULT = new Outbox(50, 168);

        public Outbox {
            ConfigException.range("outbox.maxMb", maxMb, 1, 10_240);
            ConfigException.range("outbox.maxAgeHours", maxAgeHours, 1, 8760);
        }
    }

    /** Stream encoders the agent can read. */
    public enum Encoder {
        /** An ffmpeg process started with {@code -progress FILE}. */
        FFMPEG;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How this box pushes its class stream.
     *
     * @param encoder      which encoder's statistics to read
     * @param target       the URL pushed to (credentials are never reported)
     * @param progressFile where the encoder writes its progress
     * @param staleAfterS  progress older than this means the encoder is not running (2..600)
     */
    public record Stream(Encoder encoder, String target, Path progressFile, int staleAfterS) {
        public Stream {
            Objects.requireNonNull(encoder, "stream.encoder");
            if (target == null || target.isBlank()) {
                throw ConfigException.missing("stream.target");
            }
            try {
                URI u = new URI(target);
                if (u.getScheme() == null || u.getHost() == null) {
                    throw new ConfigException("stream.target", "must be a URL like rtmp://host/app/key");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException("stream.target", "must be a URL like rtmp://host/app/key");
            }
            if (progressFile == null) {
                throw ConfigException.missing("stream.progressFile");
            }
            ConfigException.range("stream.staleAfterS", staleAfterS, 2, 600);
        }

        /** Never prints the target: it may carry credentials. */
        @Override
        public String toString() {
            return "Stream[encoder=" + encoder + ", progressFile=" + progressFile + ", staleAfterS=" + staleAfterS + "]";
        }
    }

    private static void decimalRange(String field, double v, double min, double max) {
        if (Double.isNaN(v) || v < min || v > max) {
            throw new ConfigException(field, "must be between " + min + " and " + max + ", was " + v);
        }
    }

    private static String textOr(String value, String field, String fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isBlank() || value.length() > 64) {
            throw new ConfigException(field, "must be 1..64 characters");
        }
        return value;
    }

    private static void deviceId(String id, String field) {
        if (id == null || id.isBlank()) {
            throw ConfigException.missing(field);
        }
        if (id.length() > 64) {
            throw new ConfigException(field, "must be at most 64 characters");
        }
    }

    /** A status carries at most this many devices of a kind (PROTOCOL.md section 4.3). */
    private static void atMost(List<?> values, int max, String field) {
        if (values.size() > max) {
            throw new ConfigException(field, "lists " + values.size() + " devices; a status reports at most " + max);
        }
    }

    private static void unique(List<String> values, String field, String key) {
        Set<String> seen = new HashSet<>();
        for (String v : values) {
            if (!seen.add(v)) {
                throw new ConfigException(field, "has two entries with " + key + " '" + v + "'");
            }
        }
    }
}
