package org.syncready.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.refusal.Refusal;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlFleetStore;

class FleetRegistryTest {
    @TempDir
    Path data;

    @Test
    void anIdTakenBehindTheCachesBackIsAConflictNotAnError() throws Exception {
        try (Database db = Database.open(data.resolve("fleet.db"))) {
            FleetRegistry first = FleetRegistry.load(new SqlFleetStore(db), "controller-secret");
            FleetRegistry second = FleetRegistry.load(new SqlFleetStore(db), "controller-secret");
            first.addSchool("hexi", "河西", "Hexi");
            first.addClassroom("hexi-g3", "hexi", "三年级", "Grade 3");
            first.registerBox("box-1", "hexi-g3", "m");

            // The second registry's memory has not seen these ids; the store's keys must still refuse them.
            Refusal school = assertThrows(Refusal.class, () -> second.addSchool("hexi", "河西", "Hexi"));
            assertEquals("conflict", school.kind().code());
            assertTrue(second.schools().isEmpty(), "a refused insert leaves the cache unchanged");
        }
    }

    @Test
    void aBoxRegisteredOnAnotherNodeIsFoundInTheStoreBeforeTheNextRefresh() throws Exception {
        try (Database db = Database.open(data.resolve("fleet.db"))) {
            FleetRegistry here = FleetRegistry.load(new SqlFleetStore(db), "controller-secret");
            FleetRegistry there = FleetRegistry.load(new SqlFleetStore(db), "controller-secret");
            there.addSchool("hexi", "河西", "Hexi");
            there.addClassroom("hexi-g4", "hexi", "四年级", "Grade 4");
            there.registerBox("box-g4", "hexi-g4", "m");
            assertFalse(here.isRegisteredHereOrInStore("box-g4"), "one node: the store is not asked");
            here.lookUpUnknownBoxesInStore();
            assertTrue(here.isRegisteredHereOrInStore("box-g4"), "several nodes: found in the store");
            assertTrue(here.isRegistered("box-g4"));
            // Each unknown box is looked up on its own, at most once a second.
            there.registerBox("box-g5", "hexi-g4", "m");
            assertFalse(here.isRegisteredHereOrInStore("box-nobody"));
            assertTrue(here.isRegisteredHereOrInStore("box-g5"), "another box is looked up at once");
            there.registerBox("box-nobody", "hexi-g4", "m");
            assertFalse(here.isRegisteredHereOrInStore("box-nobody"), "the same box asked again within the second");
            // A box in a classroom that is new here too: the registry is read again, classroom and all.
            there.addClassroom("hexi-g5", "hexi", "五年级", "Grade 5");
            there.registerBox("box-g6", "hexi-g5", "m");
            assertTrue(here.isRegisteredHereOrInStore("box-g6"));
            assertEquals(Optional.of("hexi"), here.schoolOf("box-g6"));
        }
    }

    @Test
    void boxesLogInOnlyAsThemselvesAndTheControllerWithItsSecret() throws Exception {
        try (Database db = Database.open(data.resolve("fleet.db"))) {
            FleetRegistry registry = FleetRegistry.load(new SqlFleetStore(db), "controller-secret");
            registry.addSchool("s", "学校", "S");
            registry.addClassroom("c", "s", "教室", "C");
            String secret = registry.registerBox("box-1", "c", "m").secret();
            byte[] pw = secret.getBytes(StandardCharsets.UTF_8);

            assertTrue(registry.authenticate("box-1", "box-1", pw).orElseThrow().boxId().equals("box-1"));
            assertTrue(registry.authenticate("box-2", "box-1", pw).isEmpty(), "client id must be the box id");
            assertTrue(registry.authenticate("box-1", "box-1", "wrong".getBytes()).isEmpty());
            assertTrue(registry.authenticate("syncready-controller-a", "syncready-controller",
                    "controller-secret".getBytes()).orElseThrow().isController());
            assertTrue(registry.authenticate("box-1", "syncready-controller", "controller-secret".getBytes()).isEmpty(),
                    "the controller login needs a controller client id");
            // Restart: the hash, not the secret, was stored, and still verifies.
            FleetRegistry reloaded = FleetRegistry.load(new SqlFleetStore(db), "other");
            assertTrue(reloaded.authenticate("box-1", "box-1", pw).isPresent());
        }
    }

