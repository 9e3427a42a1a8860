package org.syncready.agent.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.syncready.agent.camera.FfmpegDeepCheck;
import org.syncready.agent.mqtt.IncomingCommand;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.FaultChange;
import org.syncready.protocol.FaultSet;
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

    /**
     * Applies a {@code simulate} command's change to the box's simulated faults and returns the faults
     * now in force; empty when the box runs real probes (nothing to simulate).
     *
     * @throws FaultChange.InvalidFaults when the change names a device the box does not have
     */
    default Optional<FaultSet> simulate(FaultChange change) {
        return Optional.empty();
    }

    /**
     * Simulates a hung box for {@code d}: returns when the hang is over. Called on the command thread,
     * after the answer was handed to the connection.
     */
    default void hang(Duration d) {
    }

    /** Publishes the latest status; empty when it could not be sent. */
    Optional<StatusMessage> publishStatus();

    /** Publishes the birth again; false when it could not be sent. */
    boolean publishBirth();

    /** Sends the reply to a command; the future completes when it has been handed to the connection. */
    CompletableFuture<?> reply(IncomingCommand command, boolean ok, JsonNode result, String error);
}
