package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresqlLocationTest {
    @TempDir
    Path dir;

    @Test
    void aUrlGivesHostPortDatabaseUserAndDriverParameters() {
        PostgresqlLocation l = PostgresqlLocation.parse("postgresql://db.bureau:6432/syncready?user=sr&sslmode=verify-full&currentSchema=a");
        assertEquals("db.bureau", l.host());
        assertEquals(6432, l.port());
        assertEquals("syncready", l.database());
        assertEquals("sr", l.user());
        assertEquals(Map.of("sslmode", "verify-full", "currentSchema", "a"), l.parameters());
        assertEquals("jdbc:postgresql://db.bureau:6432/syncready?sslmode=verify-full&currentSchema=a", l.jdbcUrl());
        assertEquals(5432, PostgresqlLocation.parse("postgres://10.0.0.5/s?user=u").port());
    }

    @Test
    void badUrlsAreRefusedWithTheReason() {
        assertTrue(message("mysql://h/db?user=u").contains("not a PostgreSQL URL"));
        assertTrue(message("postgresql://h/db").contains("names no user"));
        assertTrue(message("postgresql://h/?user=u").contains("names no database"));
        assertTrue(message("postgresql:///db?user=u").contains("names no host"));
        assertTrue(message("postgresql://u:secret@h/db?user=u").contains("must not carry user:password@"));
        String inQuery = message("postgresql://h/db?user=u&password=secret");
        assertTrue(inQuery.contains("must not carry the password"));
        assertFalse(inQuery.contains("secret"), inQuery);
    }

    @Test
    void thePasswordIsNeverInTheTextOfALocation() {
        PostgresqlLocation l = PostgresqlLocation.parse("postgresql://h/db?user=u").withPassword("s3cret-pw");
        assertFalse(l.toString().contains("s3cret-pw"), l.toString());
        assertFalse(l.jdbcUrl().contains("s3cret-pw"), l.jdbcUrl());
        assertEquals("postgresql://h:5432/db?user=u", l.toString());
    }

    @Test
    void thePasswordComesFromAnOwnerOnlyFileOrTheEnvironment() throws Exception {
        Path file = Files.createFile(dir.resolve("pw"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "from-file\nsecond line ignored\n");
        assertEquals("from-file", PostgresqlLocation.password(file, k -> "from-env"));
        assertEquals("from-env", PostgresqlLocation.password(null, k -> k.equals(PostgresqlLocation.PASSWORD_VARIABLE) ? "from-env" : null));
        assertNull(PostgresqlLocation.password(null, k -> null));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        IOException readable = assertThrows(IOException.class, () -> PostgresqlLocation.password(file, k -> null));
        assertTrue(readable.getMessage().contains("readable by others"), readable.getMessage());
        IOException missing = assertThrows(IOException.class, () -> PostgresqlLocation.password(dir.resolve("none"), k -> null));
        assertTrue(missing.getMessage().contains("no such password file"), missing.getMessage());
    }

    private static String message(String url) {
        return assertThrows(IllegalArgumentException.class, () -> PostgresqlLocation.parse(url)).getMessage();
    }
}
