package org.syncready.controller.broker;

import java.util.Optional;

/** Checks MQTT credentials; implemented by the fleet registry so the broker knows no storage. */
@FunctionalInterface
public interface BrokerAccess {
    /** The principal for these credentials, or empty when they are wrong. Must be fast: it runs on broker threads. */
    Optional<BrokerPrincipal> authenticate(String clientId, String username, byte[] password);
}
