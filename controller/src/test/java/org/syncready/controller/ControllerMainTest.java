package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ControllerMainTest {
    private static ControllerConfig parse(String... args) {
        ControllerMain main = new ControllerMain();
        new CommandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void bindIsAShorthandForBothAndEachBindCanBeSetApart() {
        ControllerConfig both = parse("--bind", "0.0.0.0");
        assertEquals("0.0.0.0", both.mqttBind());
        assertEquals("0.0.0.0", both.httpBind());
        assertEquals("127.0.0.1", both.plainMqttBind(), "plain stays on loopback without the flag");
        assertFalse(both.allowPlainOnNetwork());

        ControllerConfig split = parse("--bind", "0.0.0.0", "--http-bind", "127.0.0.1", "--mqtts-port", "9883", "--https-port", "9443");
        assertEquals("0.0.0.0", split.mqttBind());
        assertEquals("127.0.0.1", split.httpBind());
        assertEquals(9883, split.mqttsPort());
        assertEquals(9443, split.httpsPort());

        ControllerConfig asked = parse("--mqtt-bind", "0.0.0.0", "--allow-plain-on-network");
        assertEquals("0.0.0.0", asked.plainMqttBind());
        assertEquals("127.0.0.1", asked.plainHttpBind(), "--http-bind defaults to --bind (loopback)");
    }

    @Test
    void tlsOptions() {
        ControllerConfig c = parse("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-hostnames", "ctl.example.edu.cn,10.0.0.5");
        assertEquals(Path.of("c.pem"), c.tlsCert());
        assertEquals(Path.of("k.pem"), c.tlsKey());
        assertEquals(List.of("ctl.example.edu.cn", "10.0.0.5"), c.tlsHostnames());

        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> parse("--tls-cert", "c.pem"));
        assertTrue(e.getMessage().contains("--tls-key"), e.getMessage());
    }

    @Test
    void storeIsSqliteByDefaultOrAPostgresqlUrlWithoutItsPassword() {
        assertEquals(null, parse().store());
        assertEquals(null, parse("--store", "sqlite").store());
        ControllerConfig pg = parse("--store", "postgresql://db.bureau/syncready?user=sr");
        assertEquals("db.bureau", pg.store().host());
        assertEquals("sr", pg.store().user());

        CommandLine.ParameterException noUser = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--store", "postgresql://db.bureau/syncready"));
        assertTrue(noUser.getMessage().startsWith("--store: the PostgreSQL URL names no user"), noUser.getMessage());
        CommandLine.ParameterException inUrl = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--store", "postgresql://db.bureau/syncready?user=sr&password=hunter2"));
        assertFalse(inUrl.getMessage().contains("hunter2"), inUrl.getMessage());
        CommandLine.ParameterException fileWithoutStore = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--store-password-file", "/nowhere"));
        assertTrue(fileWithoutStore.getMessage().contains("needs --store postgresql://"), fileWithoutStore.getMessage());
        CommandLine.ParameterException missingFile = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--store", "postgresql://db.bureau/syncready?user=sr", "--store-password-file", "/nowhere/pw"));
        assertTrue(missingFile.getMessage().contains("no such password file"), missingFile.getMessage());
    }

    @Test
    void theEmqxHookSecretComesFromAnOwnerOnlyFileAndIsNeverPrinted(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertEquals(null, parse().emqxHookSecret(), "off by default");
        String secret = "0123456789abcdef0123456789abcdef";
        Path file = java.nio.file.Files.writeString(dir.resolve("emqx-hook-secret"), secret + "\n");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ControllerConfig on = parse("--emqx-hook-secret-file", file.toString());
        assertEquals(secret, on.emqxHookSecret());
        assertFalse(on.toString().contains(secret), on.toString());
        assertTrue(on.toString().contains("emqxHook=on"), on.toString());

        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CommandLine.ParameterException readable = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--emqx-hook-secret-file", file.toString()));
        assertTrue(readable.getMessage().startsWith("--emqx-hook-secret-file: ") && readable.getMessage().contains("chmod 600"),
                readable.getMessage());
        assertFalse(readable.getMessage().contains(secret), readable.getMessage());

        Path shortFile = java.nio.file.Files.writeString(dir.resolve("short"), "tooshort\n");
        java.nio.file.Files.setPosixFilePermissions(shortFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        CommandLine.ParameterException tooShort = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--emqx-hook-secret-file", shortFile.toString()));
        assertTrue(tooShort.getMessage().contains("--emqx-hook-secret-file: the secret must be at least 16 characters"), tooShort.getMessage());
        assertFalse(tooShort.getMessage().contains("tooshort"), tooShort.getMessage());
    }
}
