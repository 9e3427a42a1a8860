package org.syncready.agent.equipment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.EquipmentConfig;
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;

/** The equipment probe against a real OPC UA server playing the classroom's central controller. */
class OpcUaEquipmentProbeTest {
    static ClassroomControllerServer server;
    @TempDir
    Path data;

    @BeforeAll
    static void startServer() throws Exception {
        server = ClassroomControllerServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private List<EquipmentConfig.Item> items() {
        return List.of(
                new EquipmentConfig.Item("display", "display-power", server.node("Display.Power"), true, null, null, null),
                new EquipmentConfig.Item("room", "room-temperature", server.node("Room.Temperature"), null, 18.0, 28.0, "°C"),
                new EquipmentConfig.Item("lamp", "projector-lamp-hours", server.node("Projector.LampHours"), null, null, 2000.0, "h"));
    }

    private OpcUaEquipmentProbe probe(EquipmentConfig.Server... servers) {
        return new OpcUaEquipmentProbe("box-1", new EquipmentConfig(1000, List.of(servers)), data);
    }

    /**
     * The first round that is not still connecting: a cold JVM's first connection (class loading,
     * key exchange) may take longer than one round, which then says "connecting".
     */
    private static List<EquipmentStatus> connected(OpcUaEquipmentProbe probe) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            List<EquipmentStatus> read = probe.sample();
            boolean connecting = read.stream().anyMatch(e -> e.error() != null && e.error().startsWith("connecting"));
            if (!connecting || System.nanoTime() > deadline) {
                return read;
            }
            Thread.sleep(200);
        }
    }

    private static Map<String, EquipmentStatus> byName(List<EquipmentStatus> items) {
        return items.stream().collect(Collectors.toMap(EquipmentStatus::name, Function.identity()));
    }

    @Test
    void readsEveryItemAndJudgesItAgainstWhatItShouldBe() throws Exception {
        try (OpcUaEquipmentProbe probe = probe(new EquipmentConfig.Server(server.endpoint(), EquipmentConfig.Security.NONE,
                null, null, null, null, items()))) {
            Map<String, EquipmentStatus> first = byName(connected(probe));
            assertEquals(EquipmentState.OK, first.get("display").state(), first.toString());
            assertEquals(true, first.get("display").value());
            assertEquals("= true", first.get("display").expected());
            assertEquals(server.endpoint() + " " + server.node("Display.Power"), first.get("display").source());
            assertEquals(22.5, first.get("room").value());
            assertEquals(1200L, first.get("lamp").value());
            assertEquals(EquipmentState.OK, first.get("lamp").state());

            server.set("Display.Power", Variant.ofBoolean(false));
            server.set("Room.Temperature", Variant.ofDouble(31.5));
            Map<String, EquipmentStatus> second = byName(probe.sample());
            assertEquals(EquipmentState.OUT_OF_RANGE, second.get("display").state());
            assertEquals("false, expected = true", second.get("display").error());
            assertEquals(EquipmentState.OUT_OF_RANGE, second.get("room").state());
            assertEquals("31.5 °C is outside 18..28", second.get("room").error());
            assertEquals(EquipmentState.OK, second.get("lamp").state());
        } finally {
            server.set("Display.Power", Variant.ofBoolean(true));
            server.set("Room.Temperature", Variant.ofDouble(22.5));
        }
    }

    @Test
    void aNodeTheServerDoesNotHaveIsUnreachableAndTheOthersStillRead() throws Exception {
        List<EquipmentConfig.Item> items = new ArrayList<>(items());
        items.add(new EquipmentConfig.Item("sequencer", "power-sequencer", "ns=2;s=No.Such.Node", 1.0, null, null, null));
        try (OpcUaEquipmentProbe probe = probe(new EquipmentConfig.Server(server.endpoint(), EquipmentConfig.Security.NONE,
                null, null, null, null, items))) {
            Map<String, EquipmentStatus> read = byName(connected(probe));
            assertEquals(EquipmentState.UNREACHABLE, read.get("sequencer").state());
            assertEquals("the server answered Bad_NodeIdUnknown", read.get("sequencer").error());
            assertNull(read.get("sequencer").value());
            assertEquals(EquipmentState.OK, read.get("display").state());
        }
    }

    @Test
    void signsAndEncryptsWithAUserNameAndKeepsTheKeyPrivate() throws Exception {
        try (OpcUaEquipmentProbe probe = probe(new EquipmentConfig.Server(server.endpoint(),
                EquipmentConfig.Security.BASIC256SHA256, EquipmentConfig.Mode.SIGN_AND_ENCRYPT,
                ClassroomControllerServer.USER, ClassroomControllerServer.PASSWORD, server.certificateSha256(), items()))) {
            Map<String, EquipmentStatus> read = byName(connected(probe));
            assertEquals(EquipmentState.OK, read.get("display").state(), read.toString());
            assertEquals(EquipmentState.OK, read.get("room").state());
        }
        Path keystore = data.resolve("opcua/agent-client.p12");
        assertTrue(Files.exists(data.resolve("opcua/agent-client.der")));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(keystore));
        byte[] before = Files.readAllBytes(keystore);
        try (OpcUaEquipmentProbe again = probe(new EquipmentConfig.Server(server.endpoint(),
                EquipmentConfig.Security.BASIC256SHA256, null, ClassroomControllerServer.USER,
                ClassroomControllerServer.PASSWORD, null, items()))) {
            assertTrue(connected(again).stream().allMatch(e -> e.state() == EquipmentState.OK));
        }
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(keystore)), "the certificate is made once and kept");
    }

    @Test
    void aSecurityTheServerDoesNotOfferIsSaidSo() throws Exception {
        try (OpcUaEquipmentProbe probe = probe(new EquipmentConfig.Server(server.endpoint(),
                EquipmentConfig.Security.AES128_SHA256_RSAOAEP, EquipmentConfig.Mode.SIGN, null, null, null, items()))) {
            EquipmentStatus display = byName(connected(probe)).get("display");
            assertEquals(EquipmentState.UNREACHABLE, display.state());
            assertEquals("Bad_SecurityPolicyRejected: the server offers no endpoint with security aes128-sha256-rsaoaep sign",
                    display.error());
        }
    }

    @Test
    void aWrongPasswordOrAnotherServerCertificateMakesEveryItemUnreachable() throws Exception {
        try (OpcUaEquipmentProbe probe = probe(new EquipmentConfig.Server(server.endpoint(),
                EquipmentConfig.Security.BASIC256SHA256, null, ClassroomControllerServer.USER, "wrong-password", null, items()))) {
            List<EquipmentStatus> read = connected(probe);
            assertEquals(3, read.size());
            assertTrue(read.stream().allMatch(e -> e.state() == EquipmentState.UNREACHABLE), read.toString());
            assertTrue(read.get(0).error().contains("Bad_UserAccessDenied"), read.get(0).error());
            assertTrue(read.stream().noneMatch(e -> e.error().contains("wrong-password")), "no password in what is reported");
        }
        try (OpcUaEquipmentProbe probe = probe(new EquipmentConfig.Server(server.endpoint(),
                EquipmentConfig.Security.BASIC256SHA256, null, null, null, "ab".repeat(32), items()))) {
            EquipmentStatus display = byName(connected(probe)).get("display");
            assertEquals(EquipmentState.UNREACHABLE, display.state());
            assertTrue(display.error().startsWith("Bad_CertificateUntrusted: the server's certificate (sha256 "
                    + server.certificateSha256() + ") is not serverCertificateSha256"), display.error());
        }
    }

    /** A server that accepts the connection and never answers: the round still ends in time, and the next ones skip it. */
    @Test
    void aServerThatNeverAnswersCostsOneTimeoutThenNothingUntilItsRetry() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(blackHole.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            }, "black-hole");
            acceptor.setDaemon(true);
            acceptor.start();
            String dead = "opc.tcp://127.0.0.1:" + blackHole.getLocalPort() + "/classroom";
            try (OpcUaEquipmentProbe probe = probe(
                    new EquipmentConfig.Server(dead, EquipmentConfig.Security.NONE, null, null, null, null,
                            List.of(new EquipmentConfig.Item("seq", "power-sequencer", "ns=2;s=Power", 1.0, null, null, null))),
                    new EquipmentConfig.Server(server.endpoint(), EquipmentConfig.Security.NONE, null, null, null, null, items()))) {
                long t0 = System.nanoTime();
                Map<String, EquipmentStatus> first = byName(probe.sample());
                long firstMs = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(firstMs < 1_600, "one round took " + firstMs + " ms with a 1000 ms timeout");
                assertEquals(EquipmentState.UNREACHABLE, first.get("seq").state());
                // The OPC UA Hello gets no Acknowledge within the timeout: the server does not speak.
                assertEquals("Bad_Timeout: timed out waiting for acknowledge", first.get("seq").error());
                assertTrue(first.get("display").state() == EquipmentState.OK
                        || first.get("display").error().startsWith("connecting"), "the live server is not held up: " + first);

                long t1 = System.nanoTime();
                Map<String, EquipmentStatus> second = byName(probe.sample());
                long secondMs = (System.nanoTime() - t1) / 1_000_000;
                assertTrue(secondMs < 500, "a server that failed is paused, not waited for: " + secondMs + " ms");
                assertEquals(EquipmentState.UNREACHABLE, second.get("seq").state());
                assertEquals("Bad_Timeout: timed out waiting for acknowledge", second.get("seq").error());
                assertEquals(EquipmentState.OK, byName(connected(probe)).get("display").state());
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
