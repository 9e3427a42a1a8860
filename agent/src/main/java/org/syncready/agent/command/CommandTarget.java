package org.syncready.agent.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.syncready.agent.camera.FfmpegDeepCheck;
import org.syncready.agent.mqtt.IncomingCommand;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.StatusMessage;

/** What commands can make the agent do; the agent implements it, tests fake it. */
public interface CommandTarget {
    /**
     * The deep camera checks (ffmpeg: frozen, black, real frame rate) run for the current selftest,
     * camera id → result; empty when there are none (simulated box, no ffmpeg).
     */
    default Map<String, FfmpegDeepCheck.Result> cameraDeepChecks() {
        return Map.of();
    }

    /** Runs every probe now, makes the result the latest status, and returns it. Blocks up to the probe timeout. */
    Snapshot probeNow();

    /**
     * Like {@link #probeNow()}, but first runs the checks that otherwise run only every few minutes
     * (echo burst, uplink test, NTP), waiting for them a bounded time.
     */
    default Snapshot probeThoroughly() {
        return probeNow();
    }

    /** Why the latest echo, speed-test or NTP check failed, for the self-test report; empty when none did. */
    default Optional<String> networkCheckErrors() {
        return Optional.empty();
    }

    /** Publishes the latest status; empty when it could not be sent. */
    Optional<StatusMessage> publishStatus();

    /** Publishes the birth again; false when it could not be sent. */
    boolean publishBirth();

    /** Sends the reply to a command; the future completes when it has been handed to the connection. */
    CompletableFuture<?> reply(IncomingCommand command, boolean ok, JsonNode result, String error);
}
