package org.syncready.controller.fleet;

import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.StatusMessage;

/**
 * What the controller knows of one box at one moment. {@code stale} is true when the box is online but
 * has sent no status for three of its periods (STALE_STATUS).
 */
public record BoxSnapshot(String boxId, Presence presence, boolean stale, Long lastSeen, String bootId,
                          BirthMessage birth, StatusMessage status, Long statusReceivedAt,
                          long duplicates, long missedMessages) {
}
