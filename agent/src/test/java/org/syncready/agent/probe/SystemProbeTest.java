package org.syncready.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.SystemStatus;

/** SystemProbe on fixture files shaped like Linux's /proc and /sys. */
class SystemProbeTest {
    @TempDir
    Path dir;
    Path proc;
    Path sys;

    @BeforeEach
    void fixtures() throws IOException {
        proc = Files.createDirectories(dir.resolve("proc"));
        sys = Files.createDirectories(dir.resolve("sys"));
        writeStat(1000, 0, 500, 8000, 500);
        Files.writeString(proc.resolve("meminfo"), """
                MemTotal:        4000000 kB
                MemFree:          500000 kB
                MemAvailable:    1000000 kB
                Buffers:           10000 kB
                """);
        Files.writeString(proc.resolve("uptime"), "12345.67 23456.78\n");
        Files.createDirectories(sys.resolve("class/thermal/thermal_zone0"));
        Files.createDirectories(sys.resolve("class/thermal/thermal_zone1"));
        Files.createDirectories(sys.resolve("class/thermal/cooling_device0"));
        Files.writeString(sys.resolve("class/thermal/thermal_zone0/temp"), "45500\n");
        Files.writeString(sys.resolve("class/thermal/thermal_zone1/temp"), "61250\n");
    }

    @Test
    void readsCpuFromDeltasMemoryDiskTemperatureAndUptime() throws IOException {
        SystemProbe probe = new SystemProbe(proc, sys, dir);
        SystemStatus first = probe.sample();
        assertNull(first.cpuPct(), "the first sample has no previous one to compare with");
        assertEquals(75.0, first.memPct());
        assertEquals(61.3, first.tempC(), "the hottest zone, in °C");
        assertEquals(12345L, first.uptimeS());
        assertNotNull(first.diskFreeMb());
        assertTrue(first.diskFreeMb() > 0);

        // +300 user, +100 system, +500 idle, +100 iowait: 400 busy of 1000.
        writeStat(1300, 0, 600, 8500, 600);
        assertEquals(40.0, probe.sample().cpuPct());
    }

    @Test
    void aDataDirNotCreatedYetIsMeasuredAtItsParent() {
        SystemStatus s = new SystemProbe(proc, sys, dir.resolve("not/yet/there")).sample();
        assertNotNull(s.diskFreeMb());
    }

    @Test
    void missingFilesLeaveTheirFigureNull() {
        SystemStatus s = new SystemProbe(dir.resolve("no-proc"), dir.resolve("no-sys"), dir).sample();
        assertNull(s.cpuPct());
        assertNull(s.memPct());
        assertNull(s.tempC());
        assertNull(s.uptimeS());
        assertNotNull(s.diskFreeMb(), "the rest still reports");
    }

    private void writeStat(long user, long nice, long system, long idle, long iowait) throws IOException {
        Files.writeString(proc.resolve("stat"), "cpu  %d %d %d %d %d 0 0 0 0 0\ncpu0 1 2 3 4 5 0 0 0 0 0\nintr 1 2 3\n"
                .formatted(user, nice, system, idle, iowait));
    }
}
