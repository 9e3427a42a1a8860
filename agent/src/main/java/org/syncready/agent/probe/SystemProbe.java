package org.syncready.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.syncready.protocol.Capability;
import org.syncready.protocol.SystemStatus;

/**
 * Load and resources of the box from Linux's /proc and /sys: CPU use since the previous sample,
 * memory in use (MemTotal − MemAvailable), free disk where the agent keeps its data, the hottest
 * thermal zone, and uptime. Each figure is independent: one that cannot be read is left null, so a
 * box without thermal zones (a VM) still reports the rest. The roots are injectable for tests.
 */
public final class SystemProbe implements Probe<SystemStatus> {
    private final Path procRoot;
    private final Path sysRoot;
    private final Path dataDir;
    private long prevTotal = -1;
    private long prevIdle = -1;

    public SystemProbe(Path procRoot, Path sysRoot, Path dataDir) {
        this.procRoot = procRoot;
        this.sysRoot = sysRoot;
        this.dataDir = dataDir;
    }

    /** The probe of this machine. */
    public static SystemProbe ofHost(Path dataDir) {
        return new SystemProbe(Path.of("/proc"), Path.of("/sys"), dataDir);
    }

    @Override
    public String name() {
        return "system";
    }

    @Override
    public Capability capability() {
        return Files.isReadable(procRoot.resolve("stat"))
                ? new Capability(true, procRoot.toString())
                : new Capability(false, procRoot + "/stat is not readable");
    }

    @Override
    public synchronized SystemStatus sample() {
        return new SystemStatus(cpuPct(), memPct(), diskFreeMb(), tempC(), uptimeS());
    }

    /** Busy share of CPU time since the previous sample; null on the first sample, which has no previous. */
    private Double cpuPct() {
        List<String> lines = lines(procRoot.resolve("stat"));
        if (lines.isEmpty() || !lines.get(0).startsWith("cpu ")) {
            return null;
        }
        String[] f = lines.get(0).trim().split("\\s+");
        long total = 0;
        // user nice system idle iowait irq softirq steal; guest time is already inside user.
        for (int i = 1; i < f.length && i <= 8; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        Double pct = null;
        if (prevTotal >= 0 && total > prevTotal) {
            double busy = (total - prevTotal) - (idle - prevIdle);
            pct = round1(Math.max(0, Math.min(100, 100.0 * busy / (total - prevTotal))));
        }
        prevTotal = total;
        prevIdle = idle;
        return pct;
    }

    private Double memPct() {
        long total = -1;
        long available = -1;
        for (String line : lines(procRoot.resolve("meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                total = kb(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kb(line);
            }
        }
        if (total <= 0 || available < 0) {
            return null;
        }
        return round1(100.0 * (total - available) / total);
    }

    /** Free space for the agent's data; a data folder not created yet is measured at its nearest existing parent. */
    private Long diskFreeMb() {
        Path p = dataDir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return null;
        }
        try {
            return Files.getFileStore(p).getUsableSpace() / (1024 * 1024);
        } catch (IOException e) {
            return null;
        }
    }

    private Double tempC() {
        Path thermal = sysRoot.resolve("class/thermal");
        if (!Files.isDirectory(thermal)) {
            return null;
        }
        Double max = null;
        try (DirectoryStream<Path> zones = Files.newDirectoryStream(thermal, "thermal_zone*")) {
            for (Path zone : zones) {
                String raw = first(zone.resolve("temp"));
                if (raw == null || raw.isBlank()) {
                    continue;
                }
                try {
                    double c = Long.parseLong(raw.trim()) / 1000.0;
                    max = max == null ? c : Math.max(max, c);
                } catch (NumberFormatException e) {
                    // A zone whose sensor is down reads garbage or an error; the other zones still count.
                }
            }
        } catch (IOException e) {
            return null;
        }
        return max == null ? null : round1(max);
    }

    private Long uptimeS() {
        String raw = first(procRoot.resolve("uptime"));
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return (long) Double.parseDouble(raw.trim().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long kb(String meminfoLine) {
        String[] f = meminfoLine.trim().split("\\s+");
        return f.length >= 2 ? Long.parseLong(f[1]) : -1;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String first(Path file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? null : lines.get(0);
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
