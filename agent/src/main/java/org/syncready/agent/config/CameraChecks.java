package org.syncready.agent.config;

/**
 * How the agent checks its real cameras (agent.yaml {@code cameraChecks:}).
 *
 * @param ffmpeg      the ffmpeg binary for deep checks (a name looked up on PATH, or a path); deep
 *                    checks are off, and the birth says so, when it cannot be run
 * @param deepWindowS seconds of picture a deep check decodes (frozen, black, real frame rate)
 * @param timeoutMs   RTSP/ONVIF connect and answer timeout
 * @param freezeNoiseDb frames differing less than this (mean difference, dB of full scale) count as
 *                    the same picture for freeze detection; real cameras' sensor noise sits well above
 *                    the default −60 dB, a hung encoder repeats frames exactly
 */
public record CameraChecks(String ffmpeg, int deepWindowS, int timeoutMs, int freezeNoiseDb) {
    public static final CameraChecks DEFAULT = new CameraChecks("ffmpeg", 5, 3000, -60);

    public CameraChecks(String ffmpeg, int deepWindowS, int timeoutMs) {
        this(ffmpeg, deepWindowS, timeoutMs, DEFAULT.freezeNoiseDb());
    }

    public CameraChecks {
        ffmpeg = ffmpeg == null ? DEFAULT.ffmpeg() : ffmpeg;
        if (ffmpeg.isBlank()) {
            throw new ConfigException("cameraChecks.ffmpeg", "must not be empty");
        }
        ConfigException.range("cameraChecks.deepWindowS", deepWindowS, 4, 60);
        ConfigException.range("cameraChecks.timeoutMs", timeoutMs, 200, 30_000);
        ConfigException.range("cameraChecks.freezeNoiseDb", freezeNoiseDb, -100, -20);
    }
}
