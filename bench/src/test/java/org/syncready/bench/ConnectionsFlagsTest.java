package org.syncready.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code BenchMain connections}: periodic or by exception, and bad flags refused before anything starts. */
class ConnectionsFlagsTest {
    @Test
    void changePerMinuteIsAPercentage() {
        assertEquals(0.01, BenchMain.percent("1%"), 1e-12);
        assertEquals(0.005, BenchMain.percent("0.5 %"), 1e-12);
        assertEquals(0.02, BenchMain.percent("2"), 1e-12);
        for (String bad : new String[]{"often", "-1%", "150%", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchMain.percent(bad), bad);
            assertTrue(e.getMessage().startsWith("--change-per-minute must be"), e.getMessage());
        }
    }

    @Test
    void intervalAndHeartbeatExcludeEachOtherAndAreBounded() {
        assertRefused("give --interval (periodic) or --heartbeat (report by exception), not both", "--interval", "10", "--heartbeat", "60");
        assertRefused("--heartbeat must be 1..3600 seconds, was 0", "--heartbeat", "0");
        assertRefused("--interval must be 1..3600 seconds, was 4000", "--interval", "4000");
        assertRefused("--change-per-minute must be 0%..100%, was '200%'", "--heartbeat", "60", "--change-per-minute", "200%");
    }

    private static void assertRefused(String message, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchMain.Connections());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains(message), err.toString());
    }
}
