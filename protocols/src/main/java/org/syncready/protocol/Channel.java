package org.syncready.protocol;

/** The topics under a box's root, with the message each one carries and who sends it. */
public enum Channel {
    STATE("state", StateMessage.class, true),
    BIRTH("birth", BirthMessage.class, true),
    STATUS("status", StatusMessage.class, true),
    CONFIG_DESIRED("config/desired", ConfigDesired.class, false),
    CONFIG_REPORTED("config/reported", ConfigReported.class, true),
    CMD_REQUEST("cmd/request", CommandRequest.class, false),
    CMD_RESPONSE("cmd/response", CommandResponse.class, true);

    private final String suffix;
    private final Class<? extends Message> messageType;
    private final boolean fromAgent;

    Channel(String suffix, Class<? extends Message> messageType, boolean fromAgent) {
        this.suffix = suffix;
        this.messageType = messageType;
        this.fromAgent = fromAgent;
    }

    /** The topic suffix after {@code syncready/v1/box/{boxId}/}. */
    public String suffix() {
        return suffix;
    }

    public Class<? extends Message> messageType() {
        return messageType;
    }

    /** True when the agent publishes on this channel, false when the controller does. */
    public boolean fromAgent() {
        return fromAgent;
    }

    static Channel ofSuffix(String suffix) {
        for (Channel c : values()) {
            if (c.suffix.equals(suffix)) {
                return c;
            }
        }
        return null;
    }
}
