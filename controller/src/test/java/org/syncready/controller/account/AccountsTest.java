package org.syncready.controller.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.TestClock;
import org.syncready.controller.refusal.Refusal;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlAccountStore;

/** Users, passwords, tokens and sessions on a real SQLite file, with a clock the test moves. */
class AccountsTest {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;
    private Database database;
    private TestClock clock;
    private Accounts accounts;

    @BeforeEach
    void open() throws Exception {
        database = Database.open(dir.resolve("syncready.db"));
        try (Connection c = database.pool().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO school(id, name_zh, name_en, created_at) VALUES ('hexi', '河西', 'Hexi', 0), ('shanbei', '山北', 'Shanbei', 0)");
        }
        clock = new TestClock(Instant.parse("2026-09-07T00:00:00Z"));
        accounts = new Accounts(new SqlAccountStore(database), clock, id -> id.equals("hexi") || id.equals("shanbei"),
                Accounts.Settings.DEFAULT);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aPasswordIsStoredAsAnArgon2idHashWithItsOwnSaltAndChecked() throws Exception {
        accounts.createUser("Li.Tech", Role.TECHNICIAN, Set.of("hexi"), "李工", PASSWORD);
        accounts.createUser("wang", Role.TECHNICIAN, Set.of("hexi"), null, PASSWORD);
        String liHash = column("SELECT password_hash FROM app_user WHERE username = 'li.tech'");
        String wangHash = column("SELECT password_hash FROM app_user WHERE username = 'wang'");
        assertTrue(liHash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), liHash);
        assertNotEquals(liHash, wangHash, "same password, different salts");
        assertFalse(storedBytes().contains(PASSWORD));

        Authentication ok = accounts.login("LI.TECH", PASSWORD, "10.0.0.1");
        Principal p = assertInstanceOf(Authentication.Authenticated.class, ok).principal();
        assertEquals("li.tech", p.username());
        assertEquals(Role.TECHNICIAN, p.role());
        assertTrue(p.sees("hexi"));
        assertFalse(p.sees("shanbei"));
    }

    @Test
    void aWrongPasswordAnUnknownUserAndADisabledUserGetTheSameAnswer() {
        accounts.createUser("wang", Role.SCHOOL_IT, Set.of("hexi"), null, PASSWORD);
        accounts.createUser("zhao", Role.BUREAU, Set.of(), null, PASSWORD);
        accounts.updateUser("zhao", new Accounts.UserChange(null, null, null, true));
        Authentication wrong = accounts.login("wang", "not the password", "10.0.0.1");
        Authentication unknown = accounts.login("nobody", PASSWORD, "10.0.0.2");
        Authentication disabled = accounts.login("zhao", PASSWORD, "10.0.0.3");
        assertEquals(wrong, unknown);
        assertEquals(wrong, disabled);
        assertEquals("wrong_credentials", assertInstanceOf(Authentication.Denied.class, wrong).reason());
    }

    @Test
    void guessingIsSlowedPerUserAndPerSourceAndASuccessClearsTheUser() {
        accounts.createUser("wang", Role.SCHOOL_IT, Set.of("hexi"), null, PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(Authentication.Denied.class, accounts.login("wang", "guess-" + i + "-xxxxx", "10.0.0." + i));
        }
        // The sixth failure (from yet another source) starts the delay for the user, whatever the source.
        assertInstanceOf(Authentication.Denied.class, accounts.login("wang", "guess-6-xxxxx", "10.0.0.6"));
        Authentication.Throttled t = assertInstanceOf(Authentication.Throttled.class, accounts.login("wang", PASSWORD, "10.0.0.7"));
        assertEquals(Duration.ofSeconds(1), t.retryAfter());
        clock.advance(Duration.ofMillis(1001));
        assertInstanceOf(Authentication.Denied.class, accounts.login("wang", "guess-7-xxxxx", "10.0.0.7"));
        Authentication.Throttled doubled = assertInstanceOf(Authentication.Throttled.class, accounts.login("wang", PASSWORD, "10.0.0.7"));
        assertEquals(Duration.ofSeconds(2), doubled.retryAfter(), "each further failure doubles the delay");
        clock.advance(Duration.ofSeconds(2));
        assertInstanceOf(Authentication.Authenticated.class, accounts.login("wang", PASSWORD, "10.0.0.7"));
        assertInstanceOf(Authentication.Denied.class, accounts.login("wang", "guess-8-xxxxx", "10.0.0.8"),
                "a success clears the user's count: the next failure is free again");
        assertInstanceOf(Authentication.Authenticated.class, accounts.login("wang", PASSWORD, "10.0.0.8"));

        // One source trying many names is slowed after 20 failures, for every name, existing or not.
        for (int i = 0; i < 20; i++) {
            assertInstanceOf(Authentication.Denied.class, accounts.login("user" + i, PASSWORD, "192.0.2.9"));
        }
        assertInstanceOf(Authentication.Denied.class, accounts.login("user20", PASSWORD, "192.0.2.9"));
        assertInstanceOf(Authentication.Throttled.class, accounts.login("wang", PASSWORD, "192.0.2.9"));
        assertInstanceOf(Authentication.Authenticated.class, accounts.login("wang", PASSWORD, "192.0.2.10"), "other sources are not slowed");
    }

