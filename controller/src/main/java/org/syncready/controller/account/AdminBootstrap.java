package org.syncready.controller.account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start: a controller without users gets {@code admin}, with the password from
 * {@code SYNCREADY_ADMIN_PASSWORD} if set, otherwise a random one that is logged once and written to
 * {@value #FILE} (mode 0600) in the data folder, for whoever installed the controller to read and
 * then delete.
 */
public final class AdminBootstrap {
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    public static final String FILE = "admin-password";

    private AdminBootstrap() {
    }

    public static void run(Accounts accounts, String configuredPassword, Path dataDir) throws IOException {
        Accounts.FirstAdmin first = accounts.ensureAdmin(configuredPassword);
        if (!first.created()) {
            return;
        }
        if (first.generatedPassword() == null) {
            log.info("first start: created user admin with the password from SYNCREADY_ADMIN_PASSWORD");
            return;
        }
        Path file = dataDir.resolve(FILE);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, first.generatedPassword() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // The one time a password is logged, as the issue asks: the operator needs it to log in at all.
        log.warn("first start: created user admin with password {} (also in {}, mode 0600). Log in, change it"
                + " (POST /api/v1/me/password), then delete the file. 首次启动：已创建管理员 admin，密码见上。",
                first.generatedPassword(), file);
    }
}
