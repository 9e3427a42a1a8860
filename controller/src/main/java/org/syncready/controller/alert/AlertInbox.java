package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.syncready.controller.refusal.Refusal;

/**
 * The built-in log receiver: a generic-webhook endpoint in the controller itself
 * ({@code POST /api/v1/alerts/inbox}) that checks each request's signature exactly as a bureau's own
 * receiver should (docs/ALERTS.md) and keeps the last {@link #CAPACITY} messages in memory, so the
 * demo shows what would have gone out. A repeated delivery id is counted, not kept twice.
 */
public final class AlertInbox {
    /** The demo's bureau channel, pointing here. */
    public static final String DEMO_CHANNEL = "demo-inbox";
    static final int CAPACITY = 500;
    /** A signed request older or newer than this is refused (replays). */
    static final long MAX_SKEW_S = 300;

    /** One message as received. */
    public record Received(Instant at, String channelId, long deliveryId, String event, JsonNode body) {
    }

    private final Function<String, AlertChannel> channels;
    private final Clock clock;
    private final ObjectMapper json;
    private final Deque<Received> received = new ArrayDeque<>();
    private final Set<String> seen = new HashSet<>();
    private long duplicates;

    AlertInbox(Function<String, AlertChannel> channels, Clock clock, ObjectMapper json) {
        this.channels = channels;
        this.clock = clock;
        this.json = json;
    }

    /**
     * Takes one webhook request: the channel it names must be a webhook channel, the signature must
     * be its secret's over {@code timestamp + "." + body}, and the timestamp within 5 minutes.
     *
     * @return true when new, false for a repeat of a delivery already received
     */
    public boolean receive(String channelId, String timestamp, String signature, String deliveryId, String event, byte[] body) {
        AlertChannel c = channelId == null ? null : channels.apply(channelId);
        if (c == null || c.kind() != ChannelKind.WEBHOOK || c.target().secret() == null) {
            throw Refusal.of(Refusal.Kind.FORBIDDEN, "unknown channel in " + SignedWebhook.CHANNEL);
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException | NullPointerException e) {
            throw Refusal.of(Refusal.Kind.FORBIDDEN, SignedWebhook.TIMESTAMP + " must be epoch seconds");
        }
        if (Math.abs(clock.instant().getEpochSecond() - ts) > MAX_SKEW_S) {
            throw Refusal.of(Refusal.Kind.FORBIDDEN, "timestamp more than 5 minutes from now");
        }
        String expected = "sha256=" + SignedWebhook.signature(c.target().secret(), ts, body);
        if (signature == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            throw Refusal.of(Refusal.Kind.FORBIDDEN, "signature does not match");
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(body);
        } catch (IOException e) {
            throw Refusal.invalid("the body is not JSON");
        }
        long id;
        try {
            id = Long.parseLong(deliveryId);
        } catch (NumberFormatException | NullPointerException e) {
            throw Refusal.invalid(SignedWebhook.DELIVERY + " must be a number");
        }
        synchronized (this) {
            if (!seen.add(channelId + "|" + id)) {
                duplicates++;
                return false;
            }
            received.addFirst(new Received(clock.instant(), channelId, id, event, parsed));
            while (received.size() > CAPACITY) {
                Received gone = received.removeLast();
                seen.remove(gone.channelId() + "|" + gone.deliveryId());
            }
            return true;
        }
    }

    /** The latest messages, newest first. */
    public synchronized List<Received> latest(int limit) {
        List<Received> out = new ArrayList<>(Math.min(limit, received.size()));
        for (Received r : received) {
            if (out.size() >= limit) {
                break;
            }
            out.add(r);
        }
        return out;
    }

    public synchronized long duplicates() {
        return duplicates;
    }
}
