/**
 * SyncReady protocol v1, shared by the agent and the controller: MQTT topic names ({@link Topics}),
 * the message records, and the JSON codec that validates every payload ({@link MessageCodec}).
 * A message that is malformed, oversized, of an unknown version or for another box is refused with
 * a {@link ProtocolException} naming a {@link ProtocolException.Reason}.
 */
package org.syncready.protocol;
