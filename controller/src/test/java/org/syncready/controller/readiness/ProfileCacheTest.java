package org.syncready.controller.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.syncready.controller.TestClock;
import org.syncready.firmware.ProfileCatalogue;

class ProfileCacheTest {
    @Test
    void theProfileOfTheCatalogueGivesBitrateAndStreamServer() throws Exception {
        ProfileCatalogue catalogue = ProfileCatalogue.packaged();
        BoxProfile p720 = BoxProfile.fromBody("generic-recorder-b/classroom-720p", 3L,
                catalogue.render("generic-recorder-b/classroom-720p", Map.of())).orElseThrow();
        assertEquals(1200, p720.bitrateKbps(), "the 720p profile inherits the stream and lowers the bitrate");
        assertEquals(new StreamServer("stream.example.org", 1935), p720.pushServer());
        BoxProfile a = BoxProfile.fromBody(null, null, catalogue.render("generic-recorder-a/standard-1080p", Map.of())).orElseThrow();
        assertEquals("generic-recorder-a/standard-1080p", a.profile());
        assertEquals(4000, a.bitrateKbps());
        assertEquals(Optional.empty(), BoxProfile.fromBody("x/y", 1L, new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()));
    }

    @Test
    void loadsOnceThenAgainWhenTheBoxReportsOrTheEntryExpires() {
        TestClock clock = new TestClock(Instant.parse("2026-09-07T00:00:00Z"));
        AtomicInteger loads = new AtomicInteger();
        ProfileCache cache = new ProfileCache(box -> {
            loads.incrementAndGet();
            return Optional.of(new BoxProfile("m/p", 1L, 1500, null));
        }, clock, Duration.ofMinutes(10).toMillis());
        assertEquals(1500, cache.profile("b1").orElseThrow().bitrateKbps());
        cache.profile("b1");
        assertEquals(1, loads.get(), "from memory");
        cache.invalidate("b1");
        cache.profile("b1");
        assertEquals(2, loads.get(), "the box reported a configuration");
        clock.advance(Duration.ofMinutes(16));
        cache.profile("b1");
        assertEquals(3, loads.get(), "expired after at most one and a half times the TTL");
    }

    @Test
    void aFailingSourceKeepsWhatWasKnown() {
        TestClock clock = new TestClock(Instant.parse("2026-09-07T00:00:00Z"));
        AtomicInteger calls = new AtomicInteger();
        ProfileCache cache = new ProfileCache(box -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("rollouts are shutting down");
            }
            return Optional.of(new BoxProfile("m/p", 1L, 1500, null));
        }, clock, 1000);
        cache.profile("b1");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(1500, cache.profile("b1").orElseThrow().bitrateKbps());
        assertEquals(Optional.empty(), cache.profile("b2"));
    }
}
