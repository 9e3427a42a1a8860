package org.syncready.controller.readiness;

/** How much a reason weighs: a blocking one makes the classroom NOT_READY, a warning AT_RISK. */
public enum Severity {
    BLOCKING, WARNING, INFO
}
