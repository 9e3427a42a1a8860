package org.syncready.controller.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.TestClock;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.audit.AuditQuery;
import org.syncready.controller.audit.InMemoryAuditStore;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.InMemoryFleetStore;
import org.syncready.controller.refusal.Refusal;

class EnrollmentCodesTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-03-02T00:00:00Z"));
    private final InMemoryEnrollmentStore store = new InMemoryEnrollmentStore();
    private final InMemoryAuditStore auditStore = new InMemoryAuditStore();
    private FleetRegistry registry;
    private EnrollmentCodes codes;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        registry = FleetRegistry.load(new InMemoryFleetStore(), "controller-secret");
        registry.addSchool("hexi", "河西", "Hexi");
        registry.addClassroom("hexi-g3", "hexi", "三年级", "Grade 3");
        codes = new EnrollmentCodes(store, registry, new AuditLog(auditStore, clock), new byte[32], clock,
                new EnrollmentCodes.Limits(5, 5, 30, 30, 100));
    }

    @Test
    void aCodeIsShownOnceKeptAsAKeyedHashAndEnrollsOneBox() {
        EnrollmentCodes.Issued issued = codes.create("hexi-g3", EnrollmentCodes.DEFAULT_TTL, new Actor("tech-li", "10.0.0.1"));
        assertTrue(issued.text().matches("[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}"), issued.text());
        assertEquals(clock.millis() + Duration.ofHours(24).toMillis(), issued.code().expiresAt());
        String stored = store.createdSince(0).get(0).codeHash();
        assertFalse(stored.contains(issued.text().replace("-", "")), "only the HMAC is kept");
        assertEquals(64, stored.length());

        // Typed by a person: lower case, without the dash.
        EnrollmentCodes.Enrolled enrolled = codes.redeem(issued.text().toLowerCase().replace("-", " "), "box-7", "SR-BOX-200", "10.1.1.5");
        assertEquals("box-7", enrolled.registration().box().id());
        assertEquals("hexi-g3", enrolled.registration().box().classroomId());
        assertEquals("SR-BOX-200", enrolled.registration().box().model());
        assertTrue(registry.authenticate("box-7", "box-7", enrolled.registration().secret().getBytes(StandardCharsets.UTF_8)).isPresent());
        assertEquals(EnrollmentCode.State.USED, codes.list("hexi-g3").get(0).state(clock.millis()));
        assertEquals("box-7", codes.list("hexi-g3").get(0).usedByBox());

        Refusal again = assertThrows(Refusal.class, () -> codes.redeem(issued.text(), "box-8", "m", "10.1.1.5"));
        assertTrue(again.getMessage().contains("already used") && again.getMessage().contains("已被使用"), again.getMessage());
        assertTrue(registry.box("box-8").isEmpty());

        List<String> audited = auditStore.list(new AuditQuery(10, null, null, null, "enrollment", null, null)).stream().map(e -> e.action() + " " + e.result()).toList();
        assertEquals(List.of("enrollment.redeem refused: used", "enrollment.redeem ok", "enrollment.code.create ok"), audited);
        AuditEntry redeem = auditStore.list(new AuditQuery(10, null, null, null, "enrollment.redeem", null, null)).get(1);
        assertTrue("10.1.1.5".equals(redeem.source()) && redeem.target().contains("box-7"), redeem.toString());
    }

    @Test
    void expiredRevokedAndWrongCodesAreRefusedInBothLanguages() {
        EnrollmentCodes.Issued expiring = codes.create("hexi-g3", Duration.ofMinutes(30), new Actor("tech-li", "10.0.0.1"));
        EnrollmentCodes.Issued revoked = codes.create("hexi-g3", Duration.ofHours(1), new Actor("tech-li", "10.0.0.1"));
        codes.revoke("hexi-g3", revoked.code().id(), new Actor("it-wang", "10.0.0.1"));
        clock.advance(Duration.ofMinutes(31));

        Refusal expired = assertThrows(Refusal.class, () -> codes.redeem(expiring.text(), null, "m", "10.1.1.5"));
        assertTrue(expired.getMessage().contains("expired") && expired.getMessage().contains("已过期"), expired.getMessage());
        Refusal gone = assertThrows(Refusal.class, () -> codes.redeem(revoked.text(), null, "m", "10.1.1.5"));
        assertTrue(gone.getMessage().contains("revoked") && gone.getMessage().contains("已被撤销"), gone.getMessage());
        Refusal wrong = assertThrows(Refusal.class, () -> codes.redeem("2345-6789", null, "m", "10.1.1.6"));
        assertTrue(wrong.getMessage().contains("wrong enrollment code") && wrong.getMessage().contains("注册码错误"), wrong.getMessage());
        assertEquals(Refusal.Kind.FORBIDDEN, wrong.kind());
        assertThrows(Refusal.class, () -> codes.redeem("not a code at all", null, "m", "10.1.1.6"));
        assertTrue(registry.boxes().isEmpty(), "nothing registered by a refused code");

        Refusal twice = assertThrows(Refusal.class, () -> codes.revoke("hexi-g3", revoked.code().id(), new Actor("it-wang", "10.0.0.1")));
        assertEquals(Refusal.Kind.CONFLICT, twice.kind());
        assertEquals(Refusal.Kind.NOT_FOUND, assertThrows(Refusal.class, () -> codes.create("nowhere", Duration.ofHours(1), new Actor("x", "10.0.0.1"))).kind());
        assertEquals(Refusal.Kind.INVALID, assertThrows(Refusal.class, () -> codes.create("hexi-g3", Duration.ofDays(8), new Actor("x", "10.0.0.1"))).kind());
        assertEquals(Set.of(EnrollmentCode.State.REVOKED, EnrollmentCode.State.EXPIRED),
                Set.copyOf(codes.list("hexi-g3").stream().map(c -> c.state(clock.millis())).toList()));
    }

    @Test
    void guessingIsSlowedPerSourceAndOverallAndSuccessesCostNothing() {
        for (int i = 0; i < 5; i++) {
            assertThrows(Refusal.class, () -> codes.redeem("2345-6789", null, "m", "10.9.9.9"));
        }
        EnrollmentCodes.Throttled throttled = assertThrows(EnrollmentCodes.Throttled.class,
                () -> codes.redeem("2345-6789", null, "m", "10.9.9.9"));
        assertTrue(throttled.retryAfterSeconds() >= 1 && throttled.retryAfterSeconds() <= 12, "" + throttled.retryAfterSeconds());
        assertTrue(throttled.getMessage().contains("注册尝试过多"));
        // Even a right code waits: the limit comes before the code is looked at.
        EnrollmentCodes.Issued good = codes.create("hexi-g3", Duration.ofHours(1), new Actor("tech", "10.0.0.1"));
        assertThrows(EnrollmentCodes.Throttled.class, () -> codes.redeem(good.text(), null, "m", "10.9.9.9"));

        // Another address is not slowed by the first one's guesses, and its successes give their tokens back.
        for (int i = 0; i < 8; i++) {
            EnrollmentCodes.Issued c = codes.create("hexi-g3", Duration.ofHours(1), new Actor("tech", "10.0.0.1"));
            codes.redeem(c.text(), "box-" + i, "m", "10.1.1.5");
        }
        // The global bucket: 30 failures from many addresses, then everyone waits.
        for (int i = 0; i < 25; i++) {
            String source = "10.2.0." + i;
            assertThrows(Refusal.class, () -> codes.redeem("2345-6789", null, "m", source));
        }
        assertThrows(EnrollmentCodes.Throttled.class, () -> codes.redeem(good.text(), null, "m", "10.3.0.1"));
    }

    @Test
    void aBoxIdIsMadeUpWhenNoneIsAskedAndATakenOneIsAConflictThatKeepsTheCode() {
        registry.registerBox("box-taken", "hexi-g3", "m");
        EnrollmentCodes.Issued issued = codes.create("hexi-g3", Duration.ofHours(1), new Actor("tech", "10.0.0.1"));
        assertEquals(Refusal.Kind.CONFLICT, assertThrows(Refusal.class,
                () -> codes.redeem(issued.text(), "box-taken", "m", "10.1.1.5")).kind());
        String made = codes.redeem(issued.text(), null, null, "10.1.1.5").registration().box().id();
        assertTrue(made.matches("box-[2-9a-z]{10}"), made);
        assertEquals("unknown", registry.box(made).orElseThrow().model());

        Set<String> texts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            texts.add(codes.create("hexi-g3", Duration.ofHours(1), new Actor("tech", "10.0.0.1")).text());
        }
        assertEquals(200, texts.size(), "codes are random");
    }

    @Test
    void theCodeKeyIsMadeOnceOwnerOnly() throws Exception {
        byte[] key = EnrollmentCodes.loadOrCreateKey(dir);
        assertEquals(32, key.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("enrollment.key"))));
        assertEquals(new String(key, StandardCharsets.ISO_8859_1),
                new String(EnrollmentCodes.loadOrCreateKey(dir), StandardCharsets.ISO_8859_1));
        EnrollmentCodes other = new EnrollmentCodes(store, registry, new AuditLog(auditStore, clock), key, clock,
                EnrollmentCodes.Limits.DEFAULT);
        assertNotEquals(other.hash("ABCDEFGH"), codes.hash("ABCDEFGH"), "the hash depends on the key");
    }
}
