package org.syncready.controller.opcua;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.InMemoryFleetStore;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.ReasonCode;
import org.syncready.controller.readiness.SelftestOutcome;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Severity;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.schedule.InMemoryScheduleStore;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;

/**
 * The OPC UA server with Eclipse Milo's client over real TCP and real security (Basic256Sha256
 * SignAndEncrypt, user name tokens): browsing the fleet, reading a box, a camera fault seen by a
 * subscription within 2 s, both methods, a wrong password, and a school-IT user who sees only their
 * school. The fleet, schedule and accounts are in memory; the readiness and self-test answers are fakes.
 */
class FleetOpcUaServerTest {
    @TempDir
    static Path data;
    static OpcUaScene scene;
    static FleetRegistry registry;
    static LiveFleet fleet;
    static SyncSession session;
    static OpcUaTestClient scada;
    static String url;
    static List<String> audit;
    static AtomicInteger selfTests;

    @BeforeAll
    static void start() throws Exception {
        scene = OpcUaScene.start(data);
        registry = scene.registry;
        fleet = scene.fleet;
        session = scene.session;
        audit = scene.audit;
        selfTests = scene.selfTests;
        url = scene.server.endpointUrls().get(0);
        scada = OpcUaTestClient.create();
        scada.trustOn(data);
    }

    @AfterAll
    static void stop() {
        if (scene != null) {
            scene.close();
        }
    }

    private static void online(String box) {
        scene.online(box);
    }

    private static void report(String box, DeviceState teacherCamera) {
        scene.report(box, teacherCamera);
    }

    private OpcUaClient connect(String user) throws Exception {
        return scada.connect(url, SecurityPolicy.Basic256Sha256, data, user, "pw-" + user);
    }

