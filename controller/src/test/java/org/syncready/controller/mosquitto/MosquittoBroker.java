package org.syncready.controller.mosquitto;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Mosquitto 2 (Debian's {@code /usr/sbin/mosquitto}) with the dynamic-security plugin, in a
 * folder of the test's (a {@code @TempDir}), on a free 127.0.0.1 port, set up as docs/OPERATIONS.md
 * tells an operator: {@code mosquitto_ctrl dynsec init} makes the admin client, then the controller's
 * client gets the {@value #CONTROLLER_ROLE} role ({@link #OPERATOR_SETUP}). Without Mosquitto a test
 * using it is skipped, or fails when {@code SYNCREADY_REQUIRE_MOSQUITTO=1} (set by {@code .ci/run}).
 *
 * <pre>{@code
 * try (MosquittoBroker mosquitto = MosquittoBroker.start(tempDir)) {
 *     ControllerConfig.builder(data).freePorts()
 *             .externalBroker(mosquitto.uri(), mosquitto.controllerUsername(), mosquitto.controllerPassword())
 *             .brokerAccounts(BrokerAccountsMode.MOSQUITTO_DYNSEC)...
 * }
 * }</pre>
 * Several controller nodes share the one login. {@link #stop()} and {@link #restart()} keep the port
 * and the plugin's file (every account made so far).
 */
public final class MosquittoBroker implements AutoCloseable {
    // Close it (try-with-resources or @AfterEach): a JVM exit stops it too, but a JVM killed with
    // SIGKILL (surefire's fork timeout) leaves the process behind.
    public static final String REQUIRE_VARIABLE = "SYNCREADY_REQUIRE_MOSQUITTO";
    public static final String ADMIN = "dynsec-admin";
    public static final String CONTROLLER_USERNAME = "syncready-controller";
    public static final String CONTROLLER_ROLE = "syncready-controller";
    /**
     * The operator's one-time setup after {@code dynsec init}, as {@code mosquitto_ctrl ... dynsec}
     * arguments ({@code PASSWORD} stands for the controller's password); docs/OPERATIONS.md shows the same.
     */
    public static final List<List<String>> OPERATOR_SETUP = List.of(
            List.of("createRole", CONTROLLER_ROLE),
            List.of("addRoleACL", CONTROLLER_ROLE, "publishClientSend", "syncready/v1/#", "allow", "10"),
            List.of("addRoleACL", CONTROLLER_ROLE, "subscribePattern", "syncready/v1/#", "allow", "10"),
            List.of("addRoleACL", CONTROLLER_ROLE, "subscribePattern", "$share/+/syncready/v1/#", "allow", "10"),
            List.of("addRoleACL", CONTROLLER_ROLE, "publishClientReceive", "syncready/v1/#", "allow", "10"),
            List.of("addRoleACL", CONTROLLER_ROLE, "publishClientSend", "$CONTROL/dynamic-security/#", "allow", "10"),
            // Without it the plugin's answers are not delivered, whatever the default for receiving says.
            List.of("addRoleACL", CONTROLLER_ROLE, "publishClientReceive", "$CONTROL/dynamic-security/#", "allow", "10"),
            List.of("addRoleACL", CONTROLLER_ROLE, "subscribePattern", "$CONTROL/dynamic-security/#", "allow", "10"),
            List.of("createClient", CONTROLLER_USERNAME, "-p", "PASSWORD"),
            List.of("addClientRole", CONTROLLER_USERNAME, CONTROLLER_ROLE, "10"));

    private final Path dir;
    private final Path mosquitto;
    private final Path ctrl;
    private final int port;
    private final String adminPassword = "admin-" + UUID.randomUUID();
    private final String controllerPassword = "controller-" + UUID.randomUUID();
    private Process process;
    /** Stops the process when the JVM exits without {@link #close()} (a test that forgot it, a timed-out fork). */
    private Thread exitHook;

    private MosquittoBroker(Path dir, Path mosquitto, Path ctrl, int port) {
        this.dir = dir;
        this.mosquitto = mosquitto;
        this.ctrl = ctrl;
        this.port = port;
    }

    /** Starts one in {@code dir} (which it fills), or skips / fails the test when Mosquitto is not installed. */
    public static MosquittoBroker start(Path dir) throws IOException, InterruptedException {
        Path mosquitto = Path.of("/usr/sbin/mosquitto");
        Path ctrl = Path.of("/usr/bin/mosquitto_ctrl");
        Path plugin = plugin();
        if (!Files.isExecutable(mosquitto) || !Files.isExecutable(ctrl) || plugin == null) {
            String why = "no Mosquitto 2 with its dynamic-security plugin here (apt-get install mosquitto; .ci/run does)";
            if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
                fail(why + " (" + REQUIRE_VARIABLE + "=1)");
            }
            System.err.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        Files.createDirectories(dir);
        MosquittoBroker broker = new MosquittoBroker(dir, mosquitto, ctrl, freePort());
        broker.run(List.of(ctrl.toString(), "dynsec", "init", broker.dynsecFile().toString(), ADMIN, broker.adminPassword));
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "per_listener_settings false",
                "allow_anonymous false",
                "listener " + broker.port + " 127.0.0.1",
                "plugin " + plugin,
                "plugin_opt_config_file " + broker.dynsecFile(),
                "persistence false",
                "log_dest stdout",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                "connection_messages true",
                // Run as root, Mosquitto would switch to the user "mosquitto", which cannot write the test's folder.
                "user " + System.getProperty("user.name"),
                ""));
        broker.restart();
        try {
            for (List<String> step : OPERATOR_SETUP) {
                broker.dynsec(step.stream().map(a -> a.equals("PASSWORD") ? broker.controllerPassword : a).toArray(String[]::new));
            }
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static Path plugin() throws IOException {
        Path debian = Path.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so");
        if (Files.exists(debian)) {
            return debian;
        }
        try (var found = Files.find(Path.of("/usr/lib"), 2, (p, a) -> p.getFileName().toString().equals("mosquitto_dynamic_security.so"))) {
            return found.findFirst().orElse(null);
        }
    }

    /** tcp://127.0.0.1:PORT */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The controller's login (the {@value #CONTROLLER_ROLE} role: its topics and the dynsec control topics). */
    public String controllerUsername() {
        return CONTROLLER_USERNAME;
    }

    public String controllerPassword() {
        return controllerPassword;
    }

    /** The plugin's file: every client and role, rewritten on each change. */
    public Path dynsecFile() {
        return dir.resolve("dynamic-security.json");
    }

    /** Mosquitto's own log (connections, refusals, kicks). */
    public Path log() {
        return dir.resolve("mosquitto.log");
    }

    /** Runs {@code mosquitto_ctrl dynsec ARGS} as the admin and returns what it printed; a failing command fails. */
    public String dynsec(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ctrl.toString(), "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-u", ADMIN, "-P", adminPassword, "dynsec"));
        command.addAll(List.of(args));
        return run(command);
    }

    /**
     * Logs in as a box (client id = user name = {@code boxId}) and out again; the broker's refusal is
     * the MqttException (its reason code says why).
     */
    public void login(String boxId, String secret) throws MqttException {
        MqttClient client = new MqttClient(uri(), boxId,
                new MemoryPersistence());
        client.setTimeToWait(10_000);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(boxId);
        options.setPassword(secret.getBytes(StandardCharsets.UTF_8));
        try {
            client.connect(options);
            client.disconnectForcibly(0, 2_000, true);
        } finally {
            client.close(true);
        }
    }

    /** Whether the plugin has a client of this user name. */
    public boolean hasClient(String username) throws IOException, InterruptedException {
        return dynsec("listClients").lines().map(String::strip).anyMatch(username::equals);
    }

    /** Stops the process (SIGTERM; the plugin's file stays). */
    public synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        process = null;
        if (exitHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException exiting) {
                // the hook is running already
            }
            exitHook = null;
        }
    }

    /** Starts it (again) on the same port with the same accounts; returns once it accepts connections. */
    public synchronized void restart() throws IOException, InterruptedException {
        stop();
        process = new ProcessBuilder(mosquitto.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        Process started = process;
        exitHook = new Thread(started::destroyForcibly, "mosquitto-stop-" + port);
        Runtime.getRuntime().addShutdownHook(exitHook);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("mosquitto exited with " + process.exitValue() + ": " + tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        stop();
        fail("mosquitto did not listen on 127.0.0.1:" + port + " within 15 s: " + tail());
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private String tail() throws IOException {
        List<String> lines = Files.exists(log()) ? Files.readAllLines(log()) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", command.subList(0, Math.min(command.size(), 3))));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        // mosquitto_ctrl prints a warning about plain connections on every call; its errors start with "Error".
        if (p.exitValue() != 0 || text.lines().anyMatch(l -> l.startsWith("Error"))) {
            throw new IllegalStateException(String.join(" ", command.subList(command.indexOf("dynsec") < 0 ? 0
                    : command.indexOf("dynsec"), command.size())).replace(adminPassword, "***").replace(controllerPassword, "***")
                    + " failed (" + p.exitValue() + "): " + text);
        }
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
