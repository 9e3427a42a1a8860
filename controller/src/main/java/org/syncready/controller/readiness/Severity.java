package org.syncready.controller.readiness;

/**
 * How much a reason weighs: a blocking one makes the classroom NOT_READY, an unknown one (a rule that
 * could not be judged for lack of a figure) UNKNOWN, a warning AT_RISK; info changes nothing.
 */
public enum Severity {
    BLOCKING, UNKNOWN, WARNING, INFO
}
