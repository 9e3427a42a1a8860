package org.syncready.controller.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.ConfigSigning;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.ProtocolException;

/**
 * The configuration state of every box: its latest signed desired document, its latest report, the
 * version it says it runs, its assigned profile and override layers. Numbers, signs, stores and
 * publishes new desired versions, and answers whether a box drifts from its desired configuration.
 *
 * <p>Written on the rollout thread only. {@link #drift} and {@link #runningVersion} are read by any
 * thread (readiness), so the maps they read are concurrent.
 */
final class DesiredConfigs implements ConfigState {
    private static final Logger log = LoggerFactory.getLogger(DesiredConfigs.class);
    /**
     * Versions above this, as a box may claim in its birth, are not numbered above: JSON readers in
     * other languages lose precision beyond it, and adding one must never overflow.
     */
    static final long MAX_VERSION = 9_007_199_254_740_991L;

    private final RolloutStore store;
    private final ConfigSigner signer;
    private final MessageCodec codec;
    private final ObjectMapper json;
    private final DesiredPublisher publisher;
    private final LiveBoxes live;
    private final Duration driftGrace;

    private final Map<String, RolloutStore.Desired> desired = new ConcurrentHashMap<>();
    private final Map<String, RolloutStore.Reported> reported = new ConcurrentHashMap<>();
    private final Map<String, Long> running = new ConcurrentHashMap<>();
    private final Map<String, String> overrides = new HashMap<>();
    private final Map<String, String> profiles = new HashMap<>();
    /** The body hashed last and its hash (rollout thread only; bodies are never changed once rendered). */
    private JsonNode lastBody;
    private String lastSha;

    DesiredConfigs(RolloutStore store, ConfigSigner signer, MessageCodec codec, DesiredPublisher publisher, LiveBoxes live,
                   Duration driftGrace) {
        this.store = store;
        this.signer = signer;
        this.codec = codec;
        this.json = codec.mapper();
        this.publisher = publisher;
        this.live = live;
        this.driftGrace = driftGrace;
    }

    /** Loads the stored state; a running version learnt from a birth before this stays (it is fresher). */
    void load() {
        desired.putAll(store.latestDesired());
        reported.putAll(store.reported());
        reported.values().stream().filter(r -> r.result().equals("applied")).forEach(r -> running.putIfAbsent(r.boxId(), r.version()));
        overrides.putAll(store.overrides());
        profiles.putAll(store.boxProfiles());
    }

    /** Reads the store again (another controller node changed it); what this node heard from its boxes stays. */
    void reload() {
        overrides.clear();
        load();
    }

    /** Publishes every box's latest desired document again (the embedded broker keeps nothing across restarts). */
    int republishAll() {
        desired.values().forEach(publisher::publish);
        return desired.size();
    }

    boolean canPublish() {
        return publisher.connected();
    }

    String signingKeyId() {
        return signer.keyId();
    }

    // ------------------------------------------------------------------ what the planner reads

    @Override
    public String profileOf(String boxId) {
        return profiles.get(boxId);
    }

    @Override
    public JsonNode override(String key) {
        String text = overrides.get(key);
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored override " + key + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Optional<RolloutStore.Desired> desired(String boxId) {
        return Optional.ofNullable(desired.get(boxId));
    }

    @Override
    public Long runningVersion(String boxId) {
        return running.get(boxId);
    }

    /** A copy of every known running version. */
    Map<String, Long> runningVersions() {
        return new HashMap<>(running);
    }

    /**
     * The highest version the box is known to run: from its reports and births, or the live fleet's
     * snapshot (restored from the store before the box reconnected).
     */
    Optional<Long> appliedVersion(String boxId) {
        Long known = running.get(boxId);
        Long seen = live.seen(boxId).map(LiveBoxes.Seen::configVersion).orElse(null);
        if (known == null) {
            return Optional.ofNullable(seen);
        }
        return Optional.of(seen == null ? known : Math.max(known, seen));
    }

    // ------------------------------------------------------------------ profiles and override layers

    /** Records profile assignments the store already holds (stored with their rollout). */
    void assigned(Map<String, String> boxProfiles) {
        profiles.putAll(boxProfiles);
    }

    private void restoreProfile(String boxId, String profile, long now) {
        store.putBoxProfile(boxId, profile, now);
        profiles.put(boxId, profile);
    }

