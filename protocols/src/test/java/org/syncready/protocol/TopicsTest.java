package org.syncready.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void buildsAndParsesEveryChannel() throws Exception {
        for (Channel channel : Channel.values()) {
            String topic = Topics.of("classroom_7-box", channel);
            assertEquals(new BoxTopic("classroom_7-box", channel), Topics.parse(topic));
        }
        assertEquals("syncready/v1/box/b1/config/desired", Topics.of("b1", Channel.CONFIG_DESIRED));
        assertEquals("syncready/v1/box/b1/", Topics.boxRoot("b1"));
        assertEquals(Topics.boxRoot("b1") + Channel.STATUS.suffix(), Topics.of("b1", Channel.STATUS));
    }

    @Test
    void refusesTopicsOutsideTheBoxTree() {
        assertThrows(ProtocolException.class, () -> Topics.parse("syncready/v2/box/b1/status"));
        assertThrows(ProtocolException.class, () -> Topics.parse("syncready/v1/box/b1"));
        assertThrows(ProtocolException.class, () -> Topics.parse("syncready/v1/box/b1/status/extra"));
        assertThrows(ProtocolException.class, () -> Topics.parse("syncready/v1/box/" + "x".repeat(65) + "/status"));
        assertThrows(IllegalArgumentException.class, () -> Topics.of("bad/id", Channel.STATUS));
        assertThrows(IllegalArgumentException.class, () -> Topics.boxRoot("bad/id"));
    }

    @Test
    void readsBoxIdForLoggingOnlyWhenWellFormed() {
        assertEquals("b1", Topics.boxIdOrNull("syncready/v1/box/b1/anything"));
        assertNull(Topics.boxIdOrNull("syncready/v1/box/b+1/status"));
        assertNull(Topics.boxIdOrNull("other/topic"));
    }

    @Test
    void sharedSubscriptionSyntax() {
        assertEquals("$share/ingest/syncready/v1/box/+/#", Topics.shared("ingest", Topics.ALL_BOXES));
    }
}
