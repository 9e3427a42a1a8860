package org.syncready.controller.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.DeviceState;

/**
 * A second OPC UA stack against the server: node-opcua (npm, the versions of package-lock.json,
 * installed by {@code opcua-client.sh} with npm ci into target/node-opcua) connects with Basic256Sha256
 * SignAndEncrypt and a user name, browses Objects > DeviceSet to a box, reads its health, subscribes
 * and sees the box's camera fail, and calls RunSelfTest. Its certificate is trusted the documented way
 * (a file in {@code opcua/pki/trusted/certs}). Skipped, saying so, only where node or npm is missing;
 * with {@code SYNCREADY_REQUIRE_NODE=1} (set by .ci/run) it fails instead.
 */
class IndependentOpcUaClientTest {
    private static final String EOF = "\u0000EOF";
    @TempDir
    static Path data;
    static OpcUaScene scene;

    @BeforeAll
    static void start() throws Exception {
        boolean present = onPath("node") && onPath("npm");
        if (!present && "1".equals(System.getenv("SYNCREADY_REQUIRE_NODE"))) {
            throw new AssertionError("node and npm are required (SYNCREADY_REQUIRE_NODE=1): apt-get install nodejs npm");
        }
        assumeTrue(present, "node or npm not on PATH: the node-opcua cross-check is skipped (Debian: apt-get install nodejs npm)");
        scene = OpcUaScene.start(data);
    }

    @AfterAll
    static void stop() {
        if (scene != null) {
            scene.close();
        }
    }

    @Test
    void nodeOpcuaConnectsSecurelyBrowsesReadsSubscribesAndCallsRunSelfTest() throws Exception {
        Path work = Path.of("target/node-opcua").toAbsolutePath();
        Files.createDirectories(work);
        // A fresh PKI folder per run: the client makes a new certificate, which the server does not know yet.
        deleteTree(work.resolve("pki"));
        List<String> command = List.of("sh", Path.of("src/test/node-opcua/opcua-client.sh").toAbsolutePath().toString(),
                work.toString(), scene.server.endpointUrls().get(0), "admin", "pw-admin",
                data.resolve("opcua/server.der").toString(), "b-n2");
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("client.log").toFile())).start();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        List<String> seen = new ArrayList<>();
        Thread reader = new Thread(() -> pump(p.getInputStream(), out), "node-opcua-stdout");
        reader.setDaemon(true);
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            String cert = expect(out, seen, "CERT ", 300);
            trust(Path.of(cert.substring("CERT ".length())));
            in.write("GO\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("CONNECTED http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256", expect(out, seen, "CONNECTED", 60));
            assertTrue(expect(out, seen, "BOX ", 30).endsWith("s=DeviceSet/b-n2"), seen.toString());
            assertEquals("HEALTH " + DeviceHealth.NORMAL.value, expect(out, seen, "HEALTH ", 30));
            expect(out, seen, "SUBSCRIBED", 30);
            scene.report("b-n2", DeviceState.FAULT);
            assertEquals("CHANGED " + DeviceHealth.FAILURE.value, expect(out, seen, "CHANGED ", 30));
            assertEquals("SELFTEST Good false [\"camera cam-teacher: picture frozen\"]", expect(out, seen, "SELFTEST ", 60));
            expect(out, seen, "DONE", 30);
        } finally {
            scene.report("b-n2", DeviceState.OK);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        assertEquals(0, p.exitValue(), "node-opcua client failed; see " + work.resolve("client.log") + "; output " + seen);
        assertTrue(scene.audit.contains("admin box.selftest box b-n2 failed"), scene.audit.toString());
    }

    /** What docs/OPCUA.md tells an operator: the client's certificate (DER or PEM) in opcua/pki/trusted/certs. */
    private static void trust(Path pem) throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(pem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Files.write(data.resolve("opcua/pki/trusted/certs/node-opcua-check.der"), cert.getEncoded());
    }

    private static String expect(BlockingQueue<String> out, List<String> seen, String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String line = out.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no '" + prefix + "' from the node-opcua client within " + seconds + " s; got " + seen
                        + " (stderr in target/node-opcua/client.log)");
            }
            if (line.equals(EOF)) {
                throw new AssertionError("the node-opcua client ended before '" + prefix + "'; got " + seen
                        + " (stderr in target/node-opcua/client.log)");
            }
            seen.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    private static void pump(InputStream stream, BlockingQueue<String> out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.add(line);
            }
            out.add(EOF);
        } catch (java.io.IOException e) {
            out.add(EOF);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
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
