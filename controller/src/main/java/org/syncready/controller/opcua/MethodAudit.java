package org.syncready.controller.opcua;

/** Where OPC UA method calls are audited (who ran which self-test or check, and how it ended). */
@FunctionalInterface
public interface MethodAudit {
    MethodAudit NONE = (actor, action, target, result) -> { };

    void record(String actor, String action, String target, String result);
}
