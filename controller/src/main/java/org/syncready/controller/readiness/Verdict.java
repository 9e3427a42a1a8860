package org.syncready.controller.readiness;

/** The answer to "can this class happen?", for one classroom or a whole session. */
public enum Verdict {
    READY, AT_RISK, NOT_READY, UNKNOWN
}
