package org.syncready.agent.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EnrollmentTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theEnrollmentReplacesConnectionFieldsAndKeepsEverythingElse() throws Exception {
        ObjectNode existing = (ObjectNode) YAML.readTree("""
                boxId: old-id
                model: SR-BOX-200
                broker:
                  uri: tcp://127.0.0.1:1883
                  username: old-id
                  password: change-me
                  keepAliveS: 45
                controller:
                  url: http://127.0.0.1:8080
                  uplinkIntervalS: 600
                cameras:
                  - {id: cam-teacher, kind: usb, device: /dev/video0}
                """);
        JsonNode answer = JSON.readTree("""
                {"boxId": "box-7", "model": "SR-BOX-200",
                 "mqtt": {"uri": "ssl://ctl.example:8883", "password": "s3cret"},
                 "config": {"publicKeys": ["k1", "k2"]},
                 "controller": {"url": "https://ctl.example:8443", "echoPort": 7947}}
                """);
        ObjectNode merged = Enrollment.merge(existing, answer, "controller-ca.pem");

        assertEquals("box-7", merged.path("boxId").asText());
        JsonNode broker = merged.path("broker");
        assertEquals("ssl://ctl.example:8883", broker.path("uri").asText());
        assertEquals("box.secret", broker.path("passwordFile").asText());
        assertEquals("controller-ca.pem", broker.path("caFile").asText());
        assertFalse(broker.has("password"), "the secret lives in its own 0600 file");
        assertFalse(broker.has("username"), "the box id is the user name");
        assertEquals(45, broker.path("keepAliveS").asInt(), "the operator's own settings stay");
        assertEquals("https://ctl.example:8443", merged.path("controller").path("url").asText());
        assertEquals(7947, merged.path("controller").path("echoPort").asInt());
        assertEquals(600, merged.path("controller").path("uplinkIntervalS").asInt());
        assertEquals("cam-teacher", merged.path("cameras").get(0).path("id").asText());
        assertEquals("[\"k1\",\"k2\"]", merged.path("controllerKeys").toString());
        assertFalse(merged.toString().contains("s3cret"), "no secret in agent.yaml");
    }

    @Test
    void anUnreachableControllerAndPlainHttpOffThisMachineAreClearRefusals() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new EnrollCommand()).setErr(new PrintWriter(err));
        int code = cl.execute("--controller", "https://127.0.0.1:" + closed, "--code", "2345-6789",
                "--config", dir.resolve("agent.yaml").toString());
        assertEquals(EnrollCommand.REFUSED, code);
        assertTrue(err.toString().contains("cannot reach the controller at https://127.0.0.1:" + closed + ": connection refused"),
                err.toString());

        err.getBuffer().setLength(0);
        code = cl.execute("--controller", "http://192.0.2.10:8080", "--code", "2345-6789", "--config", dir.resolve("agent.yaml").toString());
        assertEquals(EnrollCommand.REFUSED, code);
        assertTrue(err.toString().contains("plain http:// only on this machine"), err.toString());

        err.getBuffer().setLength(0);
        code = cl.execute("--controller", "https://127.0.0.1:" + closed, "--code", "x", "--ca-fingerprint", "abc",
                "--config", dir.resolve("agent.yaml").toString());
        assertEquals(EnrollCommand.REFUSED, code);
        assertTrue(err.toString().contains("--ca-fingerprint: a SHA-256 fingerprint is 64 hex digits"), err.toString());
        assertFalse(dir.resolve("agent.yaml").toFile().exists(), "nothing written");
    }
}
