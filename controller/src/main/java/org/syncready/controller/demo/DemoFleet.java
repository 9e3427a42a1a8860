package org.syncready.controller.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.controller.fleet.FleetRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the demo's twelve boxes as real agents with simulated probes, in one child JVM (the agent jar's
 * fleet mode), so the controller depends on the agent only at run time and only for the demo.
 */
public final class DemoFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoFleet.class);
    /** The demo box whose microphone goes silent now and then. */
    static final String FLAKY_BOX = "box-shanbei-g4";

    private final Process process;
    private final boolean seeded;

    private DemoFleet(Process process, boolean seeded) {
        this.process = process;
        this.seeded = seeded;
    }

    /** Whether this start created the demo bureau (then it still needs its first configuration). */
    public boolean seeded() {
        return seeded;
    }

    /** Rollout requests that give every demo box its school's catalogue profile. */
    public static List<com.fasterxml.jackson.databind.JsonNode> initialRollouts(ObjectMapper json) {
        return DemoBureau.initialRollouts(json);
    }

    /**
     * @param controllerKeys the controller's config-signing keys, pinned by every demo agent
     */
    public static DemoFleet start(FleetRegistry registry, Path demoDir, String brokerUri, Path agentJar,
                                  List<String> controllerKeys) throws Exception {
        Files.createDirectories(demoDir);
        Path fleetFile = demoDir.resolve("fleet.yaml");
        boolean seeded = false;
        if (registry.schools().isEmpty()) {
            List<BoxRegistration> boxes = DemoBureau.seed(registry);
            writeFleetFile(fleetFile, boxes, brokerUri, controllerKeys);
            seeded = true;
            log.info("demo bureau created: {} schools, {} boxes; fleet file {}", DemoBureau.SCHOOLS.size(), boxes.size(), fleetFile);
        } else if (!Files.exists(fleetFile)) {
            throw new IllegalStateException("the data folder has a fleet but no demo fleet file " + fleetFile
                    + "; start the demo with a fresh --data folder");
        } else {
            rewriteBrokerUri(fleetFile, brokerUri, controllerKeys);
        }
        Path jar = findAgentJar(agentJar);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path logFile = demoDir.resolve("agents.log");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx96m", "-XX:+UseSerialGC", "-jar", jar.toString(),
                "--fleet", fleetFile.toAbsolutePath().toString())
                // Whatever the agents write relative to their working folder stays under --data too.
                .directory(demoDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process process = pb.start();
        log.info("demo fleet started: 12 simulated agents (pid {}), log {}", process.pid(), logFile);
        return new DemoFleet(process, seeded);
    }

    /**
     * Each demo agent's state folder (applied configuration, outbox), relative to the fleet file and so
     * inside the demo folder under {@code --data}: a fresh data folder is a fresh fleet, boxes included.
     */
    static String agentDataDir(String boxId) {
        return "agents/" + boxId;
    }

    static void writeFleetFile(Path fleetFile, List<BoxRegistration> boxes, String brokerUri, List<String> keys) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ArrayNode agents = root.putArray("agents");
        for (BoxRegistration r : boxes) {
            ObjectNode agent = agents.addObject();
            agent.put("boxId", r.box().id());
            agent.putObject("broker").put("uri", brokerUri).put("username", r.box().id()).put("password", r.secret());
            agent.put("model", r.box().model());
            agent.put("firmwareVersion", "demo-1.0");
            agent.put("statusIntervalS", 10);
            agent.put("dataDir", agentDataDir(r.box().id()));
            agent.putObject("probes").put("mode", "simulated");
            ArrayNode pinned = agent.putArray("controllerKeys");
            keys.forEach(pinned::add);
            ObjectNode sim = agent.putObject("simulation");
            if (r.box().model().equals("generic-recorder-a")) {
                // The devices of generic-recorder-a/standard-1080p, so its health check finds every camera.
                ArrayNode cams = sim.putArray("cameras");
                cams.addObject().put("id", "cam-teacher").put("role", "teacher").put("kind", "rtsp");
                cams.addObject().put("id", "cam-student").put("role", "student").put("kind", "rtsp");
                cams.addObject().put("id", "cam-board").put("role", "blackboard").put("kind", "rtsp");
                cams.addObject().put("id", "cam-wide").put("role", "wide").put("kind", "usb");
                ArrayNode mics = sim.putArray("microphones");
                mics.addObject().put("id", "mic-front").put("role", "teacher");
                mics.addObject().put("id", "mic-rear").put("role", "student");
            }
            if (r.box().id().equals(FLAKY_BOX)) {
                sim.putObject("flakyMicrophone").put("id", "mic-room").put("periodS", 60);
            }
            // The faults the box starts with (docs/SIMULATION.md): edit them here and restart the demo, or
            // switch them at run time with POST /api/v1/boxes/{id}/simulate.
            sim.putObject("faults");
        }
        // YAML is a superset of JSON, so the agent reads this file as YAML.
        Path tmp = fleetFile.resolveSibling(fleetFile.getFileName() + ".tmp");
        Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system; the secrets are demo secrets anyway.
        }
        Files.move(tmp, fleetFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The broker port may differ between runs (--mqtt-port 0); the keys after a key rotation. */
    static void rewriteBrokerUri(Path fleetFile, String brokerUri, List<String> keys) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(fleetFile.toFile());
        root.withArray("agents").forEach(a -> {
            ((ObjectNode) a.get("broker")).put("uri", brokerUri);
            // Fleet files of earlier versions left the agents' state in the working folder.
            if (!a.hasNonNull("dataDir")) {
                ((ObjectNode) a).put("dataDir", agentDataDir(a.path("boxId").asText()));
            }
            ArrayNode pinned = ((ObjectNode) a).putArray("controllerKeys");
            keys.forEach(pinned::add);
        });
        Files.writeString(fleetFile, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    static Path findAgentJar(Path configured) {
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(configured);
        }
        try {
            Path self = Path.of(DemoFleet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(self) ? self : self.getParent();
            candidates.add(dir.resolve("syncready-agent.jar"));
            candidates.add(dir.resolve("../../agent/target/syncready-agent.jar").normalize());
        } catch (Exception e) {
            log.debug("cannot locate own jar: {}", e.toString());
        }
        candidates.add(Path.of("agent/target/syncready-agent.jar"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("the demo needs the agent jar; build it with 'mvn -B package -DskipTests' "
                + "or pass --demo-agent-jar (looked in " + candidates + ")");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
