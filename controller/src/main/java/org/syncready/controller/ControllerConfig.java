package org.syncready.controller;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;

/**
 * Everything the controller is started with. {@code brokerUri} null means the embedded broker;
 * port 0 means "pick a free one" (and log it). {@code clock} drives the schedule (sessions, checks):
 * tests pass a clock they move. {@code zone} is the bureau's time zone. {@code readinessRules} null
 * means the packaged defaults.
 */
public record ControllerConfig(Path dataDir, String bindAddress, int httpPort, int mqttPort,
                               String brokerUri, String brokerUsername, String brokerPassword,
                               String ingestGroup, int rawRetentionHours, boolean demo, Path demoAgentJar,
                               Clock clock, ZoneId zone, Path readinessRules) {

    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");

    /** Defaults for a controller with its data in {@code dataDir}: embedded broker, loopback, standard ports. */
    public static ControllerConfig defaults(Path dataDir) {
        return new ControllerConfig(dataDir, "127.0.0.1", 8080, 1883, null, null, null, null, 48, false, null,
                Clock.systemUTC(), DEFAULT_ZONE, null);
    }

    public ControllerConfig withPorts(int http, int mqtt) {
        return new ControllerConfig(dataDir, bindAddress, http, mqtt, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, clock, zone, readinessRules);
    }

    public ControllerConfig withClock(Clock scheduleClock) {
        return new ControllerConfig(dataDir, bindAddress, httpPort, mqttPort, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, scheduleClock, zone, readinessRules);
    }

    public ControllerConfig withReadinessRules(Path rules) {
        return new ControllerConfig(dataDir, bindAddress, httpPort, mqttPort, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, clock, zone, rules);
    }

    public boolean embeddedBroker() {
        return brokerUri == null;
    }
}
