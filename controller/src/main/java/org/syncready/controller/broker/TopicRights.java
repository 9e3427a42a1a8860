package org.syncready.controller.broker;

import org.syncready.protocol.Topics;

/**
 * The topic rule of every broker the controller keeps access for: the embedded one ({@link BoxAccessControl})
 * and an external one asking over HTTP (EMQX's authorization hook, {@code api.EmqxHookRoutes}). A box publishes
 * and subscribes only under {@code syncready/v1/box/{its id}/}, and may subscribe to the controller-state topic
 * (whether the controller is up: it says nothing about other boxes); the controller may do everything.
 */
public final class TopicRights {
    /** What a client asks to do with a topic (a publish) or a topic filter (a subscription). */
    public enum Action { PUBLISH, SUBSCRIBE }

    private static final String SHARE = "$share/";

    private TopicRights() {
    }

    /** Whether {@code who} (null: nobody the broker knows) may do {@code action} on {@code topicOrFilter}. */
    public static boolean permits(BrokerPrincipal who, Action action, String topicOrFilter) {
        if (who == null || topicOrFilter == null) {
            return false;
        }
        if (who.isController()) {
            return true;
        }
        String topic = action == Action.SUBSCRIBE ? stripSharePrefix(topicOrFilter) : topicOrFilter;
        // A filter that starts with the prefix can reach other boxes only through wildcards before the
        // prefix, which startsWith rules out.
        return topic.startsWith(Topics.ROOT + who.boxId() + "/")
                || (action == Action.SUBSCRIBE && topic.equals(Topics.CONTROLLER_STATE));
    }

    /** {@code $share/group/filter} as {@code filter}: a shared subscription is judged by what it subscribes to. */
    public static String stripSharePrefix(String filter) {
        if (filter.startsWith(SHARE)) {
            int slash = filter.indexOf('/', SHARE.length());
            return slash < 0 ? filter : filter.substring(slash + 1);
        }
        return filter;
    }
}
