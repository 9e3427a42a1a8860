package org.syncready.controller.readiness;

/**
 * Why a classroom is not simply READY (each explained in docs/READINESS.md). The first thirteen are
 * the original contract of the API; the last three say what the controller could not find out rather
 * than what is broken.
 */
public enum ReasonCode {
    BOX_OFFLINE, CAMERA_FAULT, CAMERA_ABSENT, MIC_SILENT, MIC_CLIPPING, UPLINK_LOW, RTT_HIGH, LOSS_HIGH,
    JITTER_HIGH, CLOCK_SKEW, CONFIG_DRIFT, DISK_LOW, STALE_STATUS,
    /** No box is registered in the classroom. */
    NO_BOX,
    /** The box is registered but has never reported. */
    NO_DATA,
    /** The box did not answer the self-test sent before the check: judged on its last status. */
    SELFTEST_NO_ANSWER,
    /** Classroom equipment the box reads (status {@code equipment[]}) is out of range or unreachable. */
    EQUIPMENT_FAULT
}
