package org.syncready.protocol;

/** Builds and parses every MQTT topic name of protocol v1; no other class concatenates topics. */
public final class Topics {
    /** Prefix of every box's topic tree; a box may only touch {@code ROOT + boxId + "/#"}. */
    public static final String ROOT = "syncready/v1/box/";
    /** Everything every box publishes or is sent. */
    public static final String ALL_BOXES = ROOT + "+/#";
    /** Retained liveness of the controller; its Will sets it offline. */
    public static final String CONTROLLER_STATE = "syncready/v1/controller/state";

    private Topics() {
    }

    public static String of(String boxId, Channel channel) {
        return new BoxTopic(boxId, channel).name();
    }

    /** The prefix of one box's topics, e.g. {@code syncready/v1/box/b1/}: what a registration answer tells the box. */
    public static String boxRoot(String boxId) {
        Check.boxId(boxId);
        return ROOT + boxId + "/";
    }

    /** The filter that covers one box's whole tree, e.g. for an ACL. */
    public static String boxTree(String boxId) {
        Check.boxId(boxId);
        return ROOT + boxId + "/#";
    }

    /** The shared-subscription form of a filter, so several controller nodes split the ingest. */
    public static String shared(String group, String filter) {
        return "$share/" + group + "/" + filter;
    }

    /** Parses a box topic, refusing anything outside protocol v1's box tree. */
    public static BoxTopic parse(String topic) throws ProtocolException {
        if (topic == null || !topic.startsWith(ROOT)) {
            throw new ProtocolException(ProtocolException.Reason.BAD_TOPIC, "not a SyncReady v1 box topic: " + topic);
        }
        int slash = topic.indexOf('/', ROOT.length());
        if (slash < 0) {
            throw new ProtocolException(ProtocolException.Reason.BAD_TOPIC, "topic has no channel: " + topic);
        }
        String boxId = topic.substring(ROOT.length(), slash);
        if (!Check.BOX_ID.matcher(boxId).matches()) {
            throw new ProtocolException(ProtocolException.Reason.BAD_BOX_ID,
                    "boxId in topic must match [A-Za-z0-9_-]{1,64}: " + Check.abbreviate(boxId));
        }
        Channel channel = Channel.ofSuffix(topic.substring(slash + 1));
        if (channel == null) {
            throw new ProtocolException(ProtocolException.Reason.BAD_TOPIC, "unknown channel in topic: " + topic);
        }
        return new BoxTopic(boxId, channel);
    }

    /** Where a box id can be read without parsing the whole topic (for logging a refused message). */
    public static String boxIdOrNull(String topic) {
        if (topic == null || !topic.startsWith(ROOT)) {
            return null;
        }
        int slash = topic.indexOf('/', ROOT.length());
        String id = slash < 0 ? topic.substring(ROOT.length()) : topic.substring(ROOT.length(), slash);
        return Check.BOX_ID.matcher(id).matches() ? id : null;
    }
}
