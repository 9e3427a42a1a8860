package org.syncready.controller.mosquitto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.broker.BrokerAccounts;

/** {@link MosquittoAccounts} against a real Mosquitto: its answers, its failures, and reconciling. */
class MosquittoAccountsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void reconcileReportsRegisteredBoxesWithoutAnAccountAndARotationGivesThemOneAgain() throws Exception {
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir);
             MosquittoAccounts accounts = over(mosquitto, mosquitto.controllerUsername(), mosquitto.controllerPassword())) {
            accounts.create("box-1", "secret-1");
            accounts.create("box-2", "secret-2");
            mosquitto.dynsec("deleteClient", "box-2");

            MosquittoAccounts.Reconciled done = accounts.reconcile(() -> Set.of("box-1", "box-2", "box-3"));
            assertEquals(List.of(), done.deleted());
            assertEquals(List.of("box-2", "box-3"), done.missing());

            accounts.changeSecret("box-2", "secret-2b");
            assertTrue(logsIn(mosquitto, "box-2", "secret-2b"), "a rotation re-creates a missing account");
            assertFalse(logsIn(mosquitto, "box-2", "secret-2"));
            assertTrue(logsIn(mosquitto, "box-1", "secret-1"));

            // A leftover account of the same name (a deletion Mosquitto missed) is replaced, not an error.
            accounts.create("box-1", "secret-1b");
            assertTrue(logsIn(mosquitto, "box-1", "secret-1b"));
            accounts.delete("box-1");
            accounts.delete("box-1");
            assertFalse(mosquitto.hasClient("box-1"), "deleting twice is no error");
        }
    }

    @Test
    void anUnreachableBrokerIsAClearErrorWithinTheTimeLimit() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (MosquittoAccounts accounts = MosquittoAccounts.over("tcp://127.0.0.1:" + closed, "test-accounts", "who",
                "pw".getBytes(StandardCharsets.UTF_8), TIMEOUT)) {
            long started = System.nanoTime();
            BrokerAccounts.Unavailable e = assertThrows(BrokerAccounts.Unavailable.class, () -> accounts.create("box-1", "s"));
            assertTrue(e.getMessage().contains("cannot reach Mosquitto at tcp://127.0.0.1:" + closed), e.getMessage());
            assertTrue(System.nanoTime() - started < TIMEOUT.toNanos() + Duration.ofSeconds(2).toNanos(), "no hang");
        }
    }

    @Test
    void aLoginWithoutTheDynsecRightsIsAClearErrorNotAHang() throws Exception {
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir)) {
            mosquitto.dynsec("createClient", "no-rights", "-p", "pw");
            try (MosquittoAccounts accounts = over(mosquitto, "no-rights", "pw")) {
                long started = System.nanoTime();
                BrokerAccounts.Unavailable e = assertThrows(BrokerAccounts.Unavailable.class, () -> accounts.create("box-1", "s"));
                assertTrue(e.getMessage().contains("dynsec admin rights") || e.getMessage().contains("did not answer"), e.getMessage());
                assertTrue(System.nanoTime() - started < TIMEOUT.toNanos() + Duration.ofSeconds(2).toNanos(), "no hang");
            }
            assertFalse(mosquitto.hasClient("box-1"));
        }
    }

    private static MosquittoAccounts over(MosquittoBroker mosquitto, String username, String password) {
        return MosquittoAccounts.over(mosquitto.uri(), "test-accounts-" + username, username,
                password.getBytes(StandardCharsets.UTF_8), TIMEOUT);
    }

    private static boolean logsIn(MosquittoBroker mosquitto, String boxId, String secret) {
        try {
            mosquitto.login(boxId, secret);
            return true;
        } catch (MqttException refused) {
            return false;
        }
    }
}
