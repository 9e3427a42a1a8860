package org.syncready.controller.opcua;

/** Where OPC UA method calls are audited (who ran which self-test or check, and how it ended). */
@FunctionalInterface
public interface MethodAudit {
    MethodAudit NONE = (actor, source, action, target, result) -> { };

    /** {@code source}: the client's address, or null when unknown. */
    void record(String actor, String source, String action, String target, String result);
}
