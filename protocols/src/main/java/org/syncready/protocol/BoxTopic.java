package org.syncready.protocol;

/** A parsed box topic: which box, which channel. */
public record BoxTopic(String boxId, Channel channel) {
    public BoxTopic {
        Check.boxId(boxId);
        Check.present(channel, "channel");
    }

    /** The full MQTT topic name. */
    public String name() {
        return Topics.ROOT + boxId + "/" + channel.suffix();
    }
}
