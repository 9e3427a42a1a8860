package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/** A channel as stored: its settings as JSON, its target sealed ({@link SecretSeal}). */
final class ChannelRecords {
    private final ObjectMapper json;
    private final SecretSeal seal;

    ChannelRecords(ObjectMapper json, SecretSeal seal) {
        this.json = json;
        this.seal = seal;
    }

    AlertStore.ChannelRecord toRecord(AlertChannel c) {
        ObjectNode settingsNode = json.createObjectNode().put("kind", c.kind().label()).put("name", c.name())
                .put("enabled", c.enabled()).put("language", c.language().label()).put("minLevel", c.minLevel().label())
                .put("perMinute", c.perMinute());
        c.topics().stream().sorted().forEach(t -> settingsNode.withArray("topics").add(t.label()));
        if (!settingsNode.has("topics")) {
            settingsNode.putArray("topics");
        }
        try {
            return new AlertStore.ChannelRecord(c.id(), c.schoolId(), json.writeValueAsString(settingsNode),
                    seal.seal(json.writeValueAsString(c.target())), c.createdAt(), c.updatedAt());
        } catch (IOException e) {
            throw new IllegalStateException("a channel always writes as JSON", e);
        }
    }

    AlertChannel fromRecord(AlertStore.ChannelRecord r) {
        try {
            JsonNode s = json.readTree(r.settingsJson());
            Set<AlertTopic> topics = EnumSet.noneOf(AlertTopic.class);
            s.path("topics").forEach(t -> topics.add(AlertTopic.of(t.asText())));
            AlertChannel.Target target = json.readValue(seal.open(r.sealedTarget()), AlertChannel.Target.class);
            return new AlertChannel(r.id(), r.schoolId(), ChannelKind.of(s.path("kind").asText()), s.path("name").asText(),
                    s.path("enabled").asBoolean(true), Language.of(s.path("language").asText("zh-en")), topics,
                    AlertLevel.of(s.path("minLevel").asText("warning")), s.path("perMinute").asInt(20), target, r.createdAt(), r.updatedAt());
        } catch (IOException e) {
            throw new IllegalStateException("stored channel is not readable JSON: " + e.getMessage(), e);
        }
    }
}