    @Test
    void tokensAreStoredHashedExpireAndAreRevokedAtOnce() throws Exception {
        accounts.createUser("wang", Role.SCHOOL_IT, Set.of("hexi"), null, PASSWORD);
        NewToken made = accounts.createToken("wang", "nightly export", Duration.ofDays(2), "wang");
        assertTrue(made.secret().matches("srt_[A-Za-z0-9_-]{43}"), made.secret());
        assertFalse(storedBytes().contains(made.secret().substring(4)), "only the secret's hash is stored");
        Principal p = assertInstanceOf(Authentication.Authenticated.class, accounts.bearer(made.secret())).principal();
        assertEquals(Principal.Method.TOKEN, p.method());
        assertEquals(made.token().id(), p.credentialId());

        assertEquals("token_unknown", denied(accounts.bearer("srt_" + "A".repeat(43))).reason());
        assertEquals("token_unknown", denied(accounts.bearer("Bearer nonsense")).reason());

        clock.advance(Duration.ofDays(2));
        assertEquals("token_expired", denied(accounts.bearer(made.secret())).reason());

        NewToken second = accounts.createToken("wang", "cron", null, "admin");
        assertEquals(clock.millis() + Duration.ofDays(90).toMillis(), second.token().expiresAt(), "default life 90 days");
        assertInstanceOf(Authentication.Authenticated.class, accounts.bearer(second.secret()));
        ApiToken revoked = accounts.revokeToken(second.token().id(), "admin");
        assertEquals("revoked", revoked.state(clock.millis()));
        assertEquals("admin", revoked.revokedBy());
        assertEquals("token_revoked", denied(accounts.bearer(second.secret())).reason());

        assertEquals(2, accounts.tokens("wang").size());
        Refusal bad = assertThrows(Refusal.class, () -> accounts.createToken("wang", "", Duration.ofDays(999), "wang"));
        assertEquals(2, bad.problems().size(), bad.getMessage());
    }

    @Test
    void aDisabledUsersTokensAreRefusedAndTheirSessionsEnd() {
        accounts.createUser("wang", Role.SCHOOL_IT, Set.of("hexi"), null, PASSWORD);
        accounts.createUser("root2", Role.ADMIN, Set.of(), null, PASSWORD);
        NewToken token = accounts.createToken("wang", "script", null, "wang");
        User wang = accounts.user("wang").orElseThrow();
        NewSession session = accounts.startSession(wang, "10.0.0.1");
        accounts.updateUser("wang", new Accounts.UserChange(null, null, null, true));
        assertEquals("user_disabled", denied(accounts.bearer(token.secret())).reason());
        assertEquals("session_ended", denied(accounts.sessionCookie(session.cookieValue())).reason());
        accounts.updateUser("wang", new Accounts.UserChange(null, null, null, false));
        assertInstanceOf(Authentication.Authenticated.class, accounts.bearer(token.secret()), "enabled again: the token works");
    }

