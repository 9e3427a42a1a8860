package org.syncready.controller.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.Authentication;
import org.syncready.controller.account.Role;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlAccountStore;

/** The demo's accounts: one per role, the scoped ones in remote-hexi, listed in an owner-only file; again is a no-op. */
class DemoAccountsTest {
    @TempDir
    Path dir;

    @Test
    void oneAccountPerRoleWithTheReadmePasswordsListedInAnOwnerOnlyFile() throws Exception {
        try (Database db = Database.open(dir.resolve("syncready.db"))) {
            try (Connection c = db.pool().getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO school(id, name_zh, name_en, created_at) VALUES ('remote-hexi', '河西', 'Hexi', 0)");
            }
            Accounts accounts = new Accounts(new SqlAccountStore(db), Clock.systemUTC(), "remote-hexi"::equals, Accounts.Settings.DEFAULT);
            Path file = DemoAccounts.ensure(accounts, dir.resolve("demo"));
            DemoAccounts.ensure(accounts, dir.resolve("demo"));
            assertEquals(4, accounts.users().size());
            assertEquals(Set.of(Role.values()), Set.copyOf(accounts.users().stream().map(u -> u.role()).toList()));
            assertEquals(Set.of("remote-hexi"), accounts.user("demo-it").orElseThrow().schools());
            assertEquals(Set.of("remote-hexi"), accounts.user("demo-tech").orElseThrow().schools());
            assertInstanceOf(Authentication.Authenticated.class, accounts.login("demo-bureau", "demo-bureau-pass", "127.0.0.1"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String text = Files.readString(file);
            for (DemoAccounts.Account a : DemoAccounts.ACCOUNTS) {
                assertTrue(text.contains(a.username() + "\t" + a.password() + "\t" + a.role()), text);
            }
            String readme = Files.readString(Path.of("..", "README.md"));
            for (DemoAccounts.Account a : DemoAccounts.ACCOUNTS) {
                assertTrue(readme.contains("| `" + a.username() + "` | `" + a.password() + "` |"), "README lists " + a.username());
            }
        }
    }
}
