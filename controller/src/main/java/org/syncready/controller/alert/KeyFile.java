package org.syncready.controller.alert;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/** A random key in {@code <data>/keys/} (owner-only, like the config-signing key), created on first use. */
final class KeyFile {
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private KeyFile() {
    }

    static byte[] loadOrCreate(Path file, int bytes) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the folder's own access rules apply.
            }
            byte[] key = new byte[bytes];
            new SecureRandom().nextBytes(key);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                return read(file, bytes);
            }
            Files.write(file, key, StandardOpenOption.TRUNCATE_EXISTING);
            return key;
        }
        return read(file, bytes);
    }

    private static byte[] read(Path file, int bytes) throws IOException {
        byte[] key = Files.readAllBytes(file);
        if (key.length != bytes) {
            throw new IOException(file + " should hold " + bytes + " bytes, has " + key.length + "; move it away to create a new one");
        }
        return key;
    }
}
