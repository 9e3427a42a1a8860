package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.EquipmentConfig;
import org.syncready.agent.equipment.ClassroomControllerServer;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.account.Role;
import org.syncready.controller.opcua.OpcUaTestClient;

/**
 * OPC UA at both ends of a real controller: a real agent (simulated probes) reads a classroom
 * controller over OPC UA (its equipment probe), reports over MQTT, and a SCADA client logged in as the
 * school's IT staff watches the box through the controller's OPC UA server: a camera broken with
 * {@code POST /simulate} shows in DeviceHealth within 2 s, the display switched off shows in the box's
 * Equipment, and RunSelfTest is answered by the agent itself.
 */
class OpcUaEndToEndTest {
    private static final String PASSWORD = "it-county-password";
    @TempDir
    Path data;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Controller controller;
    private Agent agent;
    private ClassroomControllerServer classroom;
    private String token;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.stop();
        }
        if (controller != null) {
            controller.close();
        }
        if (classroom != null) {
            classroom.close();
        }
    }

    @Test
    void aScadaClientSeesTheBoxTheAgentAndItsClassroomEquipmentLive() throws Exception {
        classroom = ClassroomControllerServer.start();
        controller = Controller.start(ControllerConfig.builder(data).freePorts().allowSimulation(true).build());
        token = controller.accounts().createToken("admin", "integration test", null, "admin").secret();
        post("/api/v1/schools", "{\"id\":\"county-1\",\"nameZh\":\"县一小\",\"nameEn\":\"County No.1\"}");
        post("/api/v1/classrooms", "{\"id\":\"room-1\",\"schoolId\":\"county-1\",\"nameZh\":\"三年级1班\",\"nameEn\":\"Grade 3 Class 1\"}");
        String secret = json.readTree(post("/api/v1/boxes", "{\"id\":\"box-1\",\"classroomId\":\"room-1\",\"model\":\"generic-recorder-a\"}")
                .body()).path("mqtt").path("password").asText();
        controller.accounts().createUser("it-county", Role.SCHOOL_IT, Set.of("county-1"), "县一小信息中心", PASSWORD);

        EquipmentConfig equipment = new EquipmentConfig(1000, List.of(new EquipmentConfig.Server(classroom.endpoint(),
                EquipmentConfig.Security.NONE, null, null, null, null,
                List.of(new EquipmentConfig.Item("display", "display-power", classroom.node("Display.Power"), true, null, null, null)))));
        agent = Agent.start(AgentConfig.builder("box-1", controller.brokerUri(), secret).keepAliveS(5).probeIntervalS(1)
                .statusIntervalS(30).dataDir(data.resolve("agent")).equipment(equipment).build(), code -> { });
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/boxes/box-1").path("status").path("equipment").path(0)
                .path("state").asText().equals("ok"));

        OpcUaTestClient scada = OpcUaTestClient.create();
        scada.trustOn(data);
        OpcUaClient client = scada.connect(controller.opcua().endpointUrls().get(0), SecurityPolicy.Basic256Sha256, data,
                "it-county", PASSWORD);
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(client);
            assertEquals(List.of("box-1"), OpcUaTestClient.names(OpcUaTestClient.browse(client, new NodeId(ns, "DeviceSet"))));
            assertEquals(List.of("display"), OpcUaTestClient.names(OpcUaTestClient.browse(client, new NodeId(ns, "DeviceSet/box-1/Equipment"))));

            List<DataValue> health = new CopyOnWriteArrayList<>();
            List<DataValue> display = new CopyOnWriteArrayList<>();
            OpcUaSubscription subscription = new OpcUaSubscription(client, 200.0);
            subscription.create();
            OpcUaMonitoredItem healthItem = OpcUaMonitoredItem.newDataItem(new NodeId(ns, "DeviceSet/box-1/DeviceHealth"));
            healthItem.setSamplingInterval(200);
            healthItem.setDataValueListener((item, v) -> health.add(v));
            OpcUaMonitoredItem displayItem = OpcUaMonitoredItem.newDataItem(new NodeId(ns, "DeviceSet/box-1/Equipment/display/State"));
            displayItem.setSamplingInterval(200);
            displayItem.setDataValueListener((item, v) -> display.add(v));
            subscription.addMonitoredItems(List.of(healthItem, displayItem));
            subscription.synchronizeMonitoredItems();
            await().atMost(Duration.ofSeconds(5)).until(() -> !health.isEmpty() && !display.isEmpty());
            assertEquals("ok", last(display));

            // A camera breaks: the box publishes its status before the API answers; OPC UA shows it within 2 s.
            HttpResponse<String> broke = post("/api/v1/boxes/box-1/simulate", "{\"cameras\": {\"cam-teacher\": \"frozen\"}}");
            assertEquals(200, broke.statusCode(), broke.body());
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() -> Integer.valueOf(1).equals(last(health)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String[] problems = (String[]) client.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(new NodeId(ns, "DeviceSet/box-1/Problems"))).get(0).value().value();
            assertTrue(List.of(problems).contains("CAMERA_FAULT cam-teacher"), List.of(problems) + " after " + ms + " ms");

            // The classroom's display is switched off: the agent reads it, the SCADA sees it.
            classroom.set("Display.Power", Variant.ofBoolean(false));
            await().atMost(Duration.ofSeconds(10)).until(() -> "out-of-range".equals(last(display)));
            assertEquals(false, client.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(new NodeId(ns, "DeviceSet/box-1/Equipment/display/Value"))).get(0).value().value());

            CallMethodResult selfTest = client.call(List.of(new CallMethodRequest(new NodeId(ns, "DeviceSet/box-1"),
                    new NodeId(ns, "Types/ClassroomBoxType/RunSelfTest"), new Variant[0]))).getResults()[0];
            assertTrue(selfTest.getStatusCode().isGood(), selfTest.getStatusCode().toString());
            assertEquals(false, selfTest.getOutputArguments()[0].value(), "the agent's own answer: a camera is frozen");
            List<String> failed = List.of((String[]) selfTest.getOutputArguments()[1].value());
            assertTrue(failed.stream().anyMatch(f -> f.startsWith("camera cam-teacher")), failed.toString());
            assertTrue(failed.stream().anyMatch(f -> f.startsWith("equipment display")), failed.toString());
            JsonNode audit = json.readTree(get("/api/v1/audit?action=box.selftest").toString());
            assertTrue(audit.toString().contains("it-county"), audit.toString());
            subscription.delete();
        } finally {
            client.disconnect();
        }
    }

    private static Object last(List<DataValue> values) {
        return values.isEmpty() ? null : values.get(values.size() - 1).value().value();
    }

    private JsonNode get(String path) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }
}
