package org.syncready.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        }
        String postinst = Files.readString(control.resolve("postinst"));
        assertTrue(postinst.contains("adduser --system --group") && postinst.contains("syncready"), "creates the system user");
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
        if (onPath("systemd-analyze")) {
            // Verify the unit's syntax; the binary it runs is not installed here, so point it at sh.
            Path copy = dir.resolve("syncready-agent.service");
            Files.writeString(copy, unit.replace("/usr/bin/syncready-agent", "/bin/sh"));
            String out = run("systemd-analyze", "verify", copy.toString());
            assertTrue(!out.contains("syncready-agent.service:"), out);
        }
        String wrapper = Files.readString(root.resolve("usr/bin/syncready-agent"));
        assertTrue(wrapper.contains("-jar /usr/share/syncready-agent/syncready-agent.jar"));
        run("sh", "-n", root.resolve("usr/bin/syncready-agent").toString());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
