package org.syncready.agent.mqtt;

import java.util.Optional;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.StatusMessage;

/**
 * What the reporter publishes, built when it is published so that it carries the seq it is sent
 * with and the box's state at that moment (e.g. after a reconnect).
 */
public interface ReportContent {
    BirthMessage birth(long seq, long ts);

    /** The latest status, or empty before the first probe round. */
    Optional<StatusMessage> status(long seq, long ts);
}
