package org.syncready.agent.camera;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The V4L2 devices Linux shows in {@code <sysfs>/class/video4linux/}: one entry per device node
 * ({@code video0}, {@code video1}, ...) with its {@code name}, {@code index} and the driver behind
 * {@code device/driver}. A USB webcam usually has two nodes, the picture (index 0) and metadata
 * (index 1); only index 0 is a camera. The sysfs root is injectable so tests use a fake tree.
 */
public final class V4l2Devices {
    private final Path sysRoot;
    private final Path devRoot;

    /** @param sysRoot usually {@code /sys}; @param devRoot usually {@code /dev} */
    public V4l2Devices(Path sysRoot, Path devRoot) {
        this.sysRoot = sysRoot;
        this.devRoot = devRoot;
    }

    /** One V4L2 node: {@code node} is the sysfs name, e.g. {@code video0}; driver may be null. */
    public record Device(String node, String name, int index, String driver) {
        public String devicePath(Path devRoot) {
            return devRoot.resolve(node).toString();
        }
    }

    /** Whether this box has V4L2 at all (the class folder exists). */
    public boolean available() {
        return Files.isDirectory(sysRoot.resolve("class/video4linux"));
    }

    /** Every picture node (index 0), sorted by node number. */
    public List<Device> cameras() {
        List<Device> out = new ArrayList<>();
        Path dir = sysRoot.resolve("class/video4linux");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "video*")) {
            for (Path e : entries) {
                Device d = read(e);
                if (d != null && d.index() == 0) {
                    out.add(d);
                }
            }
        } catch (IOException e) {
            // A device unplugged while we list: this round sees what it could read.
        }
        out.sort(Comparator.comparingInt(d -> nodeNumber(d.node())));
        return out;
    }

    /**
     * The camera a config's {@code device} means: {@code /dev/videoN} (or a link to it, such as
     * {@code /dev/v4l/by-id/...}) by node, anything else by its V4L2 name.
     */
    public Optional<Device> find(String device, List<Device> cameras) {
        String node = null;
        if (device.startsWith("/")) {
            Path p = Path.of(device);
            if (p.startsWith(Path.of("/dev"))) {
                p = devRoot.resolve(Path.of("/dev").relativize(p).toString());
            }
            try {
                // A by-id or by-path link follows the camera when it gets another number after a replug.
                node = p.toRealPath().getFileName().toString();
            } catch (IOException e) {
                node = p.getFileName().toString();
            }
        }
        for (Device d : cameras) {
            if (node != null ? d.node().equals(node) : d.name().equals(device)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private Device read(Path entry) {
        String node = entry.getFileName().toString();
        String name = readText(entry.resolve("name"));
        if (name == null) {
            return null; // gone while we looked
        }
        String idx = readText(entry.resolve("index"));
        int index = 0;
        try {
            index = idx == null ? 0 : Integer.parseInt(idx);
        } catch (NumberFormatException e) {
            // An unreadable index counts as a picture node rather than hiding a camera.
        }
        String driver = null;
        try {
            Path link = entry.resolve("device/driver");
            if (Files.isSymbolicLink(link)) {
                driver = Files.readSymbolicLink(link).getFileName().toString();
            }
        } catch (IOException e) {
            // No driver link: leave it unknown.
        }
        return new Device(node, name, index, driver);
    }

    private static String readText(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static int nodeNumber(String node) {
        try {
            return Integer.parseInt(node.replaceAll("\\D", ""));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
