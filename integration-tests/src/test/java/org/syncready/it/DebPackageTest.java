package org.syncready.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.ConfigLoader;

/**
 * Inspects the agent's .deb built in the agent module's package phase (the reactor builds agent
 * before this module) with Debian's own dpkg-deb: contents, control fields, conffiles, maintainer
 * scripts' syntax, the shipped agent.yaml, and the systemd unit.
 */
class DebPackageTest {
    static Path deb;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPackage() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../agent/target"))) {
            deb = files.filter(p -> p.getFileName().toString().matches("syncready-agent_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no syncready-agent_*_all.deb in agent/target: run mvn verify from the root"));
        }
        assumeTrue(onPath("dpkg-deb"), "dpkg-deb not on PATH (not a Debian machine)");
    }

    @Test
    void installsJarUnitWrapperAndConfig() throws Exception {
        String contents = run("dpkg-deb", "-c", deb.toString());
        for (String path : List.of("./usr/share/syncready-agent/syncready-agent.jar", "./usr/bin/syncready-agent",
                "./lib/systemd/system/syncready-agent.service", "./etc/syncready/agent.yaml", "./etc/default/syncready-agent")) {
            assertTrue(contents.contains(path), path + " missing from\n" + contents);
        }
        assertTrue(contents.matches("(?s).*-rwxr-xr-x root/root .* \\./usr/bin/syncready-agent.*"), "wrapper is executable");
        assertTrue(contents.matches("(?s).*-rw-r----- root/root .* \\./etc/syncready/agent\\.yaml.*"), "config not world-readable (secret)");
    }

    @Test
    void controlFieldsAndConffiles() throws Exception {
        assertEquals("syncready-agent", run("dpkg-deb", "-f", deb.toString(), "Package").strip());
        assertEquals("all", run("dpkg-deb", "-f", deb.toString(), "Architecture").strip());
        assertTrue(run("dpkg-deb", "-f", deb.toString(), "Depends").contains("java17-runtime-headless"));
        Path control = dir.resolve("control");
        run("dpkg-deb", "-e", deb.toString(), control.toString());
        assertEquals(List.of("/etc/syncready/agent.yaml", "/etc/default/syncready-agent"),
                Files.readAllLines(control.resolve("conffiles")).stream().map(String::strip).toList());
        for (String script : List.of("postinst", "prerm", "postrm")) {
            run("sh", "-n", control.resolve(script).toString());
            // debhelper's guards instead of bare systemctl (only daemon-reload may call it directly).
            for (String line : Files.readAllLines(control.resolve(script))) {
                if (line.strip().startsWith("systemctl")) {
                    assertTrue(line.contains("daemon-reload"), script + " calls systemctl: " + line);
                }
            }
        }
        String postinst = Files.readString(control.resolve("postinst"));
        assertTrue(postinst.contains("adduser --system --group") && postinst.contains("syncready"), "creates the system user");
        assertTrue(postinst.contains("deb-systemd-helper enable") && postinst.contains("deb-systemd-invoke"), postinst);
        assertTrue(Files.readString(control.resolve("prerm")).contains("deb-systemd-invoke stop"));
        assertTrue(Files.readString(control.resolve("postrm")).contains("deb-systemd-helper purge"));
    }

    @Test
    void changelogCopyrightAndManualPage() throws Exception {
        Path root = dir.resolve("root");
        run("dpkg-deb", "-x", deb.toString(), root.toString());
        Path doc = root.resolve("usr/share/doc/syncready-agent");
        String changelog = gunzip(doc.resolve("changelog.gz"));
        String version = run("dpkg-deb", "-f", deb.toString(), "Version").strip();
        assertTrue(changelog.startsWith("syncready-agent (" + version + ") "), "changelog's top entry is this version:\n" + changelog);
        assertTrue(changelog.matches("(?s).*\n -- .+ <.+>  \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\n.*"),
                "Debian changelog trailer line");
        String copyright = Files.readString(doc.resolve("copyright"));
        assertTrue(copyright.startsWith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"), "DEP-5");
        String man = gunzip(root.resolve("usr/share/man/man1/syncready-agent.1.gz"));
        assertTrue(man.contains(".TH SYNCREADY-AGENT 1") && man.contains(version), "man page with this version");
        // Every option of --help is in the manual page.
        for (picocli.CommandLine.Model.OptionSpec o : new picocli.CommandLine(new org.syncready.agent.AgentMain()).getCommandSpec().options()) {
            assertTrue(man.contains(o.longestName().replace("-", "\\-")), o.longestName() + " missing from the man page");
        }
        if (onPath("lintian")) {
            String out = run("lintian", "--tag-display-limit", "0", deb.toString());
            assertTrue(out.lines().noneMatch(l -> l.startsWith("E:") || l.startsWith("W:")), "lintian:\n" + out);
        }
    }

    @Test
    void shippedConfigLoadsAndUnitRestartsOnFailure() throws Exception {
        Path root = dir.resolve("root");
        run("dpkg-deb", "-x", deb.toString(), root.toString());
        AgentConfig config = ConfigLoader.load(root.resolve("etc/syncready/agent.yaml"));
        assertEquals(AgentConfig.ProbeMode.REAL, config.probes().mode());
        String unit = Files.readString(root.resolve("lib/systemd/system/syncready-agent.service"));
        assertTrue(unit.contains("Restart=on-failure"));
        assertTrue(unit.contains("RestartPreventExitStatus=2"));
        assertTrue(unit.contains("MemoryMax="));
        assertTrue(unit.contains("User=syncready"));
        for (String hardening : List.of("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "CapabilityBoundingSet=\n", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
                "SystemCallFilter=@system-service", "DeviceAllow=char-video4linux rw", "DeviceAllow=char-alsa rw",
                "ReadWritePaths=/var/lib/syncready")) {
            assertTrue(unit.contains(hardening), hardening + " missing from the unit");
        }
        if (onPath("systemd-analyze")) {
            // Verify the unit's syntax; the binary it runs is not installed here, so point it at sh;
            // its man page is found in the extracted package.
            Path copy = dir.resolve("syncready-agent.service");
            Files.writeString(copy, unit.replace("/usr/bin/syncready-agent", "/bin/sh"));
            String out = run(Map.of("MANPATH", root.resolve("usr/share/man").toString()), "systemd-analyze", "verify", copy.toString());
            assertTrue(!out.contains("syncready-agent.service:"), out);
            double exposure = exposure(run("systemd-analyze", "security", "--offline=true", copy.toString()));
            assertTrue(exposure <= 2.0, "systemd-analyze security exposure " + exposure + " (8.5 before hardening)");
        }
        String wrapper = Files.readString(root.resolve("usr/bin/syncready-agent"));
        assertTrue(wrapper.contains("-jar /usr/share/syncready-agent/syncready-agent.jar"));
        run("sh", "-n", root.resolve("usr/bin/syncready-agent").toString());
    }

    /** The overall exposure of {@code systemd-analyze security}'s last line: "... exposure level for X: 1.6 OK". */
    static double exposure(String analysis) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d)").matcher(analysis);
        assertTrue(m.find(), analysis);
        return Double.parseDouble(m.group(1));
    }

    static String gunzip(Path gz) throws IOException {
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String run(String... command) throws Exception {
        return run(Map.of(), command);
    }

    static String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