    @Test
    void aRotatedSecretReplacesTheOldAtOnceAndARevokedBoxIsRefusedAndForgotten() throws Exception {
        try (Database db = Database.open(data.resolve("fleet.db"))) {
            FleetRegistry registry = FleetRegistry.load(new SqlFleetStore(db), "controller-secret");
            java.util.List<String> withdrawn = new java.util.concurrent.CopyOnWriteArrayList<>();
            registry.onCredentialsWithdrawn(withdrawn::add);
            registry.addSchool("s", "学校", "S");
            registry.addClassroom("c", "s", "教室", "C");
            byte[] old = registry.registerBox("box-1", "c", "m").secret().getBytes(StandardCharsets.UTF_8);

            byte[] rotated = registry.rotateSecret("box-1").secret().getBytes(StandardCharsets.UTF_8);
            assertTrue(registry.authenticate("box-1", "box-1", old).isEmpty(), "the old secret stops at once");
            assertTrue(registry.authenticate("box-1", "box-1", rotated).isPresent());
            assertEquals(java.util.List.of("box-1"), withdrawn, "the broker is told to close the connection");
            assertTrue(FleetRegistry.load(new SqlFleetStore(db), "x").authenticate("box-1", "box-1", rotated).isPresent(),
                    "the new secret survives a restart");

            registry.revokeBox("box-1");
            assertTrue(registry.authenticate("box-1", "box-1", rotated).isEmpty());
            assertTrue(registry.box("box-1").isEmpty());
            assertTrue(registry.echoKey("box-1").isEmpty());
            assertEquals(java.util.List.of("box-1", "box-1"), withdrawn);
            assertTrue(FleetRegistry.load(new SqlFleetStore(db), "x").box("box-1").isEmpty(), "revoked for good");

            assertEquals("not_found", assertThrows(Refusal.class, () -> registry.revokeBox("box-1")).kind().code());
            assertEquals("not_found", assertThrows(Refusal.class, () -> registry.rotateSecret("box-1")).kind().code());
            // The id is free for a new box (a replaced unit), with a new secret.
            assertTrue(registry.registerBox("box-1", "c", "m").secret().length() > 20);
        }
    }

    /** A broker's account book that can be switched off, as an unreachable Mosquitto. */
    private static final class SwitchableAccounts implements org.syncready.controller.broker.BrokerAccounts {
        final java.util.Map<String, String> secrets = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean down;

        private void reachable() {
            if (down) {
                throw new Unavailable("broker down");
            }
        }

        @Override
        public void create(String boxId, String secret) {
            reachable();
            secrets.put(boxId, secret);
        }

        @Override
        public void changeSecret(String boxId, String secret) {
            reachable();
            secrets.put(boxId, secret);
        }

        @Override
        public void delete(String boxId) {
            reachable();
            secrets.remove(boxId);
        }
    }

    @Test
    void whatTheBrokerDoesNotConfirmIsRefusedAndLeavesRegistryAndStoreAsTheyWere() throws Exception {
        try (Database db = Database.open(data.resolve("fleet.db"))) {
            SqlFleetStore store = new SqlFleetStore(db);
            FleetRegistry registry = FleetRegistry.load(store, "controller-secret");
            SwitchableAccounts accounts = new SwitchableAccounts();
            registry.keepAccountsIn(accounts);
            java.util.List<String> withdrawn = new java.util.concurrent.CopyOnWriteArrayList<>();
            registry.onCredentialsWithdrawn(withdrawn::add);
            registry.addSchool("s", "学校", "S");
            registry.addClassroom("c", "s", "教室", "C");
            String secret = registry.registerBox("box-1", "c", "m").secret();
            assertEquals(secret, accounts.secrets.get("box-1"), "the broker has the secret the API answered with");

            accounts.down = true;
            Refusal register = assertThrows(Refusal.class, () -> registry.registerBox("box-2", "c", "m"));
            assertEquals("unavailable", register.kind().code());
            assertTrue(registry.box("box-2").isEmpty());
            assertTrue(store.load().boxes().stream().noneMatch(b -> b.box().id().equals("box-2")), "nothing left in the store");

            Refusal rotate = assertThrows(Refusal.class, () -> registry.rotateSecret("box-1"));
            assertEquals("unavailable", rotate.kind().code());
            assertTrue(registry.authenticate("box-1", "box-1", secret.getBytes(StandardCharsets.UTF_8)).isPresent(),
                    "the old secret stays valid: nothing was rotated");

            Refusal revoke = assertThrows(Refusal.class, () -> registry.revokeBox("box-1"));
            assertEquals("unavailable", revoke.kind().code());
            assertTrue(registry.isRegistered("box-1"));
            assertTrue(store.load().boxes().stream().anyMatch(b -> b.box().id().equals("box-1")));
            assertEquals(java.util.List.of(), withdrawn, "no connection closed for a change that did not happen");

            accounts.down = false;
            registry.registerBox("box-2", "c", "m");
            String fresh = registry.rotateSecret("box-1").secret();
            assertEquals(fresh, accounts.secrets.get("box-1"));
            registry.revokeBox("box-1");
            assertTrue(!accounts.secrets.containsKey("box-1") && accounts.secrets.containsKey("box-2"));
        }
    }
}
