package org.syncready.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.syncready.protocol.FaultSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static final String MINIMAL = """
            boxId: box-1
            broker:
              uri: tcp://127.0.0.1:1883
              password: secret
            """;

    @Test
    void readsEveryFieldOfAGoodFile() throws IOException {
        Files.writeString(dir.resolve("box.secret"), "s3cret\n");
        Path file = write("agent.yaml", """
                boxId: lead-01
                broker:
                  uri: tcp://controller.school.cn:1883
                  username: lead-user
                  passwordFile: box.secret
                  keepAliveS: 45
                model: SR-BOX-200
                firmwareVersion: "2.1.10"
                statusIntervalS: 15
                probeIntervalS: 3
                probeTimeoutMs: 1500
                dataDir: data
                probes:
                  mode: simulated
                network:
                  iface: eth1
                  targets:
                    - {name: controller, host: controller.school.cn, port: 1883}
                    - {name: stream, host: 10.1.2.3, port: 1935}
                simulation:
                  cameras:
                    - {id: cam-a, role: teacher, kind: onvif}
                    - {id: cam-b, role: wide}
                  microphones:
                    - {id: mic-a, role: teacher}
                    - {id: mic-b}
                  flakyMicrophone: {id: mic-b, periodS: 20}
                """);
        AgentConfig c = ConfigLoader.load(file);
        assertEquals("lead-01", c.boxId());
        assertEquals("tcp://controller.school.cn:1883", c.broker().uri());
        assertEquals("lead-user", c.username());
        assertEquals("s3cret", c.broker().password(), "password file read and trimmed, relative to the config file");
        assertEquals(45, c.broker().keepAliveS());
        assertEquals("SR-BOX-200", c.model());
        assertEquals("2.1.10", c.firmwareVersion());
        assertEquals(15, c.statusIntervalS());
        assertEquals(3, c.probeIntervalS());
        assertEquals(1500, c.probeTimeoutMs());
        assertEquals(dir.toAbsolutePath().resolve("data"), c.dataDir());
        assertEquals(AgentConfig.ProbeMode.SIMULATED, c.probes().mode());
        assertEquals("eth1", c.network().iface());
        assertEquals(List.of(new AgentConfig.Target("controller", "controller.school.cn", 1883),
                new AgentConfig.Target("stream", "10.1.2.3", 1935)), c.network().targets());
        assertEquals(List.of(new AgentConfig.Camera("cam-a", CameraRole.TEACHER, CameraKind.ONVIF),
                new AgentConfig.Camera("cam-b", CameraRole.WIDE, CameraKind.USB)), c.simulation().cameras());
        assertEquals("room", c.simulation().microphones().get(1).role());
        assertEquals(new AgentConfig.FlakyMicrophone("mic-b", 20), c.simulation().flakyMicrophone());
        assertFalse(c.toString().contains("s3cret"), "toString never shows the password: " + c);
    }

    @Test
    void fillsDefaults() throws IOException {
        AgentConfig c = ConfigLoader.load(write("agent.yaml", MINIMAL));
        assertEquals("box-1", c.username(), "username defaults to the box id");
        assertEquals(30, c.broker().keepAliveS());
        assertEquals(60, c.heartbeatS(), "report by exception: a status at least once a minute");
        assertEquals(ReportRules.DEFAULT, c.report());
        assertEquals(2, c.probeIntervalS());
        assertEquals(2000, c.probeTimeoutMs());
        assertEquals(AgentConfig.ProbeMode.REAL, c.probes().mode(), "a box's own file probes the real box");
        assertNull(c.network().iface());
        assertEquals(List.of(new AgentConfig.Target("broker", "127.0.0.1", 1883)), c.probeTargets(),
                "without targets the broker itself is probed");
    }

    @Test
    void flagsOverrideTheFile() throws IOException {
        Files.writeString(dir.resolve("pw"), "from-file");
        Path file = write("agent.yaml", """
                boxId: box-1
                broker: {uri: "tcp://127.0.0.1:1883", passwordFile: pw}
                statusIntervalS: 10
                """);
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("boxId", "box-2");
        flags.put("broker.uri", "tcp://10.0.0.9:1884");
        flags.put("broker.password", "from-flag");
        flags.put("statusIntervalS", 5);
        flags.put("probes.mode", "simulated");
        AgentConfig c = ConfigLoader.load(file, flags);
        assertEquals("box-2", c.boxId());
        assertEquals("tcp://10.0.0.9:1884", c.broker().uri());
        assertEquals("from-flag", c.broker().password(), "a password flag replaces the file's passwordFile");
        assertEquals(5, c.statusIntervalS());
        assertEquals(AgentConfig.ProbeMode.SIMULATED, c.probes().mode());
    }

    @Test
    void flagsAloneAreEnough() {
        AgentConfig c = ConfigLoader.load(null, Map.of("boxId", "b", "broker.uri", "tcp://h:1", "broker.password", "p"));
        assertEquals("b", c.boxId());
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("unknown field", MINIMAL + "brokr: x\n",
                        "agent.yaml: field 'brokr' is not a known field; known here: boxId, broker"),
                Arguments.of("unknown nested field", MINIMAL.replace("password: secret", "password: secret\n  keepalive: 3"),
                        "field 'broker.keepalive' is not a known field; known here: uri, username, password, passwordFile, keepAliveS, caFile"),
                Arguments.of("wrong type", MINIMAL + "statusIntervalS: often\n",
                        "field 'statusIntervalS' must be a whole number, was 'often'"),
                Arguments.of("float as text", MINIMAL + "firmwareVersion: 1.10\n",
                        "field 'firmwareVersion' must be text; put it in quotes"),
                Arguments.of("missing boxId", MINIMAL.replace("boxId: box-1\n", ""), "field 'boxId' is missing"),
                Arguments.of("bad boxId", MINIMAL.replace("box-1", "\"box 1\""), "field 'boxId' must match [A-Za-z0-9_-]{1,64}"),
                Arguments.of("missing broker", "boxId: b\n", "field 'broker' is missing"),
                Arguments.of("broker not a mapping", "boxId: b\nbroker: [a, b]\n", "field 'broker' must be a mapping of fields"),
                Arguments.of("missing uri", MINIMAL.replace("  uri: tcp://127.0.0.1:1883\n", ""), "field 'broker.uri' is missing"),
                Arguments.of("bad uri", MINIMAL.replace("tcp://127.0.0.1:1883", "http://h/x"), "field 'broker.uri' must look like ssl://host:8883"),
                Arguments.of("missing CA file", MINIMAL.replace("tcp://127.0.0.1:1883", "ssl://127.0.0.1:8883")
                        .replace("password: secret", "password: secret\n  caFile: nope.pem"), "field 'broker.caFile' /"),
                Arguments.of("CA file with plain MQTT", MINIMAL.replace("password: secret", "password: secret\n  caFile: nope.pem"),
                        "field 'broker.caFile' is set but broker.uri is plain tcp://"),
                Arguments.of("CA file with plain MQTT and plain HTTP", MINIMAL.replace("password: secret", "password: secret\n  caFile: nope.pem")
                        + "controller: {url: \"http://127.0.0.1:8080\"}\n", "field 'broker.caFile' is set but broker.uri is plain tcp://"),
                Arguments.of("missing password", MINIMAL.replace("  password: secret\n", ""),
                        "field 'broker.password' is missing: set broker.password or broker.passwordFile"),
                Arguments.of("two passwords", MINIMAL.replace("password: secret", "password: secret\n  passwordFile: pw"),
                        "field 'broker.passwordFile' cannot be set together with broker.password"),
                Arguments.of("missing password file", MINIMAL.replace("password: secret", "passwordFile: nope"),
                        "field 'broker.passwordFile' cannot be read"),
                Arguments.of("interval too small", MINIMAL + "statusIntervalS: 0\n",
                        "field 'statusIntervalS' must be between 1 and 3600, was 0"),
                Arguments.of("interval too large", MINIMAL + "probeIntervalS: 7200\n",
                        "field 'probeIntervalS' must be between 1 and 3600, was 7200"),
                Arguments.of("timeout too small", MINIMAL + "probeTimeoutMs: 5\n",
                        "field 'probeTimeoutMs' must be between 100 and 60000, was 5"),
                Arguments.of("keep-alive", MINIMAL.replace("password: secret", "password: secret\n  keepAliveS: 1"),
                        "field 'broker.keepAliveS' must be between 5 and 3600, was 1"),
                Arguments.of("probe mode", MINIMAL + "probes: {mode: fake}\n", "field 'probes.mode' must be one of real|simulated, was 'fake'"),
                Arguments.of("target port", MINIMAL + "network: {targets: [{name: a, host: h, port: 70000}]}\n",
                        "field 'network.targets[0].port' must be between 1 and 65535, was 70000"),
                Arguments.of("target without host", MINIMAL + "network: {targets: [{name: a, host: h, port: 1}, {name: b, port: 2}]}\n",
                        "field 'network.targets[1].host' is missing"),
                Arguments.of("targets not a list", MINIMAL + "network: {targets: {name: a}}\n",
                        "field 'network.targets' must be a list"),
                Arguments.of("camera role", MINIMAL + "simulation: {cameras: [{id: a}, {id: b, role: janitor}]}\n",
                        "field 'simulation.cameras[1].role' must be one of teacher|student|blackboard|wide|other, was 'janitor'"),
                Arguments.of("duplicate camera", MINIMAL + "simulation: {cameras: [{id: a}, {id: a}]}\n",
                        "field 'simulation.cameras' has two entries with id 'a'"),
                Arguments.of("flaky microphone unknown", MINIMAL + "simulation: {flakyMicrophone: {id: nope, periodS: 10}}\n",
                        "field 'simulation.flakyMicrophone.id' 'nope' is not one of simulation.microphones [mic-teacher, mic-room]"),
                Arguments.of("flaky period", MINIMAL + "simulation: {flakyMicrophone: {id: mic-room, periodS: 1}}\n",
                        "field 'simulation.flakyMicrophone.periodS' must be between 3 and 3600, was 1"),
                Arguments.of("fault name", MINIMAL + "simulation: {faults: {rtt: 250}}\n",
                        "field 'simulation.faults.rtt' is not a fault; known: reset, cameras, microphones, networkDown"),
                Arguments.of("fault value", MINIMAL + "simulation: {faults: {lossPct: 200, rttMs: 0}}\n",
                        "field 'simulation.faults.lossPct' must be a number from 0 to 100 % (or null to clear), was 200 (and 1 more"),
                Arguments.of("fault device", MINIMAL + "simulation: {faults: {cameras: {cam-wide: absent}}}\n",
                        "field 'simulation.faults.cameras.cam-wide' is not one of simulation.cameras [cam-teacher, cam-student, cam-blackboard]"),
                Arguments.of("fault hang", MINIMAL + "simulation: {faults: {hangS: 30}}\n",
                        "field 'simulation.faults.hangS' is a command, not a starting fault"),
                Arguments.of("duplicate key", MINIMAL + "boxId: again\n", "agent.yaml: is not valid YAML (line"),
                Arguments.of("not YAML", "boxId: [unclosed\n", "agent.yaml: is not valid YAML (line"),
                Arguments.of("not a mapping", "- a\n- b\n", "agent.yaml: must be a YAML mapping"));
    }

    @Test
    void aPlainExternalBrokerKeepsTheCaForTheControllersHttps() throws IOException {
        // What enrollment writes when the controller names a plain external broker (several nodes behind Mosquitto).
        AgentConfig c = ConfigLoader.load(write("agent.yaml", MINIMAL.replace("password: secret", "password: secret\n  caFile: ca.pem")
                + "controller: {url: \"https://controller.bureau.cn:8443\"}\n"));
        assertEquals("tcp://127.0.0.1:1883", c.broker().uri());
        assertEquals(dir.resolve("ca.pem"), c.broker().caFile());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badInputGivesAClearErrorNamingFileAndField(String name, String yaml, String expected) throws IOException {
        Files.writeString(dir.resolve("pw"), "x");
        Path file = write("agent.yaml", yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": ") || e.getMessage().startsWith(file + ":"),
                "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void aBadFlagIsBlamedOnTheCommandLine() throws IOException {
        Path file = write("agent.yaml", MINIMAL);
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of("statusIntervalS", 0)));
        assertEquals("command line: field 'statusIntervalS' must be between 1 and 3600, was 0", e.getMessage());
        assertEquals("statusIntervalS", e.field());
    }

    @Test
    void moreSimulatedDevicesThanAStatusCarriesAreRefused() throws IOException {
        StringBuilder cams = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            cams.append(i == 0 ? "" : ", ").append("{id: cam-").append(i).append("}");
        }
        Path file = write("agent.yaml", "boxId: box-1\nbroker: {uri: \"tcp://127.0.0.1:1883\", password: x}\n"
                + "simulation:\n  cameras: [" + cams + "]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().endsWith("field 'simulation.cameras' lists 17 devices; a status reports at most 16"), e.getMessage());
    }

    @Test
    void aMissingFileSaysSo() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")));
        assertEquals(dir.resolve("nope.yaml") + ": file not found", e.getMessage());
    }

    @Test
    void fleetMergesDefaultsUnderEachAgent() throws IOException {
        Path file = write("fleet.yaml", """
                defaults:
                  broker: {uri: "tcp://127.0.0.1:1883", password: demo}
                  statusIntervalS: 5
                  model: SR-A
                  simulation:
                    cameras: [{id: cam-1, role: teacher}]
                    faults: {rttMs: 250}
                agents:
                  - boxId: lead-01
                  - boxId: remote-01
                    model: SR-B
                    broker: {password: other}
                    simulation:
                      microphones: [{id: mic-x}]
                      flakyMicrophone: {id: mic-x, periodS: 30}
                      faults:
                        cameras: {cam-1: frozen}
                        microphones: {mic-x: clipping}
                        uplinkKbps: 200
                        clockOffsetMs: -3000
                        stream: unreachable
                """);
        List<AgentConfig> fleet = ConfigLoader.loadFleet(file, Map.of("probeIntervalS", 1));
        assertEquals(2, fleet.size());
        AgentConfig lead = fleet.get(0);
        AgentConfig remote = fleet.get(1);
        assertEquals("lead-01", lead.boxId());
        assertEquals("lead-01", lead.username());
        assertEquals("SR-A", lead.model());
        assertEquals(5, lead.statusIntervalS());
        assertEquals(1, lead.probeIntervalS(), "flags apply to every agent");
        assertEquals(AgentConfig.ProbeMode.SIMULATED, lead.probes().mode(), "fleet agents are simulated by default");
        assertEquals("demo", lead.broker().password());
        assertEquals("SR-B", remote.model());
        assertEquals("other", remote.broker().password(), "maps merge: the entry's password wins");
        assertEquals("tcp://127.0.0.1:1883", remote.broker().uri(), "maps merge: the default uri stays");
        assertEquals(List.of("cam-1"), remote.simulation().cameras().stream().map(AgentConfig.Camera::id).toList());
        assertEquals(List.of("mic-x"), remote.simulation().microphones().stream().map(AgentConfig.Microphone::id).toList());
        assertEquals(FaultSet.NONE.withNetwork(false, null, 250.0, null, null), lead.simulation().faults());
        assertEquals(FaultSet.NONE.withCamera("cam-1", FaultSet.CameraFault.FROZEN)
                .withMicrophone("mic-x", FaultSet.MicrophoneFault.CLIPPING)
                .withNetwork(false, 200, 250.0, null, null).withClockOffsetMs(-3000L)
                .withStream(FaultSet.StreamFault.UNREACHABLE), remote.simulation().faults(), "faults merge field by field too");
    }

    @Test
    void fleetErrorsNameTheEntry() throws IOException {
        Path file = write("fleet.yaml", """
                defaults: {broker: {uri: "tcp://127.0.0.1:1883", password: demo}}
                agents:
                  - boxId: a
                  - boxId: b
                    statusIntervalS: 0
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFleet(file, Map.of()));
        assertEquals(file + ": field 'agents[1].statusIntervalS' must be between 1 and 3600, was 0", e.getMessage());

        Path dup = write("dup.yaml", """
                defaults: {broker: {uri: "tcp://127.0.0.1:1883", password: demo}}
                agents: [{boxId: a}, {boxId: a}]
                """);
        e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFleet(dup, Map.of()));
        assertTrue(e.getMessage().contains("field 'agents[1].boxId' repeats box 'a'"), e.getMessage());

        Path unknown = write("unknown.yaml", "agent: []\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFleet(unknown, Map.of()));
        assertTrue(e.getMessage().contains("field 'agent' is not a known field; known here: defaults, agents"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFleet(file, Map.of("boxId", "x")));
        assertTrue(e.getMessage().startsWith("command line: field 'boxId'"), e.getMessage());
    }

    @Test
    void theShippedExamplesLoad() {
        // Surefire runs in the module folder, where the examples live.
        AgentConfig agent = ConfigLoader.load(Path.of("agent.example.yaml"));
        assertEquals("lead-01", agent.boxId());
        assertEquals(AgentConfig.ProbeMode.REAL, agent.probes().mode());
        List<AgentConfig> fleet = ConfigLoader.loadFleet(Path.of("fleet.example.yaml"), Map.of());
        assertEquals(List.of("lead-01", "remote-01", "remote-02", "remote-03"), fleet.stream().map(AgentConfig::boxId).toList());
        assertEquals(4, fleet.get(0).simulation().cameras().size());
        assertEquals("remote-03-secret", fleet.get(3).broker().password());
        assertEquals("demo", fleet.get(2).broker().password());
        assertEquals(FaultSet.CameraFault.FROZEN, fleet.get(1).simulation().faults().cameras().get("cam-student"));
        assertTrue(fleet.get(0).simulation().faults().healthy());
    }

    @Test
    void outboxBoundsAreReadWithDefaultsAndCheckedNamingTheField() throws IOException {
        String head = "boxId: b1\nbroker: {uri: tcp://127.0.0.1:1883, password: pw}\n";
        assertEquals(new AgentConfig.Outbox(50, 168), ConfigLoader.load(write("none.yaml", head)).outbox());
        assertEquals(new AgentConfig.Outbox(5, 24), ConfigLoader.load(write("set.yaml", head + "outbox: {maxMb: 5, maxAgeHours: 24}\n")).outbox());
        assertEquals(new AgentConfig.Outbox(50, 168), ConfigLoader.load(Path.of("agent.example.yaml")).outbox());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("bad.yaml", head + "outbox: {maxMb: 0}\n")));
        assertTrue(e.getMessage().contains("outbox.maxMb"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("typo.yaml", head + "outbox: {maxAgeDays: 3}\n")));
        assertTrue(e.getMessage().contains("maxAgeDays"), e.getMessage());
    }

    @Test
    void controllerKeysAndApplyHookAreReadAndCheckedNamingTheField() throws IOException {
        String key = "11qYAYKxCrfVS/7TycmQcDruEe/fqmMjrwIaaPcHURo=";
        Path file = write("keys.yaml", "boxId: b1\nbroker: {uri: tcp://127.0.0.1:1883, password: pw}\n"
                + "controllerKeys: [\"" + key + "\"]\napplyHook: hooks/apply\n");
        AgentConfig c = ConfigLoader.load(file);
        assertEquals(List.of(key), c.configApply().controllerKeys());
        assertEquals(dir.resolve("hooks/apply"), c.configApply().applyHook());
        assertEquals(List.of(key), ConfigLoader.load(write("one.yaml", "boxId: b1\nbroker: {uri: tcp://127.0.0.1:1883, password: pw}\n"
                + "controllerKeys: \"" + key + "\"\n")).configApply().controllerKeys(), "a single key is a list of one");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("bad.yaml",
                "boxId: b1\nbroker: {uri: tcp://127.0.0.1:1883, password: pw}\ncontrollerKeys: [\"" + key + "\", \"abc\"]\n")));
        assertTrue(e.getMessage().contains("controllerKeys[1]"), e.getMessage());
        assertTrue(ConfigLoader.load(Path.of("agent.example.yaml")).configApply().controllerKeys().isEmpty());
    }

    @Test
    void theHeartbeatHasANewNameTheOldOneStillWorksAndAFlagReplacesEither() throws IOException {
        assertEquals(5, ConfigLoader.load(write("old.yaml", MINIMAL + "statusIntervalS: 5\n")).heartbeatS(),
                "an old agent.yaml's interval is its heartbeat");
        assertEquals(90, ConfigLoader.load(write("new.yaml", MINIMAL + "heartbeatS: 90\n")).heartbeatS());
        assertEquals(90, ConfigLoader.load(write("both.yaml", MINIMAL + "heartbeatS: 90\nstatusIntervalS: 90\n")).heartbeatS());
        Path both = write("both.yaml", MINIMAL + "heartbeatS: 90\nstatusIntervalS: 10\n");
        ConfigException clash = assertThrows(ConfigException.class, () -> ConfigLoader.load(both));
        assertEquals(both + ": field 'heartbeatS' is 90 but statusIntervalS, its old name, is 10; give only heartbeatS",
                clash.getMessage());
        assertEquals(7, ConfigLoader.load(both, Map.of("heartbeatS", 7)).heartbeatS(), "--heartbeat replaces both");
        for (String bad : List.of("heartbeatS: 0\n", "heartbeatS: 3601\n", "heartbeatS: soon\n", "heartbeatS: -1\n")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("bad.yaml", MINIMAL + bad)), bad);
            assertEquals("heartbeatS", e.field(), e.getMessage());
        }
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(write("bad.yaml", MINIMAL + "heartbeatS: 0\n")))
                .getMessage().endsWith("field 'heartbeatS' must be between 1 and 3600, was 0"));
    }

    @Test
    void reportRulesComeFromAgentYamlOverTheDefaults() throws IOException {
        AgentConfig c = ConfigLoader.load(write("rules.yaml", MINIMAL + """
                report:
                  numbers:
                    rttMs: {changePct: 30, minDelta: 15}
                    diskFreeMb: {limits: [2048, 512]}
                """));
        assertEquals(new ReportRules.NumberRule(30, 15, List.of(150.0, 400.0)), c.report().rule(ReportRules.Metric.RTT_MS));
        assertEquals(List.of(2048.0, 512.0), c.report().rule(ReportRules.Metric.DISK_FREE_MB).limits());
        assertEquals(ReportRules.DEFAULT.rule(ReportRules.Metric.LOSS_PCT), c.report().rule(ReportRules.Metric.LOSS_PCT));
        Path bad = write("bad-rules.yaml", MINIMAL + "report: {numbers: {cpuPct: {changePct: 10}}}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(bad));
        assertEquals("report.numbers.cpuPct", e.field());
        assertTrue(e.getMessage().startsWith(bad + ": field 'report.numbers.cpuPct' is not a known number"), e.getMessage());
    }

    @Test
    void theExamplesReportRulesAreTheDefaults() throws IOException {
        AgentConfig c = ConfigLoader.load(ExampleConfigs.withPlaceholdersUncommented(dir));
        assertEquals(ReportRules.DEFAULT, c.report(), "agent.example.yaml documents the defaults the code uses");
        assertEquals(60, c.heartbeatS());
    }

    @Test
    void builderHasTheDefaultsOfASimulatedClassroom() {
        AgentConfig c = AgentConfig.builder("box-9", "tcp://127.0.0.1:1883", "pw").build();
        assertEquals(AgentConfig.ProbeMode.SIMULATED, c.probes().mode());
        assertEquals(List.of(CameraRole.TEACHER, CameraRole.STUDENT, CameraRole.BLACKBOARD),
                c.simulation().cameras().stream().map(AgentConfig.Camera::role).toList());
        assertEquals(2, c.simulation().microphones().size());
        assertEquals(10, c.statusIntervalS());
        AgentConfig changed = c.toBuilder().statusIntervalS(3).flakyMicrophone("mic-room", 9).build();
        assertEquals(3, changed.statusIntervalS());
        assertEquals("box-9", changed.boxId());
        assertThrows(ConfigException.class, () -> c.toBuilder().password(null).build());
        assertThrows(ConfigException.class, () -> c.toBuilder().statusIntervalS(0).build());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
