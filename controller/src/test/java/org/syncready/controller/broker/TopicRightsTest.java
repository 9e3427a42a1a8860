package org.syncready.controller.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.syncready.controller.broker.TopicRights.Action;
import org.syncready.protocol.Topics;

/** The one topic rule, as both the embedded broker and the EMQX hook apply it. */
class TopicRightsTest {
    private static final BrokerPrincipal BOX1 = BrokerPrincipal.box("box1");

    @Test
    void aBoxKeepsToItsOwnTree() {
        assertTrue(TopicRights.permits(BOX1, Action.PUBLISH, Topics.ROOT + "box1/status"));
        assertTrue(TopicRights.permits(BOX1, Action.SUBSCRIBE, Topics.ROOT + "box1/cmd/#"));
        // box10's tree starts with "box1" too: the rule needs the slash.
        assertFalse(TopicRights.permits(BOX1, Action.PUBLISH, Topics.ROOT + "box10/status"));
        assertFalse(TopicRights.permits(BOX1, Action.SUBSCRIBE, Topics.ROOT + "+/status"));
        assertFalse(TopicRights.permits(BOX1, Action.SUBSCRIBE, "#"));
        assertFalse(TopicRights.permits(BOX1, Action.PUBLISH, Topics.ROOT + "box1"));
    }

    @Test
    void theControllerStateMayBeWatchedNotWritten() {
        assertTrue(TopicRights.permits(BOX1, Action.SUBSCRIBE, Topics.CONTROLLER_STATE));
        assertFalse(TopicRights.permits(BOX1, Action.PUBLISH, Topics.CONTROLLER_STATE));
        assertFalse(TopicRights.permits(null, Action.SUBSCRIBE, Topics.CONTROLLER_STATE), "nobody the broker knows");
    }

    @Test
    void aSharedSubscriptionIsJudgedByItsFilter() {
        assertTrue(TopicRights.permits(BOX1, Action.SUBSCRIBE, "$share/g/" + Topics.ROOT + "box1/#"));
        assertFalse(TopicRights.permits(BOX1, Action.SUBSCRIBE, "$share/g/" + Topics.ROOT + "box2/#"));
        // A publish is never a share: its topic is taken as it is.
        assertFalse(TopicRights.permits(BOX1, Action.PUBLISH, "$share/g/" + Topics.ROOT + "box1/status"));
        assertEquals("$share/g", TopicRights.stripSharePrefix("$share/g"));
        // Stripped once only: a share inside a share is a filter no box topic matches, and not the box's own.
        assertFalse(TopicRights.permits(BOX1, Action.SUBSCRIBE, "$share/a/$share/b/" + Topics.ROOT + "box1/#"));
    }

    @Test
    void theControllerMayDoEverything() {
        BrokerPrincipal controller = BrokerPrincipal.controller("syncready-controller-n1");
        assertTrue(TopicRights.permits(controller, Action.PUBLISH, Topics.ROOT + "box2/cmd"));
        assertTrue(TopicRights.permits(controller, Action.SUBSCRIBE, "$share/ingest/" + Topics.ALL_BOXES));
        assertTrue(TopicRights.permits(controller, Action.PUBLISH, Topics.CONTROLLER_STATE));
    }
}
