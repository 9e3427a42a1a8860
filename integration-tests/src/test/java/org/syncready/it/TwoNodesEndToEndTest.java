package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.ConfigLoader;
import org.syncready.controller.mosquitto.MosquittoBroker;
import org.syncready.controller.store.TestPostgresql;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.StatusMessage;

/**
 * Issue 18, "what it must show": two controller nodes on one PostgreSQL and one Debian Mosquitto,
 * real agents enrolled through either node. Both nodes show the same boxes; the leader is killed with
 * SIGKILL inside a readiness check window and the other node runs the next check; every status the
 * broker delivered is stored exactly once; a box revoked on one node is refused by the broker at once.
 */
class TwoNodesEndToEndTest {
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path dir;
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
    private final List<Agent> agents = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        agents.forEach(Agent::stop);
        for (int i = closeAtEnd.size() - 1; i >= 0; i--) {
            closeAtEnd.get(i).close();
        }
    }

    @Test
    void twoNodesShareTheFleetTheSecondTakesOverWhenTheLeaderIsKilledAndARevokedBoxIsRefusedAtOnce() throws Exception {
        TestPostgresql database = TestPostgresql.create();
        closeAtEnd.add(database);
        MosquittoBroker broker = MosquittoBroker.start(dir.resolve("mosquitto"));
        closeAtEnd.add(broker);

        // Every status a box publishes, as the broker delivers it to a watcher beside the controllers.
        Set<String> published = ConcurrentHashMap.newKeySet();
        MqttClient watcher = watch(broker, "syncready/v1/box/+/status", (topic, message) -> {
            StatusMessage s = CODEC.decode(StatusMessage.class, message.getPayload());
            published.add(s.boxId() + "/" + s.bootId() + "/" + s.seq());
        });
        closeAtEnd.add(() -> {
            watcher.disconnectForcibly(0, 1_000, false);
            watcher.close(true);
        });

        Path rules = readinessRulesCheckingAtTwoAndOneMinutes();
        ControllerProcess a = node("node-a", database, broker, rules);
        closeAtEnd.add(a);
        a.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> leader(a));
        // The second node shares the first one's keys: boxes pin one signing key and one CA, and an
        // enrollment code or sealed alert secret made on one node is read on the other (docs/OPERATIONS.md).
        ControllerProcess b = node("node-b", database, broker, rules);
        closeAtEnd.add(b);
        copyTree(a.dataDir().resolve("keys"), b.dataDir().resolve("keys"));
        copyTree(a.dataDir().resolve("tls"), b.dataDir().resolve("tls"));
        b.start();
        assertFalse(leader(b), "one leader");

        a.post("/api/v1/schools", "{\"id\":\"hexi\",\"nameZh\":\"河西小学\",\"nameEn\":\"Hexi\"}");
        a.post("/api/v1/classrooms", "{\"id\":\"hexi-g3\",\"schoolId\":\"hexi\",\"nameZh\":\"三年级\",\"nameEn\":\"Grade 3\"}");
        await().atMost(Duration.ofSeconds(2)).until(() -> b.getJson("/api/v1/classrooms").size() == 1);
        b.post("/api/v1/classrooms", "{\"id\":\"hexi-g4\",\"schoolId\":\"hexi\",\"nameZh\":\"四年级\",\"nameEn\":\"Grade 4\"}");

        // One box enrolled through each node, with a code made on the other one.
        startAgent(enroll(b, a.post("/api/v1/classrooms/hexi-g3/enrollment-codes", "{}"), "box-g3"));
        startAgent(enroll(a, b.post("/api/v1/classrooms/hexi-g4/enrollment-codes", "{}"), "box-g4"));
        for (ControllerProcess node : List.of(a, b)) {
            // A box enrolled on the other node is a 404 here until this node has read it (within 2 s).
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
                for (String box : List.of("box-g3", "box-g4")) {
                    JsonNode seen = node.getJson("/api/v1/boxes/" + box);
                    assertEquals("online", seen.path("presence").asText(), node.dataDir() + ": " + seen);
                    assertTrue(seen.path("status").isObject(), seen.toString());
                }
            });
        }

        // A session whose T-2 check falls in 30 s and T-1 check 60 s later.
        Instant start = Instant.now().plus(Duration.ofSeconds(150)).truncatedTo(ChronoUnit.SECONDS);
        JsonNode session = a.post("/api/v1/sessions", "{\"leadClassroomId\":\"hexi-g3\",\"remoteClassroomIds\":[\"hexi-g4\"],"
                + "\"subject\":\"语文 / Chinese\",\"start\":\"" + start + "\",\"end\":\"" + start.plus(Duration.ofMinutes(40)) + "\"}");
        String sessionId = session.path("id").asText();
        await().atMost(Duration.ofSeconds(90)).until(() -> checks(database, sessionId).contains("T-2"));
        assertTrue(a.log().contains("readiness T-2"), "the leader ran T-2");

        a.kill();
        await().atMost(Duration.ofSeconds(30)).until(() -> leader(b));
        await().atMost(Duration.ofSeconds(120)).until(() -> checks(database, sessionId).contains("T-1"));
        assertEquals(List.of("T-2", "T-1"), checks(database, sessionId), "each check once");
        assertTrue(b.log().contains("readiness T-1"), "the new leader ran T-1");
        // Every node hears every command answer: the boxes answered the new leader's self-tests.
        assertFalse(checkDetail(database, sessionId, "T-1").contains("SELFTEST_NO_ANSWER"), checkDetail(database, sessionId, "T-1"));

        // The killed node comes back (as a follower): whatever the broker held for its share of the
        // shared subscription is stored now. (Stored twice cannot happen: box/boot/seq is the table's key.)
        a.start();
        assertFalse(leader(a));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<String> stored = storedStatuses(database);
            List<String> missing = published.stream().filter(k -> !stored.contains(k)).sorted().toList();
            assertEquals(List.of(), missing, "published but not stored");
        });
        assertTrue(published.size() > 4, "statuses seen: " + published.size());

        // Revoked on the node that took over: the broker refuses the box at once.
        String secretG4 = Files.readString(dir.resolve("box-g4").resolve("box.secret")).strip();
        assertEquals(200, b.delete("/api/v1/boxes/box-g4").statusCode());
        assertEquals(404, b.get("/api/v1/boxes/box-g4").statusCode());
        MqttException refused = org.junit.jupiter.api.Assertions.assertThrows(MqttException.class,
                () -> broker.login("box-g4", secretG4));
        assertTrue(refused.getReasonCode() == 0x86 || refused.getReasonCode() == 0x87, refused.toString());

    }

    private ControllerProcess node(String name, TestPostgresql database, MosquittoBroker broker, Path rules) throws IOException {
        return new ControllerProcess(dir.resolve(name), List.of(
                "--store", database.location().toString(),
                "--broker", broker.uri(), "--broker-username", broker.controllerUsername(),
                "--broker-accounts", "mosquitto-dynsec", "--ingest-group", "syncready",
                "--readiness-rules", rules.toString(), "--opcua-port", "-1"),
                Map.of("SYNCREADY_STORE_PASSWORD", database.location().password(),
                        "SYNCREADY_BROKER_PASSWORD", broker.controllerPassword()));
    }

    private static boolean leader(ControllerProcess node) throws IOException, InterruptedException {
        return node.getJson("/health").path("leader").asInt() == 1;
    }

    /** The packaged readiness rules with the checks at T-2 and T-1 instead of T-30 and T-5. */
    private Path readinessRulesCheckingAtTwoAndOneMinutes() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/org/syncready/controller/readiness/readiness-rules.yaml")) {
            String rules = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rules.contains("beforeStartMinutes: [30, 5]"));
            Path file = dir.resolve("readiness-rules.yaml");
            Files.writeString(file, rules.replace("beforeStartMinutes: [30, 5]", "beforeStartMinutes: [2, 1]"));
            return file;
        }
    }

    /** Enrolls a box with {@code code} (made on any node) through {@code node}'s HTTPS address; returns its agent.yaml. */
    private Path enroll(ControllerProcess node, JsonNode code, String boxId) throws IOException {
        ((com.fasterxml.jackson.databind.node.ObjectNode) code).put("controllerUrl", node.httpsUrl());
        BoxEnrollment.Outcome enrolled = BoxEnrollment.enroll(dir.resolve(boxId), code, boxId);
        assertEquals(0, enrolled.exit(), enrolled.err());
        return enrolled.agentYaml();
    }

    private void startAgent(Path agentYaml) throws Exception {
        agents.add(Agent.start(ConfigLoader.load(agentYaml), c -> { }));
    }

    /** A plain subscriber with the controllers' login (not in their shared group): it sees every publish. */
    private static MqttClient watch(MosquittoBroker broker, String filter, org.eclipse.paho.mqttv5.client.IMqttMessageListener onMessage)
            throws MqttException {
        MqttClient client = new MqttClient(broker.uri(), "two-nodes-watcher", new MemoryPersistence());
        client.setTimeToWait(10_000);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(broker.controllerUsername());
        options.setPassword(broker.controllerPassword().getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {new org.eclipse.paho.mqttv5.common.MqttSubscription(filter, 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {onMessage});
        return client;
    }

    /** The triggers of the stored checks of one session, oldest first. */
    private static List<String> checks(TestPostgresql database, String sessionId) throws Exception {
        List<String> triggers = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT trigger FROM readiness_check WHERE session_id = '" + sessionId.replace("'", "''")
                     + "' ORDER BY checked_at")) {
            while (r.next()) {
                triggers.add(r.getString(1));
            }
        }
        return triggers;
    }

    /** The stored detail of one session's check. */
    private static String checkDetail(TestPostgresql database, String sessionId, String trigger) throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT detail FROM readiness_check WHERE session_id = '" + sessionId.replace("'", "''")
                     + "' AND trigger = '" + trigger + "'")) {
            return r.next() ? r.getString(1) : "";
        }
    }

    /** The stored statuses as box/boot/seq. */
    private static Set<String> storedStatuses(TestPostgresql database) throws Exception {
        Set<String> stored = new java.util.HashSet<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT box_id, boot_id, seq FROM box_status")) {
            while (r.next()) {
                stored.add(r.getString(1) + "/" + r.getString(2) + "/" + r.getLong(3));
            }
        }
        return stored;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