    /** Sets a layer; an empty or null layer removes it. */
    void setOverride(String key, JsonNode layer, String actor, long now) {
        restoreOverride(key, layer == null || layer.isEmpty() ? null : layer.toString(), actor, now);
    }

    /** Sets a layer from its stored text; null removes it. */
    void restoreOverride(String key, String body, String actor, long now) {
        store.putOverride(key, body, now, actor);
        if (body == null) {
            overrides.remove(key);
        } else {
            overrides.put(key, body);
        }
    }

    /**
     * Puts back the override layers and profile assignments a rollout replaced ({@code previous}: its
     * stored JSON, layer key to text or null, and {@code profiles}: box id to profile or null), so the
     * next rollout renders from them.
     */
    void restoreLayers(String previous, String actor, long now) {
        if (previous == null) {
            return;
        }
        JsonNode layers;
        try {
            layers = json.readTree(previous);
        } catch (JsonProcessingException e) {
            log.error("stored previous override layers are not JSON; layers not restored: {}", e.getOriginalMessage());
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = layers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("profiles")) {
                for (Iterator<Map.Entry<String, JsonNode>> p = f.getValue().fields(); p.hasNext(); ) {
                    Map.Entry<String, JsonNode> bp = p.next();
                    if (!bp.getValue().isNull()) {
                        restoreProfile(bp.getKey(), bp.getValue().asText(), now);
                    }
                }
            } else {
                restoreOverride(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText(), actor, now);
            }
        }
    }

    /** The stored text of a layer, or null. */
    String overrideText(String key) {
        return overrides.get(key);
    }

    // ------------------------------------------------------------------ versions, signing, publishing

    /**
     * The next version for a box: above every version the controller published, the box reported on,
     * or the box says it runs. A box ignores a version that is not newer than the one it runs, so after
     * a database restored from a backup (or agents that kept their state) numbering goes on above the
     * box's, not the store's.
     */
    long nextVersion(String boxId) {
        long top = 0;
        RolloutStore.Desired d = desired.get(boxId);
        if (d != null) {
            top = d.version();
        }
        RolloutStore.Reported r = reported.get(boxId);
        if (r != null && r.version() < MAX_VERSION) {
            top = Math.max(top, r.version());
        }
        Optional<Long> applied = appliedVersion(boxId);
        if (applied.isPresent() && applied.get() < MAX_VERSION) {
            top = Math.max(top, applied.get());
        }
        return top + 1;
    }

    /** The box's next desired document, signed; not stored or published yet. */
    RolloutStore.Desired sign(String boxId, String profile, JsonNode body, long now) {
        return signAll(List.of(new Unsigned(boxId, profile, body)), now).get(0);
    }

    /** A box's next document before it is numbered and signed. */
    record Unsigned(String boxId, String profile, JsonNode body) {
    }

    /** The boxes' next desired documents, numbered and signed (signatures spread over the cores); nothing stored or published. */
    List<RolloutStore.Desired> signAll(List<Unsigned> docs, long now) {
        List<ConfigSigner.Input> inputs = new ArrayList<>(docs.size());
        for (Unsigned u : docs) {
            inputs.add(new ConfigSigner.Input(u.boxId(), nextVersion(u.boxId()), u.profile(), sha256(u.body())));
        }
        List<String> signatures = signer.signAll(inputs);
        List<RolloutStore.Desired> out = new ArrayList<>(docs.size());
        for (int k = 0; k < docs.size(); k++) {
            ConfigSigner.Input in = inputs.get(k);
            ConfigDesired doc = new ConfigDesired(Protocol.VERSION, in.boxId(), now, in.version(), in.profile(), in.sha256(),
                    docs.get(k).body(), signatures.get(k));
            out.add(new RolloutStore.Desired(in.boxId(), in.version(), in.profile(), in.sha256(),
                    new String(codec.encode(doc), StandardCharsets.UTF_8), now));
        }
        return out;
    }

    /** Warms the signer in the background (see {@link ConfigSigner#warmUpInBackground}). */
    void warmUp() {
        signer.warmUpInBackground();
    }

    /**
     * The body's hash (RFC 8785 canonical form): the boxes of a rollout mostly share one body object,
     * and canonicalising it again for each of them was a sixth of a 10,000-box rollout's CPU.
     */
    private String sha256(JsonNode body) {
        if (body != lastBody) {
            lastSha = ConfigSigning.sha256(body);
            lastBody = body;
        }
        return lastSha;
    }

    /** Makes a stored document the box's desired one and publishes it retained. */
    void publish(RolloutStore.Desired d) {
        desired.put(d.boxId(), d);
        publisher.publish(d);
    }

    /** Signs, stores and publishes the next version of a box's desired configuration (a rollback). */
    RolloutStore.Desired publishNew(String boxId, String profile, JsonNode body, String rolloutId, long now) {
        RolloutStore.Desired d = sign(boxId, profile, body, now);
        store.insertDesired(d, rolloutId);
        publish(d);
        log.info("box={} config version {} ({}) published by {}", boxId, d.version(), profile, rolloutId);
        return d;
    }

    /** A stored earlier version of a box's document, decoded; empty when it is gone or unreadable. */
    Optional<ConfigDesired> stored(String boxId, long version) {
        Optional<RolloutStore.Desired> d = store.desired(boxId, version);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(ConfigDesired.class, d.get().payload().getBytes(StandardCharsets.UTF_8)));
        } catch (ProtocolException e) {
            log.warn("box={} stored config version {} is unreadable: {}", boxId, version, e.getMessage());
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ what boxes say

    /** Stores boxes' reports (one transaction); the runner sets the version an applied one runs, report by report. */
    void reported(List<ReceivedReport> reports) {
        List<RolloutStore.Reported> rows = new ArrayList<>(reports.size());
        for (ReceivedReport received : reports) {
            ConfigReported r = received.report();
            rows.add(new RolloutStore.Reported(r.boxId(), r.version(), r.result().toString(), r.error(), received.receivedAt()));
        }
        store.putReported(rows);
        for (RolloutStore.Reported row : rows) {
            reported.put(row.boxId(), row);
        }
    }

    /** The version a box runs, from its birth or an applied report; null: none (a box that lost its state runs agent.yaml alone). */
    void running(String boxId, Long version) {
        if (version == null) {
            running.remove(boxId);
        } else {
            running.put(boxId, version);
        }
    }

    // ------------------------------------------------------------------ drift (any thread)

    /**
     * Whether {@code boxId} has not run its desired configuration for longer than the grace period: it
     * reported another version, rejected or rolled it back, or said nothing since it was published.
     */
    Optional<ConfigDrift> drift(String boxId, Instant now) {
        RolloutStore.Desired d = desired.get(boxId);
        if (d == null) {
            return Optional.empty();
        }
        Long runs = running.get(boxId);
        if (runs != null && runs == d.version()) {
            return Optional.empty();
        }
        Instant since = Instant.ofEpochMilli(d.createdAt());
        RolloutStore.Reported r = reported.get(boxId);
        boolean refused = r != null && r.version() == d.version() && !r.result().equals("applied");
        if (!refused && since.plus(driftGrace).isAfter(now)) {
            return Optional.empty();
        }
        String detail = refused ? "version " + d.version() + " " + r.result() + ": " + r.error()
                : "runs version " + (runs == null ? "none" : runs) + ", desired " + d.version() + " since " + since;
        return Optional.of(new ConfigDrift(boxId, d.version(), r == null ? runs : Long.valueOf(r.version()),
                r == null ? null : r.result(), since, detail));
    }

    /** Desired and reported configuration of one box, with its profile and override layers, as the API shows it. */
    ObjectNode describe(String boxId, String schoolId, Clock clock) {
        ObjectNode out = json.createObjectNode().put("boxId", boxId).put("profile", profiles.get(boxId));
        ObjectNode layers = out.putObject("overrides");
        layers.set("school", override("school:" + schoolId));
        layers.set("box", override("box:" + boxId));
        RolloutStore.Desired d = desired.get(boxId);
        try {
            out.set("desired", d == null ? null : json.readTree(d.payload()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored desired document of " + boxId + " is not JSON", e);
        }
        RolloutStore.Reported r = reported.get(boxId);
        if (r != null) {
            out.putObject("reported").put("version", r.version()).put("result", r.result()).put("error", r.error())
                    .put("receivedAt", Instant.ofEpochMilli(r.receivedAt()).toString());
        } else {
            out.putNull("reported");
        }
        out.put("runningVersion", running.get(boxId));
        Optional<ConfigDrift> drift = drift(boxId, clock.instant());
        out.set("drift", drift.<JsonNode>map(x -> json.createObjectNode().put("desiredVersion", x.desiredVersion())
                .put("reportedVersion", x.reportedVersion()).put("reportedResult", x.reportedResult())
                .put("since", x.since().toString()).put("detail", x.detail())).orElse(null));
        return out;
    }
}
