package org.syncready.controller;

import java.nio.file.Path;

/**
 * Everything the controller is started with. {@code brokerUri} null means the embedded broker;
 * port 0 means "pick a free one" (and log it). {@code echoPort} is the UDP echo service's port.
 */
public record ControllerConfig(Path dataDir, String bindAddress, int httpPort, int mqttPort,
                               String brokerUri, String brokerUsername, String brokerPassword,
                               String ingestGroup, int rawRetentionHours, boolean demo, Path demoAgentJar,
                               int echoPort) {
    public static final int DEFAULT_ECHO_PORT = 7947;

    /** Defaults for a controller with its data in {@code dataDir}: embedded broker, loopback, standard ports. */
    public static ControllerConfig defaults(Path dataDir) {
        return new ControllerConfig(dataDir, "127.0.0.1", 8080, 1883, null, null, null, null, 48, false, null,
                DEFAULT_ECHO_PORT);
    }

    public ControllerConfig withPorts(int http, int mqtt) {
        return new ControllerConfig(dataDir, bindAddress, http, mqtt, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, echoPort);
    }

    public ControllerConfig withEchoPort(int port) {
        return new ControllerConfig(dataDir, bindAddress, httpPort, mqttPort, brokerUri, brokerUsername, brokerPassword,
                ingestGroup, rawRetentionHours, demo, demoAgentJar, port);
    }

    public boolean embeddedBroker() {
        return brokerUri == null;
    }
}
