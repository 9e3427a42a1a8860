package org.syncready.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.bench.sim.BoxCredentials;
import org.syncready.bench.sim.FleetEnrollment;
import org.syncready.bench.sim.FleetSimulator;
import org.syncready.bench.sim.StatusFactory;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Presence;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.CommandTypes;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.StatusMessage;

/**
 * The simulator speaks protocol v1 to the real controller: enrollment, presence, status, faults,
 * commands, Will. One controller for the class (its stop takes seconds); each test enrolls its own boxes.
 */
class SimulatorProtocolTest {
    @TempDir
    static Path dir;
    private static Controller controller;
    private static String token;
    private static final AtomicInteger nextBox = new AtomicInteger();
    private FleetSimulator sim;

    @BeforeAll
    static void start() throws Exception {
        controller = Controller.start(ControllerConfig.builder(dir).freePorts().build());
        token = controller.accounts().createToken("admin", "simulator test", null, "admin").secret();
    }

    @AfterAll
    static void stopController() {
        controller.close();
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private static List<BoxCredentials> enroll(int count) throws Exception {
        return new FleetEnrollment("127.0.0.1", controller.httpPort(), token).enroll(nextBox.getAndAdd(count), count);
    }

    private static boolean all(List<BoxCredentials> boxes, Presence presence) {
        return boxes.stream().allMatch(b -> controller.fleet().snapshot(b.boxId()).map(BoxSnapshot::presence).orElse(null) == presence);
    }

    private int mqttPort() {
        return Integer.parseInt(controller.brokerUri().substring(controller.brokerUri().lastIndexOf(':') + 1));
    }

    @Test
    void reportByExceptionSendsTheHeartbeatAndEachChangeAtOnce() throws Exception {
        List<BoxCredentials> boxes = enroll(10);
        sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", mqttPort()).withHeartbeatS(2));
        assertEquals(10, sim.connect(boxes, Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> boxes.stream().allMatch(b -> controller.fleet().snapshot(b.boxId())
                .map(snap -> snap.status() != null && snap.birth() != null).orElse(false)));
        for (BoxCredentials b : boxes) {
            BoxSnapshot snap = controller.fleet().snapshot(b.boxId()).orElseThrow();
            assertEquals(2, snap.birth().heartbeatS(), "the birth announces the heartbeat");
            assertEquals(2, snap.status().intervalS());
        }
        long before = sim.counters().statusSent();
        // No change: each box only at its heartbeat, 10 boxes x 2 s → about 5 statuses a second.
        sim.startReportingByException(2_000, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.counters().statusSent() - before >= 30);
        long t0 = System.nanoTime();
        long sent0 = sim.counters().statusSent();
        await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
        double perSecond = (sim.counters().statusSent() - sent0) / ((System.nanoTime() - t0) / 1e9);
        assertTrue(perSecond > 3.5 && perSecond < 6.5, "heartbeat only: " + perSecond + " statuses/s");
        assertEquals(0, sim.counters().changes());
        sim.stopReporting();

        // Every box changing once a minute on average (100 %): a camera breaks or recovers, reported at once and
        // seen in the API. (Two changes may hit one box, a break and its recovery: compare the last status each
        // box sent, not whether some camera is broken now.)
        long sentBefore = sim.counters().statusSent();
        sim.startReportingByException(600_000, 1.0);
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.counters().changes() >= 2);
        sim.stopReporting();
        assertTrue(sim.counters().statusSent() - sentBefore >= sim.counters().changes(), "every change is a status");
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Map<String, Long> last = sim.lastStatusSeqs();
            return boxes.stream().allMatch(b -> last.get(b.boxId()) != null && last.get(b.boxId()).equals(
                    controller.fleet().snapshot(b.boxId()).map(BoxSnapshot::status).map(StatusMessage::seq).orElse(-1L)));
        });
        assertThrows(IllegalArgumentException.class, () -> sim.startReportingByException(1_000, 1.5));
        assertThrows(IllegalArgumentException.class, () -> FleetSimulator.Settings.of("127.0.0.1", 1883).withHeartbeatS(0));
    }

    @Test
    void enrolledBoxesComeOnlineReportAndCarryInjectedFaults() throws Exception {
        List<BoxCredentials> boxes = enroll(4);
        assertTrue(boxes.stream().allMatch(b -> controller.registry().isRegistered(b.boxId())));
        sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", mqttPort()).withFaultShare(0.5));
        assertEquals(4, sim.connect(boxes, Duration.ofSeconds(30)));

        await().atMost(10, TimeUnit.SECONDS).until(() -> all(boxes, Presence.ONLINE));
        await().atMost(10, TimeUnit.SECONDS).until(() -> boxes.stream()
                .allMatch(b -> controller.fleet().snapshot(b.boxId()).map(BoxSnapshot::status).isPresent()));
        // Half of the fleet (the first two boxes) starts with a broken camera; the others are healthy.
        assertEquals(DeviceState.FAULT, cameraState(boxes.get(0).boxId()));
        assertEquals(DeviceState.FAULT, cameraState(boxes.get(1).boxId()));
        assertEquals(DeviceState.OK, cameraState(boxes.get(2).boxId()));
        assertTrue(controller.fleet().snapshot(boxes.get(0).boxId()).orElseThrow().birth() != null);

        sim.setCameraFault(boxes.get(2).boxId(), true);
        await().atMost(10, TimeUnit.SECONDS).until(() -> cameraState(boxes.get(2).boxId()) == DeviceState.FAULT);
        sim.setCameraFault(boxes.get(0).boxId(), false);
        await().atMost(10, TimeUnit.SECONDS).until(() -> cameraState(boxes.get(0).boxId()) == DeviceState.OK);
    }

    @Test
    void answersSelfTestOnTheResponseTopicAndRefusesUnknownCommands() throws Exception {
        List<BoxCredentials> boxes = enroll(2);
        sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", mqttPort()).withFaultShare(0.5));
        assertEquals(2, sim.connect(boxes, Duration.ofSeconds(30)));

        CommandResponse broken = controller.commands().send(boxes.get(0).boxId(), CommandTypes.SELFTEST,
                JsonNodeFactory.instance.objectNode(), Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        assertTrue(broken.ok());
        assertFalse(broken.result().path("passed").asBoolean(true), "the box with the broken camera fails its self-test");
        assertEquals(4, broken.result().path("cameras").size());

        CommandResponse healthy = controller.commands().send(boxes.get(1).boxId(), CommandTypes.SELFTEST, null,
                Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        assertTrue(healthy.result().path("passed").asBoolean(false));

        CommandResponse unknown = controller.commands().send(boxes.get(1).boxId(), "format-disk", null,
                Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        assertFalse(unknown.ok());
        assertTrue(unknown.error().contains("format-disk"));
        assertEquals(3, sim.counters().commandAnswers());
    }

    @Test
    void aPowerCutFiresTheWillsAndTheBoxesGoOffline() throws Exception {
        List<BoxCredentials> boxes = enroll(3);
        sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", mqttPort()));
        sim.connect(boxes, Duration.ofSeconds(30));
        await().atMost(10, TimeUnit.SECONDS).until(() -> all(boxes, Presence.ONLINE));

        sim.powerCut();
        sim = null;
        await().atMost(20, TimeUnit.SECONDS).until(() -> all(boxes, Presence.OFFLINE));
    }

    @Test
    void wrongPasswordsAreRefusedAndCounted() throws Exception {
        BoxCredentials box = enroll(1).get(0);
        sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", mqttPort()));
        int connected = sim.connect(List.of(new BoxCredentials(box.boxId(), "not-the-secret")), Duration.ofSeconds(10));
        assertEquals(0, connected);
        assertEquals(1, sim.counters().connectFailures());
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> FleetSimulator.Settings.of("127.0.0.1", 1883).withFaultShare(1.5));
        assertThrows(IllegalArgumentException.class, () -> new FleetSimulator.Settings("127.0.0.1", 1883, List.of(), 10, 0, 30, 2, 10));
    }

    @Test
    void enrollmentReportsAControllerRefusal() throws Exception {
        FleetEnrollment enrollment = new FleetEnrollment("127.0.0.1", controller.httpPort(), token);
        int index = nextBox.getAndIncrement();
        enrollment.enroll(index, 1);
        // The same box again: the controller answers 409, which the enrollment must not swallow.
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> enrollment.enroll(index, 1));
        assertTrue(e.getMessage().contains("409"), e.getMessage());
    }

    private static DeviceState cameraState(String boxId) {
        return controller.fleet().snapshot(boxId).map(BoxSnapshot::status)
                .flatMap(s -> s.cameras().stream().filter(c -> c.id().equals(StatusFactory.FAULT_CAMERA)).findFirst())
                .map(CameraStatus::state).orElse(null);
    }
}
