package org.syncready.agent.config;

/**
 * How the agent checks its real cameras (agent.yaml {@code cameraChecks:}).
 *
 * @param ffmpeg      the ffmpeg binary for deep checks (a name looked up on PATH, or a path); deep
 *                    checks are off, and the birth says so, when it cannot be run
 * @param deepWindowS seconds of picture a deep check decodes (frozen, black, real frame rate)
 * @param timeoutMs   RTSP/ONVIF connect and answer timeout
 */
public record CameraChecks(String ffmpeg, int deepWindowS, int timeoutMs) {
    public static final CameraChecks DEFAULT = new CameraChecks("ffmpeg", 5, 3000);

    public CameraChecks {
        ffmpeg = ffmpeg == null ? DEFAULT.ffmpeg() : ffmpeg;
        if (ffmpeg.isBlank()) {
            throw new ConfigException("cameraChecks.ffmpeg", "must not be empty");
        }
        ConfigException.range("cameraChecks.deepWindowS", deepWindowS, 4, 60);
        ConfigException.range("cameraChecks.timeoutMs", timeoutMs, 200, 30_000);
    }
}
