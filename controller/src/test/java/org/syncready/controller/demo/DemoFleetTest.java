package org.syncready.controller.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxRegistration;

/** Every piece of demo state lives under --data: a fresh data folder must mean fresh demo boxes too. */
class DemoFleetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void eachDemoAgentKeepsItsStateInsideTheDemoFolder() throws Exception {
        Path demo = data.resolve("demo");
        Files.createDirectories(demo);
        Path fleet = demo.resolve("fleet.yaml");
        DemoFleet.writeFleetFile(fleet, List.of(
                new BoxRegistration(new Box("box-a", "room-a", "generic-recorder-a", 1), "secret-a"),
                new BoxRegistration(new Box("box-b", "room-b", "generic-recorder-b", 1), "secret-b")),
                "tcp://127.0.0.1:1883", List.of("key"));
        for (JsonNode agent : JSON.readTree(fleet.toFile()).path("agents")) {
            String dir = agent.path("dataDir").asText();
            assertEquals("agents/" + agent.path("boxId").asText(), dir);
            // The agent resolves a relative dataDir against the fleet file's folder.
            Path resolved = fleet.getParent().resolve(dir).normalize();
            assertTrue(resolved.startsWith(data), resolved + " is outside --data " + data);
        }
    }

    @Test
    void aFleetFileOfAnEarlierVersionGetsItsAgentsStateFoldersAdded() throws Exception {
        Path fleet = data.resolve("fleet.yaml");
        ObjectNode root = JSON.createObjectNode();
        ObjectNode old = root.putArray("agents").addObject().put("boxId", "box-old");
        old.putObject("broker").put("uri", "tcp://127.0.0.1:1").put("password", "p");
        Files.writeString(fleet, JSON.writeValueAsString(root));
        DemoFleet.rewriteBrokerUri(fleet, "tcp://127.0.0.1:2", List.of("key"));
        JsonNode agent = JSON.readTree(fleet.toFile()).path("agents").get(0);
        assertEquals("agents/box-old", agent.path("dataDir").asText());
        assertEquals("tcp://127.0.0.1:2", agent.path("broker").path("uri").asText());
    }
}
