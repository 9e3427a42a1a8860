package org.syncready.controller.readiness;

/**
 * Why a classroom is not simply READY (each explained in docs/READINESS.md). The first thirteen are
 * the original contract of the API; the stream path ones judge the way the lesson travels (lead box →
 * stream server → remote boxes); the last ones say what the controller could not find out rather
 * than what is broken.
 */
public enum ReasonCode {
    BOX_OFFLINE, CAMERA_FAULT, CAMERA_ABSENT, MIC_SILENT, MIC_CLIPPING, UPLINK_LOW, RTT_HIGH, LOSS_HIGH,
    JITTER_HIGH, CLOCK_SKEW, CONFIG_DRIFT, DISK_LOW, STALE_STATUS,
    /** The box does not push the session's stream (encoder stopped, pushing far below its profile's bitrate). */
    STREAM_NOT_PUSHING,
    /** The stream server of the session does not answer: the lead cannot push to it, or a remote cannot pull from it. */
    STREAM_SERVER_UNREACHABLE,
    /** A self-test check failed that no other code names (a probe error, an unreachable side target). */
    SELFTEST_FAILED,
    /** No box is registered in the classroom. */
    NO_BOX,
    /**
     * The box is registered but has never reported; or a figure a rule needs (uplink, echo, disk, stream,
     * the stream server's reachability) is missing from its status: that rule is UNKNOWN.
     */
    NO_DATA,
    /** The box did not answer the self-test sent before the check: judged on its last status. */
    SELFTEST_NO_ANSWER,
    /** Classroom equipment the box reads (status {@code equipment[]}) is out of range or unreachable. */
    EQUIPMENT_FAULT
}
