package org.syncready.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.syncready.it.DebPackageTest.exposure;
import static org.syncready.it.DebPackageTest.gunzip;
import static org.syncready.it.DebPackageTest.onPath;
import static org.syncready.it.DebPackageTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inspects the controller's .deb built in the controller module's package phase with Debian's own
 * dpkg-deb (and lintian and systemd-analyze where installed): contents and modes, control fields,
 * conffiles, maintainer scripts, the shipped controller.yaml, the unit, the wrappers, and that the
 * installed layout runs: the packaged CLI prints its version and the controller reads the packaged
 * configuration file.
 */
class ControllerDebPackageTest {
    static Path deb;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPackage() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../controller/target"))) {
            deb = files.filter(p -> p.getFileName().toString().matches("syncready-controller_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no syncready-controller_*_all.deb in controller/target: run mvn verify from the root"));
        }
        assumeTrue(onPath("dpkg-deb"), "dpkg-deb not on PATH (not a Debian machine)");
    }

    @Test
    void installsJarWrappersUnitConfigAndDocs() throws Exception {
        String contents = run("dpkg-deb", "-c", deb.toString());
        for (String path : List.of("./usr/share/syncready-controller/syncready-controller.jar", "./usr/bin/syncready-controller",
                "./usr/bin/syncready", "./lib/systemd/system/syncready-controller.service", "./etc/syncready/controller.yaml",
                "./etc/default/syncready-controller", "./usr/share/doc/syncready-controller/copyright",
                "./usr/share/doc/syncready-controller/changelog.gz", "./usr/share/man/man1/syncready-controller.1.gz",
                "./usr/share/man/man1/syncready.1.gz")) {
            assertTrue(contents.contains(path), path + " missing from\n" + contents);
        }
        assertTrue(contents.matches("(?s).*-rwxr-xr-x root/root .* \\./usr/bin/syncready-controller\n.*"), "wrapper is executable");
        assertTrue(contents.matches("(?s).*-rwxr-xr-x root/root .* \\./usr/bin/syncready\n.*"), "CLI is executable");
        assertTrue(contents.matches("(?s).*-rw-r----- root/root .* \\./etc/syncready/controller\\.yaml.*"), "config not world-readable");
        assertTrue(contents.matches("(?s).*-rw------- root/root .* \\./etc/default/syncready-controller.*"), "secrets file root-only");
    }

    @Test
    void controlFieldsConffilesAndMaintainerScripts() throws Exception {
        assertEquals("syncready-controller", run("dpkg-deb", "-f", deb.toString(), "Package").strip());
        assertEquals("all", run("dpkg-deb", "-f", deb.toString(), "Architecture").strip());
        assertTrue(run("dpkg-deb", "-f", deb.toString(), "Depends").contains("java17-runtime-headless"));
        Path control = dir.resolve("control");
        run("dpkg-deb", "-e", deb.toString(), control.toString());
        assertEquals(List.of("/etc/syncready/controller.yaml", "/etc/default/syncready-controller"),
                Files.readAllLines(control.resolve("conffiles")).stream().map(String::strip).toList());
        for (String script : List.of("postinst", "prerm", "postrm")) {
            run("sh", "-n", control.resolve(script).toString());
            for (String line : Files.readAllLines(control.resolve(script))) {
                if (line.strip().startsWith("systemctl")) {
                    assertTrue(line.contains("daemon-reload"), script + " calls systemctl: " + line);
                }
            }
        }
        String postinst = Files.readString(control.resolve("postinst"));
        assertTrue(postinst.contains("adduser --system --group") && postinst.contains("/var/lib/syncready/controller"), postinst);
        assertTrue(postinst.contains("deb-systemd-helper enable") && postinst.contains("deb-systemd-invoke"), postinst);
        String postrm = Files.readString(control.resolve("postrm"));
        assertTrue(postrm.contains("rm -rf /var/lib/syncready/controller") && !postrm.contains("rm -rf /var/lib/syncready\n"),
                "purge removes the controller's data only (the agent's state shares /var/lib/syncready)");
    }

    @Test
    void unitIsHardenedAndVerifies() throws Exception {
        Path root = extract();
        String unit = Files.readString(root.resolve("lib/systemd/system/syncready-controller.service"));
        for (String line : List.of("User=syncready", "ExecStart=/usr/bin/syncready-controller --config /etc/syncready/controller.yaml",
                "RestartPreventExitStatus=2", "LimitNOFILE=262144", "StateDirectory=syncready/controller", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "ReadWritePaths=/var/lib/syncready/controller", "ProtectHome=yes", "PrivateTmp=yes",
                "PrivateDevices=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service")) {
            assertTrue(unit.contains(line), line + " missing from the unit");
        }
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze not installed");
        Path copy = dir.resolve("syncready-controller.service");
        Files.writeString(copy, unit.replace("/usr/bin/syncready-controller", "/bin/sh"));
        String out = run(Map.of("MANPATH", root.resolve("usr/share/man").toString()), "systemd-analyze", "verify", copy.toString());
        assertTrue(!out.contains("syncready-controller.service:"), out);
        double exposure = exposure(run("systemd-analyze", "security", "--offline=true", copy.toString()));
        assertTrue(exposure <= 2.0, "systemd-analyze security exposure " + exposure);
    }

    @Test
    void docsVersionAndLintian() throws Exception {
        Path root = extract();
        String version = run("dpkg-deb", "-f", deb.toString(), "Version").strip();
        String changelog = gunzip(root.resolve("usr/share/doc/syncready-controller/changelog.gz"));
        assertTrue(changelog.startsWith("syncready-controller (" + version + ") "), changelog);
        assertTrue(Files.readString(root.resolve("usr/share/doc/syncready-controller/copyright"))
                .startsWith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"));
        String man = gunzip(root.resolve("usr/share/man/man1/syncready-controller.1.gz"));
        for (picocli.CommandLine.Model.OptionSpec o : new picocli.CommandLine(new org.syncready.controller.ControllerMain())
                .getCommandSpec().options()) {
            assertTrue(man.contains(o.longestName().replace("-", "\\-")), o.longestName() + " missing from syncready-controller.1");
        }
        assertTrue(gunzip(root.resolve("usr/share/man/man1/syncready.1.gz")).contains("rollout start"));
        if (onPath("lintian")) {
            String out = run("lintian", "--tag-display-limit", "0", deb.toString());
            assertTrue(out.lines().noneMatch(l -> l.startsWith("E:") || l.startsWith("W:")), "lintian:\n" + out);
        }
    }

    /** The packaged CLI finds the packaged jar next to it (../share/syncready-controller) and prints the real version. */
    @Test
    void packagedCliAndControllerRun() throws Exception {
        Path root = extract();
        String projectVersion = run("dpkg-deb", "-f", deb.toString(), "Version").strip();
        String cli = run(Map.of("SYNCREADY_JAR", ""), root.resolve("usr/bin/syncready").toString(), "--version").strip();
        assertTrue(cli.startsWith("syncready ") && !cli.contains("dev"), cli);
        assertEquals(projectVersion, cli.substring("syncready ".length()).replace("-SNAPSHOT", "~snapshot"));
        String help = run(root.resolve("usr/bin/syncready").toString(), "rollout", "start", "--help");
        assertTrue(help.contains("--profile"), help);
        // The controller refuses a typo in the packaged configuration file by name, exit 2, before starting anything.
        Path yaml = dir.resolve("controller.yaml");
        Files.writeString(yaml, Files.readString(root.resolve("etc/syncready/controller.yaml")) + "htpPort: 1\n");
        Process p = new ProcessBuilder("java", "-jar", root.resolve("usr/share/syncready-controller/syncready-controller.jar").toString(),
                "--config", yaml.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(2, p.waitFor(), out);
        assertTrue(out.contains("unknown key 'htpPort'"), out);
    }

    private Path extract() throws Exception {
        Path root = dir.resolve("root");
        run("dpkg-deb", "-x", deb.toString(), root.toString());
        return root;
    }
}
