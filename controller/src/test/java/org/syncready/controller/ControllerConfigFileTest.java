package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --config FILE}: a key per option, flags and environment above the file, errors that name the key. */
class ControllerConfigFileTest {
    private static final UnaryOperator<String> NO_ENV = name -> null;

    @TempDir
    Path dir;

    /** Parses the command line the way main does, without starting a controller. */
    private static ControllerMain parse(UnaryOperator<String> env, String... args) {
        ControllerMain main = new ControllerMain();
        CommandLine cl = new CommandLine(main);
        Path file = ControllerConfigFile.fileArgument(args, env);
        if (file != null) {
            cl.setDefaultValueProvider(ControllerConfigFile.load(file, cl.getCommandSpec(), env));
        }
        cl.parseArgs(args);
        return main;
    }

    @Test
    void fileSetsOptionsAndFlagsOverrideIt() throws Exception {
        Path file = Files.writeString(dir.resolve("controller.yaml"), """
                data: state
                httpPort: 9090
                timeZone: Europe/Berlin
                demo: true
                rawRetentionHours: 12
                broker:
                """);
        ControllerMain m = parse(NO_ENV, "--config", file.toString(), "--http-port", "7070");
        assertEquals(7070, m.httpPort, "the flag beats the file");
        assertEquals(dir.resolve("state"), m.data, "relative to the file's folder");
        assertEquals("Europe/Berlin", m.timeZone);
        assertTrue(m.demo);
        assertEquals(12, m.rawRetentionHours);
        assertEquals(1883, m.mqttPort, "a key not in the file keeps its default");
        assertNull(m.broker, "an empty key means the default");

        ControllerMain fromEnv = parse(name -> name.equals("SYNCREADY_CONFIG") ? file.toString() : null);
        assertEquals(9090, fromEnv.httpPort, "SYNCREADY_CONFIG names the file too");
    }

    @Test
    void environmentVariableBeatsTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("controller.yaml"), "httpPort: 9090\nmqttPort: 1999\n");
        CommandLine cl = new CommandLine(new ControllerMain());
        UnaryOperator<String> env = name -> name.equals("SYNCREADY_MQTT_PORT") ? "2883" : null;
        ControllerConfigFile config = ControllerConfigFile.load(file, cl.getCommandSpec(), env);
        assertNull(config.defaultValue(cl.getCommandSpec().findOption("--mqtt-port")),
                "with SYNCREADY_MQTT_PORT set the annotation's ${env:...} default applies, not the file");
        assertEquals("9090", config.defaultValue(cl.getCommandSpec().findOption("--http-port")));
    }

    @Test
    void unknownKeyWrongShapeAndMissingFileExitTwoNamingTheProblem() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "htpPort: 9090\nbind: [a, b]\n");
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ControllerMain());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, ControllerConfigFile.execute(cl, new String[] {"--config", typo.toString()}, NO_ENV));
        assertTrue(err.toString().contains("typo.yaml") && err.toString().contains("unknown key 'htpPort'")
                && err.toString().contains("httpPort"), err.toString());
        assertTrue(err.toString().contains("bind: expected one value"), err.toString());

        StringWriter err2 = new StringWriter();
        CommandLine cl2 = new CommandLine(new ControllerMain());
        cl2.setErr(new PrintWriter(err2, true));
        assertEquals(2, ControllerConfigFile.execute(cl2, new String[] {"--config=" + dir.resolve("nope.yaml")}, NO_ENV));
        assertTrue(err2.toString().contains("no such file") && err2.toString().contains("nope.yaml"), err2.toString());
    }

    @Test
    void keysAreTheOptionsInCamelCase() {
        assertEquals("rawRetentionHours", ControllerConfigFile.key("--raw-retention-hours"));
        assertEquals("data", ControllerConfigFile.key("--data"));
        assertEquals("SYNCREADY_HTTP_PORT", ControllerConfigFile.environmentVariable(
                new CommandLine(new ControllerMain()).getCommandSpec().findOption("--http-port")));
    }

    /** The Debian package's /etc/syncready/controller.yaml names every option, and loads as shipped. */
    @Test
    void shippedFileHasAKeyForEveryOption() throws Exception {
        Path shipped = Path.of("src/deb/controller.yaml");
        CommandLine cl = new CommandLine(new ControllerMain());
        Map<?, ?> yaml = new ObjectMapper(new YAMLFactory()).readValue(shipped.toFile(), Map.class);
        assertEquals(new TreeSet<>(ControllerConfigFile.keys(cl.getCommandSpec()).keySet()), new TreeSet<>(yaml.keySet().stream()
                .map(String::valueOf).toList()), "every ControllerMain option has its key in src/deb/controller.yaml");
        ControllerMain m = parse(NO_ENV, "--config", shipped.toString());
        assertEquals(Path.of("/var/lib/syncready/controller"), m.data);
        assertEquals("127.0.0.1", m.bind);
        assertEquals(8080, m.httpPort);
    }
}
