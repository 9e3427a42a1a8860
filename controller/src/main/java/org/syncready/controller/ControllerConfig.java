package org.syncready.controller;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;

/**
 * Everything the controller is started with. {@code brokerUri} null means the embedded broker;
 * port 0 means "pick a free one" (and log it).
 *
 * @param profilesDir    the configuration catalogue folder ({@code profiles/} and {@code schemas/}); null
 *                       means the catalogue packaged in the controller jar
 * @param clock          where the schedule, readiness checks, rollouts, guards and drift read the time
 *                       (tests move it); null means the system clock
 * @param zone           the bureau's time zone; null means Asia/Shanghai
 * @param readinessRules readiness rules file; null means the packaged defaults
 * @param echoPort       the UDP echo service's port (0: a free one)
 * @param adminPassword  the password the first start gives {@code admin} (from {@code SYNCREADY_ADMIN_PASSWORD});
 *                       null: a random one, logged once and written to {@code admin-password} in the data folder
 */
public record ControllerConfig(Path dataDir, String bindAddress, int httpPort, int mqttPort,
                               String brokerUri, String brokerUsername, String brokerPassword,
                               String ingestGroup, int rawRetentionHours, boolean demo, Path demoAgentJar,
                               Path profilesDir, Clock clock, ZoneId zone, Path readinessRules, int echoPort,
                               String adminPassword) {

    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
    public static final int DEFAULT_ECHO_PORT = 7947;

    public ControllerConfig {
        clock = clock == null ? Clock.systemUTC() : clock;
        zone = zone == null ? DEFAULT_ZONE : zone;
    }

    /** Defaults for a controller with its data in {@code dataDir}: embedded broker, loopback, standard ports. */
    public static ControllerConfig defaults(Path dataDir) {
        return new ControllerConfig(dataDir, "127.0.0.1", 8080, 1883, null, null, null, null, 48, false, null,
                null, null, null, null, DEFAULT_ECHO_PORT, null);
    }

    public ControllerConfig withPorts(int http, int mqtt) {
        return new ControllerConfig(dataDir, bindAddress, http, mqtt, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, profilesDir, clock, zone, readinessRules, echoPort, adminPassword);
    }

    public ControllerConfig withClock(Clock c) {
        return new ControllerConfig(dataDir, bindAddress, httpPort, mqttPort, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, profilesDir, c, zone, readinessRules, echoPort, adminPassword);
    }

    public ControllerConfig withProfilesDir(Path dir) {
        return new ControllerConfig(dataDir, bindAddress, httpPort, mqttPort, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, dir, clock, zone, readinessRules, echoPort, adminPassword);
    }

    public ControllerConfig withReadinessRules(Path rules) {
        return new ControllerConfig(dataDir, bindAddress, httpPort, mqttPort, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, profilesDir, clock, zone, rules, echoPort, adminPassword);
    }

    public ControllerConfig withEchoPort(int port) {
        return new ControllerConfig(dataDir, bindAddress, httpPort, mqttPort, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, profilesDir, clock, zone, readinessRules, port, adminPassword);
    }

    public ControllerConfig withAdminPassword(String password) {
        return new ControllerConfig(dataDir, bindAddress, httpPort, mqttPort, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, profilesDir, clock, zone, readinessRules, echoPort, password);
    }

    /** Without the passwords: a configuration may be logged. */
    @Override
    public String toString() {
        return "ControllerConfig[data=" + dataDir + ", bind=" + bindAddress + ", http=" + httpPort + ", mqtt=" + mqttPort
                + ", broker=" + brokerUri + ", brokerUsername=" + brokerUsername + ", brokerPassword="
                + (brokerPassword == null ? "none" : "***") + ", demo=" + demo + ", adminPassword="
                + (adminPassword == null ? "none" : "***") + "]";
    }

    public boolean embeddedBroker() {
        return brokerUri == null;
    }
}