    private static NodeId node(UShort ns, String path) {
        return new NodeId(ns, path);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void offersOnlySignedAndEncryptedEndpointsOffLoopbackInsecureModeAndKeepsItsKeyPrivate() throws Exception {
        List<EndpointDescription> endpoints = OpcUaTestClient.endpoints(url);
        assertEquals(Set.of(SecurityPolicy.Basic256Sha256.getUri(), SecurityPolicy.Aes128_Sha256_RsaOaep.getUri()),
                endpoints.stream().map(EndpointDescription::getSecurityPolicyUri).collect(java.util.stream.Collectors.toSet()));
        assertTrue(endpoints.stream().allMatch(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(data.resolve("opcua/server.p12")));
        assertTrue(Files.isDirectory(data.resolve("opcua/pki/trusted/certs")));
    }

    @Test
    void browsesTheFleetByDeviceSetAndBySchool() throws Exception {
        OpcUaClient client = connect("admin");
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(client);
            List<String> roots = OpcUaTestClient.names(OpcUaTestClient.browse(client, NodeIds.ObjectsFolder));
            assertTrue(roots.containsAll(List.of("DeviceSet", "Schools", "Sessions")), roots.toString());
            var boxes = OpcUaTestClient.browse(client, node(ns, "DeviceSet"));
            // (another test may have registered b-s2 by now)
            assertEquals(List.of("b-n1", "b-n2", "b-s1"), OpcUaTestClient.names(boxes).subList(0, 3));
            assertEquals("三年级1班", boxes.get(0).getDisplayName().text(), "a box is shown by its classroom's Chinese name");
            List<String> parts = OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "DeviceSet/b-n1")));
            assertTrue(parts.containsAll(List.of("DeviceHealth", "Online", "LastSeen", "Model", "SerialNumber", "SoftwareRevision",
                    "DeviceRevision", "Identification", "Cameras", "Microphones", "Network", "System", "Equipment", "RunSelfTest")), parts.toString());
            assertEquals(List.of("cam-teacher", "cam/student"),
                    OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "DeviceSet/b-n1/Cameras"))));
            assertEquals(List.of("north", "south"), OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "Schools"))));
            assertEquals(List.of("n-1", "n-2"), OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "Schools/north"))));
            var inRoom = OpcUaTestClient.browse(client, node(ns, "Schools/north/n-1"));
            assertEquals(List.of("b-n1"), OpcUaTestClient.names(inRoom));
            assertEquals(node(ns, "DeviceSet/b-n1"), inRoom.get(0).getNodeId().toNodeId(client.getNamespaceTable()).orElseThrow(),
                    "the Schools folder organizes the same box objects");
            assertEquals(List.of(session.id()), OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "Sessions/Today"))),
                    "tomorrow's session is not among today's");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void readsABoxItsHealthIdentificationAndDevices() throws Exception {
        OpcUaClient client = connect("admin");
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(client);
            List<DataValue> values = client.readValues(0.0, TimestampsToReturn.Both, List.of(
                    node(ns, "DeviceSet/b-n2/DeviceHealth"), node(ns, "DeviceSet/b-n2/Online"), node(ns, "DeviceSet/b-n2/Model"),
                    node(ns, "DeviceSet/b-n2/SerialNumber"), node(ns, "DeviceSet/b-n2/SoftwareRevision"),
                    node(ns, "DeviceSet/b-n2/Cameras/cam%2Fstudent/Fps"), node(ns, "DeviceSet/b-n2/Network/RttMs"),
                    node(ns, "DeviceSet/b-n2/System/DiskFreeMb"), node(ns, "DeviceSet/b-n2/Microphones/mic-room/LevelDbfs"),
                    node(ns, "DeviceSet/b-n2/Problems")));
            assertEquals(DeviceHealth.NORMAL.value, values.get(0).value().value());
            assertEquals(true, values.get(1).value().value());
            assertEquals("SR-BOX-200", values.get(2).value().value());
            assertEquals("b-n2", values.get(3).value().value());
            assertEquals("0.9.1", values.get(4).value().value());
            assertEquals(25.0, values.get(5).value().value());
            assertNotNull(values.get(5).sourceTime(), "a reported value carries when the status arrived");
            assertEquals(18.0, values.get(6).value().value());
            assertEquals(50_000L, values.get(7).value().value());
            assertEquals(-30.5, values.get(8).value().value());
            assertEquals(0, ((String[]) values.get(9).value().value()).length);
            DataValue unknown = client.readValues(0.0, TimestampsToReturn.Both, List.of(node(ns, "DeviceSet/no-such-box/Online"))).get(0);
            assertEquals(StatusCodes.Bad_NodeIdUnknown, unknown.statusCode().value());
            DataValue verdict = client.readValues(0.0, TimestampsToReturn.Both,
                    List.of(node(ns, "Sessions/Today/" + session.id() + "/Verdict"))).get(0);
            assertEquals("AT_RISK", verdict.value().value());
            String[] zh = (String[]) client.readValues(0.0, TimestampsToReturn.Both,
                    List.of(node(ns, "Sessions/Today/" + session.id() + "/ReasonsZh"))).get(0).value().value();
            assertEquals(List.of("s-1 MIC_SILENT: 麦克风 mic-room：无声。"), List.of(zh));
        } finally {
            client.disconnect();
        }
    }

    @Test
    void aSubscriptionSeesACameraFaultWithinTwoSeconds() throws Exception {
        OpcUaClient client = connect("admin");
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(client);
            OpcUaSubscription subscription = new OpcUaSubscription(client, 200.0);
            subscription.create();
            List<DataValue> health = new CopyOnWriteArrayList<>();
            List<DataValue> state = new CopyOnWriteArrayList<>();
            OpcUaMonitoredItem healthItem = OpcUaMonitoredItem.newDataItem(node(ns, "DeviceSet/b-n1/DeviceHealth"));
            healthItem.setSamplingInterval(200);
            healthItem.setDataValueListener((item, value) -> health.add(value));
            OpcUaMonitoredItem stateItem = OpcUaMonitoredItem.newDataItem(node(ns, "DeviceSet/b-n1/Cameras/cam-teacher/State"));
            stateItem.setSamplingInterval(200);
            stateItem.setDataValueListener((item, value) -> state.add(value));
            subscription.addMonitoredItems(List.of(healthItem, stateItem));
            subscription.synchronizeMonitoredItems();
            await().atMost(Duration.ofSeconds(5)).until(() -> !health.isEmpty() && !state.isEmpty());
            assertEquals(DeviceHealth.NORMAL.value, health.get(health.size() - 1).value().value());

            long t0 = System.nanoTime();
            report("b-n1", DeviceState.FAULT);
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Integer.valueOf(DeviceHealth.FAILURE.value).equals(health.get(health.size() - 1).value().value())
                            && "fault".equals(state.get(state.size() - 1).value().value()));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2_000, "seen after " + ms + " ms");
            String[] problems = (String[]) client.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(node(ns, "DeviceSet/b-n1/Problems"))).get(0).value().value();
            assertEquals(List.of("CAMERA_FAULT cam-teacher"), List.of(problems));
            subscription.delete();
        } finally {
            report("b-n1", DeviceState.OK);
            client.disconnect();
        }
    }

    @Test
    void runSelfTestAnswersWhatTheBoxSaidAndIsAuditedButNotForBureauStaff() throws Exception {
        OpcUaClient client = connect("admin");
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(client);
            NodeId method = node(ns, "Types/ClassroomBoxType/RunSelfTest");
            CallMethodResult r = client.call(List.of(new CallMethodRequest(node(ns, "DeviceSet/b-s1"), method, new Variant[0])))
                    .getResults()[0];
            assertTrue(r.getStatusCode().isGood(), r.getStatusCode().toString());
            assertEquals(false, r.getOutputArguments()[0].value());
            assertEquals(List.of("camera cam-teacher: picture frozen"), List.of((String[]) r.getOutputArguments()[1].value()));
            assertTrue(((String) r.getOutputArguments()[2].value()).contains("\"durationMs\":4200"));
            assertTrue(audit.contains("admin box.selftest box b-s1 failed"), audit.toString());
        } finally {
            client.disconnect();
        }
        OpcUaClient bureau = connect("bureau");
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(bureau);
            int before = selfTests.get();
            CallMethodResult r = bureau.call(List.of(new CallMethodRequest(node(ns, "DeviceSet/b-s1"),
                    node(ns, "Types/ClassroomBoxType/RunSelfTest"), new Variant[0]))).getResults()[0];
            assertEquals(StatusCodes.Bad_UserAccessDenied, r.getStatusCode().value());
            assertEquals(before, selfTests.get(), "nothing was sent to the box");
            assertEquals(DeviceHealth.NORMAL.value, bureau.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(node(ns, "DeviceSet/b-s1/DeviceHealth"))).get(0).value().value(), "bureau staff read every school");
        } finally {
            bureau.disconnect();
        }
    }

    @Test
    void checkSessionAnswersTheVerdictWithReasonsInBothLanguages() throws Exception {
        OpcUaClient client = connect("admin");
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(client);
            CallMethodResult r = client.call(List.of(new CallMethodRequest(node(ns, "Sessions/Today/" + session.id()),
                    node(ns, "Types/SyncSessionType/CheckSession"), new Variant[0]))).getResults()[0];
            assertTrue(r.getStatusCode().isGood(), r.getStatusCode().toString());
            assertEquals("AT_RISK", r.getOutputArguments()[0].value());
            assertEquals(List.of("s-1 MIC_SILENT: Microphone mic-room: silent."), List.of((String[]) r.getOutputArguments()[1].value()));
            assertEquals(List.of("s-1 MIC_SILENT: 麦克风 mic-room：无声。"), List.of((String[]) r.getOutputArguments()[2].value()));
            assertEquals("on-demand", client.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(node(ns, "Sessions/Today/" + session.id() + "/Trigger"))).get(0).value().value());
            CallMethodResult wrongObject = client.call(List.of(new CallMethodRequest(node(ns, "DeviceSet/b-n1"),
                    node(ns, "Types/SyncSessionType/CheckSession"), new Variant[0]))).getResults()[0];
            assertEquals(StatusCodes.Bad_MethodInvalid, wrongObject.getStatusCode().value());
        } finally {
            client.disconnect();
        }
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsRefused() throws Exception {
        UaException wrong = assertThrows(UaException.class,
                () -> scada.connect(url, SecurityPolicy.Basic256Sha256, data, "admin", "not-the-password"));
        assertEquals(StatusCodes.Bad_UserAccessDenied, wrong.getStatusCode().value(), wrong.toString());
        UaException unknown = assertThrows(UaException.class,
                () -> scada.connect(url, SecurityPolicy.Aes128_Sha256_RsaOaep, data, "nobody", "pw-nobody"));
        assertEquals(wrong.getStatusCode(), unknown.getStatusCode(), "an unknown user looks like a wrong password");
    }

    @Test
    void aSchoolItUserSeesOnlyTheirSchool() throws Exception {
        OpcUaClient client = connect("north-it");
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(client);
            assertEquals(List.of("b-n1", "b-n2"), OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "DeviceSet"))));
            assertEquals(List.of("north"), OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "Schools"))));
            assertEquals(List.of(session.id()), OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "Sessions/Today"))),
                    "a session with a classroom of theirs is theirs to see");
            List<DataValue> south = client.readValues(0.0, TimestampsToReturn.Both, List.of(node(ns, "DeviceSet/b-s1/DeviceHealth"),
                    node(ns, "DeviceSet/b-s1"), node(ns, "Schools/south")));
            assertTrue(south.stream().allMatch(v -> v.statusCode().value() == StatusCodes.Bad_NodeIdUnknown), south.toString());
            UaException browse = assertThrows(UaException.class, () -> OpcUaTestClient.browse(client, node(ns, "DeviceSet/b-s1")));
            assertEquals(StatusCodes.Bad_NodeIdUnknown, browse.getStatusCode().value());
            OpcUaSubscription subscription = new OpcUaSubscription(client, 200.0);
            subscription.create();
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node(ns, "DeviceSet/b-s1/Online"));
            subscription.addMonitoredItem(item);
            subscription.createMonitoredItems();
            assertTrue(item.getCreateResult().orElseThrow().isBad(), "no subscription to another school's box");
            subscription.delete();
            int before = selfTests.get();
            CallMethodResult r = client.call(List.of(new CallMethodRequest(node(ns, "DeviceSet/b-s1"),
                    node(ns, "Types/ClassroomBoxType/RunSelfTest"), new Variant[0]))).getResults()[0];
            assertEquals(StatusCodes.Bad_NodeIdUnknown, r.getStatusCode().value());
            assertEquals(before, selfTests.get());
            CallMethodResult own = client.call(List.of(new CallMethodRequest(node(ns, "DeviceSet/b-n2"),
                    node(ns, "Types/ClassroomBoxType/RunSelfTest"), new Variant[0]))).getResults()[0];
            assertTrue(own.getStatusCode().isGood(), "school IT staff run self-tests in their school: " + own.getStatusCode());
        } finally {
            client.disconnect();
        }
    }

    @Test
    void boxesAndCamerasAppearAndDisappearWithTheRegistryAndTheirStatus() throws Exception {
        OpcUaClient client = connect("admin");
        try {
            UShort ns = OpcUaTestClient.fleetNamespace(client);
            registry.addClassroom("s-2", "south", "四年级2班", "Grade 4 Class 2");
            registry.registerBox("b-s2", "s-2", "generic-recorder-b");
            assertTrue(OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "DeviceSet"))).contains("b-s2"));
            assertEquals(List.of("NEVER_SEEN"), List.of((String[]) client.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(node(ns, "DeviceSet/b-s2/Problems"))).get(0).value().value()));
            assertEquals(List.of(), OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "DeviceSet/b-s2/Cameras"))));
            online("b-s2");
            report("b-s2", DeviceState.OK);
            assertEquals(List.of("cam-teacher", "cam/student"),
                    OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "DeviceSet/b-s2/Cameras"))));
            long now = System.currentTimeMillis();
            fleet.apply(new StatusMessage(1, "b-s2", now, "boot-b-s2", scene.nextSeq(), 10, List.of(), List.of(),
                    new NetworkStatus("up", null, null, null, null, null, null, List.of()),
                    new SystemStatus(null, null, null, null, null), null), "{}", false, now);
            assertEquals(List.of(), OpcUaTestClient.names(OpcUaTestClient.browse(client, node(ns, "DeviceSet/b-s2/Cameras"))));
            assertEquals(StatusCodes.Bad_NodeIdUnknown, client.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(node(ns, "DeviceSet/b-s2/Cameras/cam-teacher/State"))).get(0).statusCode().value());
            fleet.apply(new StateMessage(1, "b-s2", now, "boot-b-s2", scene.nextSeq(), 1, StateMessage.Presence.OFFLINE), "{}", false, now);
            DataValue rtt = client.readValues(0.0, TimestampsToReturn.Neither, List.of(node(ns, "DeviceSet/b-s2/Network/Link"))).get(0);
            assertEquals("up", rtt.value().value());
            assertEquals(StatusCodes.Uncertain_LastUsableValue, rtt.statusCode().value(), "an offline box's values are its last usable ones");
            assertEquals(DeviceHealth.FAILURE.value, client.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(node(ns, "DeviceSet/b-s2/DeviceHealth"))).get(0).value().value());
        } finally {
            client.disconnect();
        }
    }

    @Test
    void anUntrustedClientCertificateIsRefusedAndKeptForTheOperatorToTrust() throws Exception {
        OpcUaTestClient stranger = OpcUaTestClient.create();
        assertThrows(UaException.class, () -> stranger.connect(url, SecurityPolicy.Basic256Sha256, data, "admin", "pw-admin"));
        Path rejected = data.resolve("opcua/pki/rejected/certs");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.list(rejected).findAny().isPresent());
        Path file;
        try (Stream<Path> files = Files.list(rejected)) {
            file = files.filter(f -> {
                try {
                    return java.util.Arrays.equals(Files.readAllBytes(f), stranger.certificate().getEncoded());
                } catch (Exception e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }
        // What docs/OPCUA.md tells the operator: move the file to trusted/certs (watched, no restart).
        Files.move(file, data.resolve("opcua/pki/trusted/certs").resolve(file.getFileName()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            OpcUaClient c = stranger.connect(url, SecurityPolicy.Basic256Sha256, data, "admin", "pw-admin");
            c.disconnect();
        });
    }

    @Test
    void englishIsThereForAClientThatAsksForIt() throws Exception {
        assertEquals(new LocalizedText("en", "Grade 3 Class 1"),
                FleetNode.object(null, null, "三年级1班", "Grade 3 Class 1", null).displayName(true));
        assertEquals(new LocalizedText("en", "Grade 3 Class 1"),
                FleetNode.object(null, null, "三年级1班", "Grade 3 Class 1", null).description(false));
        assertFalse(FleetNode.object(null, null, "三年级1班", "Grade 3 Class 1", null).displayName(false).text().isEmpty());
    }
}
