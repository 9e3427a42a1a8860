package org.syncready.controller;

/** The {@code brokerAccounts} option's values. */
public enum BrokerAccountsMode {
    /** The controller keeps no accounts in the broker (the embedded broker asks the registry itself). */
    NONE("none"),
    /** The controller keeps each box's client and role in an external Mosquitto 2 through its dynamic-security plugin. */
    MOSQUITTO_DYNSEC("mosquitto-dynsec");

    private final String text;

    BrokerAccountsMode(String text) {
        this.text = text;
    }

    /** The option's value as written; an unknown one is an IllegalArgumentException naming the known ones. */
    public static BrokerAccountsMode parse(String value) {
        String v = value == null || value.isBlank() ? "none" : value.strip();
        for (BrokerAccountsMode m : values()) {
            if (m.text.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("brokerAccounts must be none or mosquitto-dynsec, was '" + v + "'");
    }

    @Override
    public String toString() {
        return text;
    }

    /** Refuses a mode that needs an external broker and its login without them (IllegalArgumentException). */
    void checkBroker(String brokerUri, String brokerUsername) {
        if (this == MOSQUITTO_DYNSEC && (brokerUri == null || brokerUsername == null)) {
            throw new IllegalArgumentException("brokerAccounts mosquitto-dynsec needs an external broker and its login "
                    + "(broker, brokerUsername, brokerPassword): the embedded broker keeps box accounts itself");
        }
    }
}
