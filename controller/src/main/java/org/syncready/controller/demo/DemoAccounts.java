package org.syncready.controller.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.Role;

/**
 * The demo's accounts, one per role, with passwords documented in the README (a demo runs on
 * loopback; a real deployment creates its own users). The school-it and technician accounts act in
 * the remote school {@value #SCHOOL} only.
 */
public final class DemoAccounts {
    private static final Logger log = LoggerFactory.getLogger(DemoAccounts.class);
    /** The remote school the scoped demo accounts act in. */
    public static final String SCHOOL = "remote-hexi";

    /** One demo account. */
    public record Account(String username, String password, Role role, Set<String> schools) {
        @Override
        public String toString() {
            return username + " (" + role + (schools.isEmpty() ? "" : " " + schools) + ")";
        }
    }

    public static final List<Account> ACCOUNTS = List.of(
            new Account("demo-admin", "demo-admin-pass", Role.ADMIN, Set.of()),
            new Account("demo-bureau", "demo-bureau-pass", Role.BUREAU, Set.of()),
            new Account("demo-it", "demo-it-pass", Role.SCHOOL_IT, Set.of(SCHOOL)),
            new Account("demo-tech", "demo-tech-pass", Role.TECHNICIAN, Set.of(SCHOOL)));

    private DemoAccounts() {
    }

    /** Creates the accounts not there yet and writes {@code accounts.txt} (mode 0600) into the demo folder. */
    public static Path ensure(Accounts accounts, Path demoDir) throws IOException {
        for (Account a : ACCOUNTS) {
            if (accounts.user(a.username()).isEmpty()) {
                accounts.createUser(a.username(), a.role(), a.schools(), "Demo " + a.role(), a.password());
            }
        }
        StringBuilder text = new StringBuilder("# SyncReady demo accounts (see README). 演示账号。\n# user\tpassword\trole\tschools\n");
        for (Account a : ACCOUNTS) {
            text.append(a.username()).append('\t').append(a.password()).append('\t').append(a.role()).append('\t')
                    .append(a.schools().isEmpty() ? "all" : String.join(",", a.schools())).append('\n');
        }
        Files.createDirectories(demoDir);
        Path file = demoDir.resolve("accounts.txt");
        Path tmp = demoDir.resolve("accounts.txt.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("demo accounts, one per role: {}; their passwords are in {} and the README (e.g. curl -u demo-bureau:demo-bureau-pass ...)",
                ACCOUNTS, file);
        return file;
    }
}
