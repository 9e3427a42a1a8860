package org.syncready.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.syncready.agent.enroll.EnrollCommand;

/**
 * A box enrolled as a technician does it: an agent.yaml with simulated probes, quick reports and its
 * own data folder, then {@code syncready-agent enroll} with the code a controller made for it.
 */
final class BoxEnrollment {
    /** What {@code enroll} said and where the box's configuration is. */
    record Outcome(int exit, String out, String err, Path agentYaml) {
    }

    private BoxEnrollment() {
    }

    /** Enrolls {@code boxId} in {@code boxDir} (made if missing) with {@code code}, an enrollment-code answer. */
    static Outcome enroll(Path boxDir, JsonNode code, String boxId) throws IOException {
        Path agentYaml = Files.createDirectories(boxDir).resolve("agent.yaml");
        // What the box had before: simulated probes, quick reports, its own data folder.
        Files.writeString(agentYaml, """
                boxId: unenrolled
                broker: {uri: "tcp://127.0.0.1:1", password: change-me, keepAliveS: 5}
                model: SR-BOX-200
                heartbeatS: 2
                probeIntervalS: 1
                dataDir: data
                probes: {mode: simulated}
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new picocli.CommandLine(new EnrollCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(
                "--controller", code.path("controllerUrl").asText(), "--code", code.path("code").asText(),
                "--ca-fingerprint", code.path("caFingerprint").asText(), "--box-id", boxId, "--config", agentYaml.toString());
        return new Outcome(exit, out.toString(), err.toString(), agentYaml);
    }
}
