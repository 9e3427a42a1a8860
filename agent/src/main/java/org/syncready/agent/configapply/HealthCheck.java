package org.syncready.agent.configapply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;

/**
 * Whether a configuration made the box worse, judged by its own probes before and after applying it.
 * It fails on a regression only: a camera that was already broken does not block the configuration
 * that may fix it, but a configured camera the box cannot find, a camera that broke, or a stream that
 * stopped pushing does.
 */
public final class HealthCheck {
    private HealthCheck() {
    }

    /**
     * @param camerasProbed whether this box has a camera probe; without one cameras are not judged
     * @return the first failed check, for people; empty when healthy
     */
    public static Optional<String> compare(Snapshot before, Snapshot after, JsonNode body, boolean camerasProbed) {
        if (camerasProbed) {
            Map<String, CameraStatus> was = byId(before);
            Map<String, CameraStatus> now = byId(after);
            for (JsonNode camera : body.path("cameras")) {
                String id = camera.path("id").asText();
                CameraStatus c = now.get(id);
                if (c == null) {
                    return Optional.of("camera " + id + ": not found on this box");
                }
                if (bad(c.state()) && (was.get(id) == null || !bad(was.get(id).state()))) {
                    return Optional.of("camera " + id + ": " + c.state() + " after applying"
                            + (c.error() == null ? "" : " (" + c.error() + ")"));
                }
            }
        }
        if (before.stream() != null && before.stream().pushing()
                && (after.stream() == null || !after.stream().pushing())) {
            return Optional.of("stream: stopped pushing after applying"
                    + (after.stream() != null && after.stream().error() != null ? " (" + after.stream().error() + ")" : ""));
        }
        return Optional.empty();
    }

    private static boolean bad(DeviceState s) {
        return s == DeviceState.FAULT || s == DeviceState.ABSENT;
    }

    private static Map<String, CameraStatus> byId(Snapshot s) {
        return s.cameras().stream().collect(Collectors.toMap(CameraStatus::id, Function.identity(), (a, b) -> a));
    }
}
