package org.syncready.agent.mqtt;

import org.syncready.protocol.CommandRequest;

/**
 * A command request as it arrived, with where its reply must go.
 *
 * @param responseTopic   the MQTT 5 response topic of the request, or null (reply on the box's cmd/response)
 * @param correlationData the MQTT 5 correlation data to echo, or null
 */
public record IncomingCommand(CommandRequest request, String responseTopic, byte[] correlationData) {
}
