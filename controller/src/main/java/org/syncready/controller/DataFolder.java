package org.syncready.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's data folder, readable by its owner only: it holds the database (box secrets'
 * hashes, echo keys), the config-signing key and the demo fleet's passwords. Created 0700; an existing
 * folder that others can read is tightened, and the log says so once.
 */
final class DataFolder {
    private static final Logger log = LoggerFactory.getLogger(DataFolder.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private DataFolder() {
    }

    static Path prepare(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Path parent = abs.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean posix = Files.getFileStore(parent == null ? abs.getRoot() : nearestExisting(parent))
                .supportsFileAttributeView("posix");
        if (!Files.isDirectory(abs)) {
            if (posix) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                // The umask may have taken bits away, never added any: set exactly.
                Files.setPosixFilePermissions(abs, OWNER_ONLY);
            } else {
                Files.createDirectory(abs);
            }
            return abs;
        }
        if (posix) {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(abs);
            if (!now.equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(abs, OWNER_ONLY);
                log.warn("data folder {} was {}; set to rwx------ (it holds keys and secrets)", abs,
                        PosixFilePermissions.toString(now));
            }
        }
        return abs;
    }

    private static Path nearestExisting(Path p) {
        Path q = p;
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return q == null ? p.getRoot() : q;
    }

    /**
     * This node's id, made once per data folder ({@code node-id}): two controllers must not share a data
     * folder, and a copy of one (a restored backup running next to the original) must get a new id.
     */
    static String nodeId(Path dataDir) throws java.io.IOException {
        Path file = dataDir.resolve("node-id");
        if (Files.exists(file)) {
            String id = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).trim();
            if (id.matches("[a-z0-9]{8}")) {
                return id;
            }
            log.warn("{} does not hold a node id; making a new one", file);
        }
        String id = java.util.UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(dataDir);
        Files.writeString(file, id + "\n", java.nio.charset.StandardCharsets.UTF_8);
        return id;
    }
}
