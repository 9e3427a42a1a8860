package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Channel;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;
import org.syncready.protocol.Topics;

/**
 * Issue 11, "what it must show" 2: many boxes publish statuses as fast as the broker takes them, the
 * controller's process (embedded broker included) is killed with SIGKILL in the middle of the burst
 * and started again on the same data folder. Every status whose PUBACK a box received is in the store.
 */
class ControllerCrashTest {
    private static final int BOXES = Integer.getInteger("crash.boxes", 40);
    private static final int WINDOW = 10;
    private static final long BURST_MS = Long.getLong("crash.burstMs", 4_000);
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path dir;
    private ControllerProcess controller;
    private final List<MqttAsyncClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (MqttAsyncClient c : clients) {
            try {
                c.disconnectForcibly(0, 100, false);
            } catch (MqttException ignored) {
                // Already gone with the broker.
            }
            c.close(true);
        }
        if (controller != null) {
            controller.close();
        }
    }

    /** One status key, as the store keys it. */
    private record Key(String boxId, String bootId, long seq) {
    }

    @Test
    void everyStatusABoxHadAcknowledgedIsStoredAfterAKillNine() throws Exception {
        controller = new ControllerProcess(dir.resolve("controller")).start();
        List<String> boxes = new ArrayList<>();
        List<String> passwords = new ArrayList<>();
        for (int i = 0; i < BOXES; i++) {
            boxes.add("crash-" + i);
            passwords.add(controller.registerBox("crash-" + i));
        }
        Set<Key> acked = ConcurrentHashMap.newKeySet();
        AtomicLong sent = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> publishers = new ArrayList<>();
        for (int i = 0; i < BOXES; i++) {
            String box = boxes.get(i);
            MqttAsyncClient client = new MqttAsyncClient(controller.brokerUri(), box, new MemoryPersistence());
            clients.add(client);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setUserName(box);
            options.setPassword(passwords.get(i).getBytes(StandardCharsets.UTF_8));
            options.setCleanStart(true);
            client.connect(options).waitForCompletion(10_000);
            String boot = "boot-" + box;
            client.publish(Topics.of(box, Channel.BIRTH), new MqttMessage(CODEC.encode(new BirthMessage(1, box, System.currentTimeMillis(),
                    boot, 1, "crash-test", null, "generic-recorder-a", 10, null, null, null)), 1, true, null)).waitForCompletion(10_000);
            Thread t = new Thread(() -> publish(client, box, boot, running, acked, sent), "publisher-" + box);
            publishers.add(t);
        }
        publishers.forEach(Thread::start);
        await().pollDelay(Duration.ofMillis(BURST_MS)).atMost(Duration.ofMillis(BURST_MS + 1_000)).until(() -> true);
        controller.kill();
        running.set(false);
        for (Thread t : publishers) {
            t.join(15_000);
        }
        Set<Key> ackedAtKill = Set.copyOf(acked);
        Set<Key> storedKeysAtKill = stored();
        long storedAtKill = storedKeysAtKill.size();

        long restart = System.nanoTime();
        controller.start();
        // The broker gives the controller's session what it had not acknowledged; wait until the store stops growing.
        AtomicLong last = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            long now = stored().size();
            return now == last.getAndSet(now) && now >= storedAtKill;
        });
        Set<Key> stored = stored();
        Set<Key> missing = new HashSet<>(ackedAtKill);
        missing.removeAll(stored);
        System.out.printf("controller kill -9: %d boxes, %d statuses sent in %.1f s, %d acknowledged by the broker (PUBACK), "
                        + "%d stored at the kill, %d stored after the restart (%.1f s), %d acknowledged but not stored%n",
                BOXES, sent.get(), BURST_MS / 1000.0, ackedAtKill.size(), storedAtKill, stored.size(),
                (System.nanoTime() - restart) / 1e9, missing.size());
        assertTrue(ackedAtKill.size() > 1_000, "a real burst: " + ackedAtKill.size());
        // Ingest runs inside the embedded broker and the box gets its PUBACK only after the commit: at the
        // kill, every acknowledged status is already in SQLite (before, the broker's file queue held
        // acknowledged statuses not stored yet, and gave them to the restarted controller).
        Set<Key> storedAtKillKeys = storedKeysAtKill;
        Set<Key> notYetStored = new HashSet<>(ackedAtKill);
        notYetStored.removeAll(storedAtKillKeys);
        assertEquals(0, notYetStored.size(), "acknowledged to a box but not yet stored at the kill");
        assertEquals(Set.of(), missing.size() > 20 ? Set.of(missing.size() + " keys") : missing,
                "every acknowledged status is stored");
    }

    private static void publish(MqttAsyncClient client, String box, String boot, AtomicBoolean running, Set<Key> acked, AtomicLong sent) {
        Semaphore window = new Semaphore(WINDOW);
        long seq = 1;
        while (running.get() && client.isConnected()) {
            try {
                if (!window.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long s = ++seq;
                StatusMessage status = new StatusMessage(1, box, System.currentTimeMillis(), boot, s, 10,
                        List.of(new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.RTSP, DeviceState.OK, 1920, 1080, 25.0, 4000, false, null)),
                        List.of(new MicrophoneStatus("mic-1", "room", DeviceState.OK, -30.0, -10.0, false, false, null)),
                        new NetworkStatus("up", "eth0", 12.0, 2.0, 0.0, 20_000, 3.0, List.of()),
                        new SystemStatus(10.0, 30.0, 20_000L, 45.0, 1000L), null);
                client.publish(Topics.of(box, Channel.STATUS), new MqttMessage(CODEC.encode(status), 1, true, null), null,
                        new MqttActionListener() {
                            @Override
                            public void onSuccess(IMqttToken token) {
                                int[] codes = token.getReasonCodes();
                                if (codes == null || codes.length == 0 || codes[0] < 0x80) {
                                    acked.add(new Key(box, boot, s));
                                }
                                window.release();
                            }

                            @Override
                            public void onFailure(IMqttToken token, Throwable e) {
                                window.release();
                            }
                        });
                sent.incrementAndGet();
            } catch (MqttException e) {
                window.release();
                if (!client.isConnected()) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Set<Key> stored() throws Exception {
        Set<Key> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + controller.database().toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            try (ResultSet rs = s.executeQuery("SELECT box_id, boot_id, seq FROM box_status")) {
                while (rs.next()) {
                    out.add(new Key(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }
}