    @Test
    void sessionsEndAfterTheirIdleTimeOrLifetimeAndOnLogout() {
        accounts.createUser("wang", Role.SCHOOL_IT, Set.of("hexi"), null, PASSWORD);
        User wang = accounts.user("wang").orElseThrow();
        NewSession s = accounts.startSession(wang, "10.0.0.1");
        Principal p = assertInstanceOf(Authentication.Authenticated.class, accounts.sessionCookie(s.cookieValue())).principal();
        assertEquals(s.session().csrfToken(), p.csrfToken());
        assertEquals(43, p.csrfToken().length());

        // Active every 90 minutes: the idle timeout (2 h) never strikes, the lifetime (12 h) does.
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofMinutes(90));
            assertInstanceOf(Authentication.Authenticated.class, accounts.sessionCookie(s.cookieValue()), "after " + (i + 1) * 90 + " min");
        }
        clock.advance(Duration.ofMinutes(90));
        assertEquals("session_ended", denied(accounts.sessionCookie(s.cookieValue())).reason());

        NewSession idle = accounts.startSession(wang, "10.0.0.1");
        clock.advance(Duration.ofHours(2));
        assertEquals("session_ended", denied(accounts.sessionCookie(idle.cookieValue())).reason());

        NewSession out = accounts.startSession(wang, "10.0.0.1");
        accounts.endSession(out.session().idHash());
        assertEquals("session_ended", denied(accounts.sessionCookie(out.cookieValue())).reason());
    }

    @Test
    void changingOnesPasswordNeedsTheCurrentOneAndEndsTheOtherSessions() {
        accounts.createUser("wang", Role.SCHOOL_IT, Set.of("hexi"), null, PASSWORD);
        User wang = accounts.user("wang").orElseThrow();
        NewSession here = accounts.startSession(wang, "10.0.0.1");
        NewSession elsewhere = accounts.startSession(wang, "10.0.0.2");
        Principal p = ((Authentication.Authenticated) accounts.sessionCookie(here.cookieValue())).principal();

        assertInstanceOf(Authentication.Denied.class, accounts.changePassword(p, "wrong current", "a new password!", "10.0.0.1"));
        Refusal tooShort = assertThrows(Refusal.class, () -> accounts.changePassword(p, PASSWORD, "short", "10.0.0.1"));
        assertEquals("/newPassword", tooShort.problems().get(0).field());
        assertInstanceOf(Authentication.Authenticated.class, accounts.changePassword(p, PASSWORD, "a new password!", "10.0.0.1"));

        assertInstanceOf(Authentication.Authenticated.class, accounts.sessionCookie(here.cookieValue()));
        assertEquals("session_ended", denied(accounts.sessionCookie(elsewhere.cookieValue())).reason());
        assertInstanceOf(Authentication.Denied.class, accounts.login("wang", PASSWORD, "10.0.0.1"));
        assertInstanceOf(Authentication.Authenticated.class, accounts.login("wang", "a new password!", "10.0.0.1"));
    }

    @Test
    void usersAreCheckedFieldByField() {
        Refusal r = assertThrows(Refusal.class, () -> accounts.createUser("-bad name", Role.SCHOOL_IT, Set.of(), null, "short"));
        assertEquals(Set.of("/username", "/schools", "/password"), r.problems().stream().map(Refusal.Problem::field)
                .collect(java.util.stream.Collectors.toSet()), r.getMessage());
        Refusal unknownSchool = assertThrows(Refusal.class, () -> accounts.createUser("li", Role.TECHNICIAN, Set.of("nowhere"), null, PASSWORD));
        assertTrue(unknownSchool.getMessage().contains("no school 'nowhere'"), unknownSchool.getMessage());
        Refusal bureauWithSchools = assertThrows(Refusal.class, () -> accounts.createUser("zhao", Role.BUREAU, Set.of("hexi"), null, PASSWORD));
        assertEquals("/schools", bureauWithSchools.problems().get(0).field());
        Refusal sameAsName = assertThrows(Refusal.class, () -> accounts.createUser("li.technician", Role.TECHNICIAN, Set.of("hexi"), null, "LI.TECHNICIAN"));
        assertEquals("/password", sameAsName.problems().get(0).field());

        accounts.createUser("li", Role.TECHNICIAN, Set.of("hexi"), null, PASSWORD);
        assertEquals(Refusal.Kind.CONFLICT, assertThrows(Refusal.class,
                () -> accounts.createUser("LI", Role.TECHNICIAN, Set.of("hexi"), null, PASSWORD)).kind());
        User moved = accounts.updateUser("li", new Accounts.UserChange(null, Set.of("hexi", "shanbei"), "Li Gong", null));
        assertEquals(Set.of("hexi", "shanbei"), moved.schools());
        assertEquals(moved, accounts.user("li").orElseThrow());
    }

    @Test
    void firstStartCreatesAdminOnceAndTheLastAdminStays() {
        Accounts.FirstAdmin first = accounts.ensureAdmin(null);
        assertTrue(first.created());
        assertEquals(20, first.generatedPassword().length());
        assertInstanceOf(Authentication.Authenticated.class, accounts.login("admin", first.generatedPassword(), "127.0.0.1"));
        Accounts.FirstAdmin again = accounts.ensureAdmin("another password");
        assertFalse(again.created());
        assertNull(again.generatedPassword());

        Refusal last = assertThrows(Refusal.class, () -> accounts.updateUser("admin", new Accounts.UserChange(Role.BUREAU, null, null, null)));
        assertEquals(Refusal.Kind.CONFLICT, last.kind());
        assertThrows(Refusal.class, () -> accounts.updateUser("admin", new Accounts.UserChange(null, null, null, true)));
        accounts.createUser("root2", Role.ADMIN, Set.of(), null, PASSWORD);
        assertTrue(accounts.updateUser("admin", new Accounts.UserChange(null, null, null, true)).disabled());
    }

    @Test
    void aConfiguredAdminPasswordTooShortStopsTheFirstStart() throws Exception {
        Refusal r = assertThrows(Refusal.class, () -> accounts.ensureAdmin("short"));
        assertEquals("SYNCREADY_ADMIN_PASSWORD", r.problems().get(0).field());
        assertEquals(0, accounts.users().size());
        AdminBootstrap.run(accounts, null, dir);
        Path file = dir.resolve(AdminBootstrap.FILE);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertInstanceOf(Authentication.Authenticated.class, accounts.login("admin", Files.readString(file).strip(), "127.0.0.1"));
    }

    private static Authentication.Denied denied(Authentication a) {
        return assertInstanceOf(Authentication.Denied.class, a);
    }

    /** The database file and its write-ahead log, as text. */
    private String storedBytes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String name : new String[] {"syncready.db", "syncready.db-wal"}) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                all.append(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    private String column(String sql) throws Exception {
        try (Connection c = database.pool().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
