/**
 * The agent's MQTT 5 side: {@link org.syncready.agent.mqtt.MqttReporter} keeps one connection per box
 * (own reconnect loop with a fresh Will per connect, QoS 1, a publish window), publishes state, birth,
 * status and command replies, and hands incoming {@code cmd/request}s over as
 * {@link org.syncready.agent.mqtt.IncomingCommand}s. Its sockets can be paused to simulate a hung box
 * (a stopped process keeps its TCP connection open and silent until the keep-alive expires).
 *
 * <p>Inside, the reporter is the public face of three parts that all work on one thread
 * ({@link org.syncready.agent.mqtt.IoThread}): {@link org.syncready.agent.mqtt.BrokerConnection} (connect,
 * reconnect, presence, the publish window), {@link org.syncready.agent.mqtt.OutboxSender} (data messages
 * through the outbox, and its replay after a connect) and {@link org.syncready.agent.mqtt.IncomingRequests}
 * (the receive side).
 */
package org.syncready.agent.mqtt;
