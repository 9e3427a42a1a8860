package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.Channel;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.Topics;

/** A controller starts again on the data it left, whatever its boxes had sent by then. */
class RestartTest {
    @TempDir
    Path data;

    /** Issue 11, finding 3: one box that sent its state but no status yet stopped the next start. */
    @Test
    void aBoxThatSentItsStateButNoStatusDoesNotStopTheNextStart() throws Exception {
        try (ControllerFixture first = new ControllerFixture(data)) {
            String password = first.registerBox("s", "c", "box-1");
            try (RawBox box = new RawBox(first.controller.brokerUri(), "box-1", password)) {
                box.publishRaw(Topics.of("box-1", Channel.STATE), new MessageCodec().encode(
                        new StateMessage(1, "box-1", System.currentTimeMillis(), "boot-1", 0, 1, StateMessage.Presence.ONLINE)));
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        first.get("/api/v1/boxes/box-1").body().path("presence").asText().equals("online"));
            }
        } // closing drains the store writer: box_latest now holds the presence and no status

        try (ControllerFixture second = new ControllerFixture(data)) {
            ControllerFixture.Response box = second.get("/api/v1/boxes/box-1");
            assertEquals(200, box.status());
            assertEquals("offline", box.body().path("presence").asText(), "restored, offline until the broker says otherwise");
            assertEquals(false, box.body().path("lastSeen").isNull(), "last seen survives the restart");
        }
    }
}
