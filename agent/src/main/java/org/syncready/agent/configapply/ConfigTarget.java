package org.syncready.agent.configapply;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.ConfigReported;

/** What the applier acts on: the running agent. */
public interface ConfigTarget {
    /** Runs {@code body}'s agent settings from now on (null: agent.yaml's own settings). */
    void reconfigure(JsonNode body, long version);

    /** A probe round now. */
    Snapshot probeNow();

    /** Whether the camera probe can see cameras on this box. */
    boolean camerasProbed();

    /** Whether the broker is reachable, waiting at most {@code wait} for a reconnect. */
    boolean brokerReachable(Duration wait);

    /** Publishes the outcome on {@code config/reported}. */
    void report(long version, ConfigReported.Result result, String error);
}
