package org.syncready.protocol;

/**
 * A message an agent publishes. {@code bootId} is new on every agent start; {@code seq} counts the
 * agent's data messages (birth, status, config reported, command response) within one boot, so the
 * controller can drop duplicates and see gaps.
 */
public sealed interface AgentMessage extends Message
        permits StateMessage, BirthMessage, StatusMessage, ConfigReported, CommandResponse {
    String bootId();

    long seq();
}
