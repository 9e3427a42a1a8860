package org.syncready.controller.readiness;

/** What came of the self-test sent to a box before a check. */
public enum SelftestOutcome {
    NOT_ASKED, PASSED, FAILED, NO_ANSWER
}
