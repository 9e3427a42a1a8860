package org.syncready.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.ConfigException;
import picocli.CommandLine;

class AgentMainTest {
    @TempDir
    Path dir;

    @Test
    void flagsOverrideTheConfigFile() throws IOException {
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
                boxId: box-1
                broker: {uri: "tcp://127.0.0.1:1883", password: secret}
                statusIntervalS: 10
                """);
        Files.writeString(dir.resolve("pw"), "from-file\n");
        AgentMain main = parse("--config", file.toString(), "--box-id", "box-7", "--broker", "tcp://10.0.0.2:1884",
                "--password-file", dir.resolve("pw").toString(), "--status-interval", "4", "--probes", "simulated",
                "--iface", "eth3", "--keep-alive", "20");
        AgentConfig c = main.configs().get(0);
        assertEquals("box-7", c.boxId());
        assertEquals("tcp://10.0.0.2:1884", c.broker().uri());
        assertEquals("from-file", c.broker().password());
        assertEquals(4, c.statusIntervalS());
        assertEquals(20, c.broker().keepAliveS());
        assertEquals(AgentConfig.ProbeMode.SIMULATED, c.probes().mode());
        assertEquals("eth3", c.network().iface());
    }

    @Test
    void fleetFileGivesSeveralAgents() throws IOException {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), """
                defaults: {broker: {uri: "tcp://127.0.0.1:1883", password: demo}}
                agents: [{boxId: a}, {boxId: b}, {boxId: c}]
                """);
        List<AgentConfig> configs = parse("--fleet", file.toString(), "--broker", "tcp://127.0.0.1:2883").configs();
        assertEquals(List.of("a", "b", "c"), configs.stream().map(AgentConfig::boxId).toList());
        assertTrue(configs.stream().allMatch(c -> c.broker().uri().equals("tcp://127.0.0.1:2883")));
        assertThrows(ConfigException.class, () -> parse("--fleet", file.toString(), "--config", file.toString()).configs());
    }

    @Test
    void theHeartbeatFlagReplacesEitherNameInTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("hb.yaml"), """
                boxId: box-1
                broker: {uri: "tcp://127.0.0.1:1883", password: secret}
                heartbeatS: 60
                """);
        assertEquals(60, parse("--config", file.toString()).configs().get(0).heartbeatS());
        assertEquals(5, parse("--config", file.toString(), "--heartbeat", "5").configs().get(0).heartbeatS());
        assertEquals(5, parse("--config", file.toString(), "--status-interval", "5").configs().get(0).heartbeatS());
    }

    @Test
    void changePerMinuteIsAPercentageForAFleetOnly() throws IOException {
        Path fleetFile = Files.writeString(dir.resolve("fleet2.yaml"), """
                defaults: {broker: {uri: "tcp://127.0.0.1:1883", password: demo}}
                agents: [{boxId: a}]
                """);
        assertEquals(0.01, parse("--fleet", fleetFile.toString(), "--change-per-minute", "1%").changeShare(), 1e-9);
        assertEquals(0.005, parse("--fleet", fleetFile.toString(), "--change-per-minute", "0.5 %").changeShare(), 1e-9);
        assertEquals(0, parse("--fleet", fleetFile.toString()).changeShare());
        for (String bad : List.of("lots", "-1%", "101%", "")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> parse("--fleet", fleetFile.toString(), "--change-per-minute", bad).changeShare(), bad);
            assertEquals("--change-per-minute must be a percentage 0%..100% such as 1%, was '" + bad + "'", e.getMessage());
        }
        Path single = Files.writeString(dir.resolve("one.yaml"), "boxId: b\nbroker: {uri: \"tcp://127.0.0.1:1883\", password: p}\n");
        assertEquals(AgentMain.CONFIG_ERROR, new CommandLine(new AgentMain()).execute("--config", single.toString(),
                "--change-per-minute", "1%"));
    }

    @Test
    void aBadConfigExitsWithCodeTwoWithoutStarting() throws IOException {
        Path file = Files.writeString(dir.resolve("agent.yaml"), "boxId: b\n");
        int code = new CommandLine(new AgentMain()).execute("--config", file.toString());
        assertEquals(AgentMain.CONFIG_ERROR, code);
    }

    private static AgentMain parse(String... args) {
        AgentMain main = new AgentMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }
}
