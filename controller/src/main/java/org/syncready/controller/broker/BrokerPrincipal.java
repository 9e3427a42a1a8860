package org.syncready.controller.broker;

/** Who an MQTT connection authenticated as: the controller itself, or one box. */
public record BrokerPrincipal(String clientId, String boxId) {
    public static BrokerPrincipal controller(String clientId) {
        return new BrokerPrincipal(clientId, null);
    }

    public static BrokerPrincipal box(String boxId) {
        return new BrokerPrincipal(boxId, boxId);
    }

    public boolean isController() {
        return boxId == null;
    }
}
