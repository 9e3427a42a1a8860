package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data folder holds echo keys, secrets' hashes and the signing key: nobody but its owner reads it. */
class DataFolderTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewDataFolderIsOwnerOnlyAndSoIsTheDatabaseWithItsWalAndShm() throws Exception {
        Path data = tmp.resolve("new-data");
        try (ControllerFixture api = new ControllerFixture(data)) {
            api.registerBox("school", "room", "box-1"); // a write, so the WAL has content
            assertEquals("rwx------", mode(data));
            for (String name : new String[] {"syncready.db", "syncready.db-wal", "syncready.db-shm"}) {
                Path f = data.resolve(name);
                assertTrue(Files.exists(f), name);
                assertEquals("rw-------", mode(f), name);
            }
        }
    }

    @Test
    void anExistingOpenFolderAndDatabaseAreTightened() throws Exception {
        Path data = tmp.resolve("old-data");
        new ControllerFixture(data).close();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("syncready.db"), PosixFilePermissions.fromString("rw-r--r--"));
        try (ControllerFixture api = new ControllerFixture(data)) {
            assertEquals("rwx------", mode(data));
            assertEquals("rw-------", mode(data.resolve("syncready.db")));
        }
    }
}
