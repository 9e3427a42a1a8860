package org.syncready.agent.configapply;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.ConfigLoader;
import org.syncready.firmware.ProfileSchemas;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported.Result;
import org.syncready.protocol.ConfigSigning;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.ProtocolException;

/**
 * Verifies, writes, applies and health-checks each desired configuration, rolling back to the last
 * good one on failure (PROTOCOL.md section 4.4). Not thread-safe: the agent calls it from its one work
 * thread, so a configuration is never applied in the middle of a probe round or another apply.
 *
 * <p>Versions: {@code running} is the applied version (0 for agent.yaml alone); {@code handled} the
 * highest version acted on after it verified (applied, rolled back, or refused by the schema), kept
 * with its document's sha256. A handled version is never tried again: the retained copy of that same
 * document comes back on every reconnect and is ignored without a word, but any other document that
 * is not newer (a controller whose database was restored from an older backup numbers from there) is
 * reported {@code rejected} with both versions, so the controller can number above them instead of
 * waiting forever. A document that fails the box, hash or signature check does not count, so a forged
 * high version cannot lock out the controller's next real one.
 */
public final class ConfigApplier {
    private static final Logger log = LoggerFactory.getLogger(ConfigApplier.class);
    private static final Duration BROKER_WAIT = Duration.ofSeconds(10);
    /** Devices may take a moment to come back after a change: a failing check is repeated before rollback. */
    private static final int CHECK_ROUNDS = 3;
    private static final long CHECK_PAUSE_MS = 1_000;

    private final AgentConfig config;
    private final String boxId;
    private final List<PublicKey> keys;
    private final ConfigVerifier verifier;
    private final ConfigFiles files;
    private final ApplyHook hook;
    private final MessageCodec codec;
    private final ConfigTarget target;
    private ConfigDesired running;
    private long handled;
    /** The sha256 of the handled version's document; null when unknown (a handled file written before it was kept). */
    private String handledSha;
    /** The last stale document reported, so a retained one coming back on every reconnect is logged once. */
    private String staleLogged;

    public ConfigApplier(AgentConfig config, MessageCodec codec, ConfigTarget target) {
        this.config = config;
        this.boxId = config.boxId();
        this.codec = codec;
        this.target = target;
        // Per box: the agents of a fleet (demo, tests) may share one data folder.
        this.files = new ConfigFiles(config.dataDir().resolve("config").resolve(boxId));
        this.hook = config.configApply().applyHook() == null ? null : new ApplyHook(config.configApply().applyHook());
        List<PublicKey> pinned = new ArrayList<>();
        for (String k : config.configApply().controllerKeys()) {
            pinned.add(ConfigSigning.decodePublicKey(k));
        }
        this.keys = List.copyOf(pinned);
        this.verifier = new ConfigVerifier(config.model(), keys, ProfileSchemas.packaged());
        this.running = loadRunning();
        String[] stored = readHandled();
        long storedVersion = stored.length > 0 ? parse(stored[0]) : 0;
        if (running != null && running.version() >= storedVersion) {
            this.handled = running.version();
            this.handledSha = running.version() == storedVersion && stored.length > 1 ? stored[1] : running.sha256();
        } else {
            this.handled = storedVersion;
            this.handledSha = stored.length > 1 ? stored[1] : null;
        }
    }

    /** The configuration applied before this start, which the agent runs from the start; empty for none. */
    public Optional<ConfigDesired> running() {
        return Optional.ofNullable(running);
    }

    /** The version running now, or null when only agent.yaml's settings run (as birth.configVersion). */
    public Long runningVersion() {
        return running == null ? null : running.version();
    }

    /**
     * The agent settings {@code body} gives on top of agent.yaml: heartbeat ({@code agent.heartbeatS} or its
     * old name {@code agent.statusIntervalS}), report rules ({@code agent.report}), probe timeout, targets.
     *
     * @throws org.syncready.agent.config.ConfigException when the agent settings cannot run (the applier
     *         rejects the version naming the field)
     */
    public static AgentConfig effective(AgentConfig base, JsonNode body) {
        if (body == null) {
            return base;
        }
        List<AgentConfig.Target> targets = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode t : body.path("network").path("targets")) {
            targets.add(new AgentConfig.Target(t.path("name").asText(), t.path("host").asText(), t.path("port").asInt()));
            names.add(t.path("name").asText());
        }
        // The broker (or agent.yaml's own targets) stay probed: the box must keep judging its path to the controller.
        for (AgentConfig.Target t : base.probeTargets()) {
            if (!names.contains(t.name())) {
                targets.add(t);
            }
        }
        JsonNode agent = body.path("agent");
        AgentSettings settings = agentSettings(agent, base.report());
        return base.toBuilder()
                .statusIntervalS(settings.heartbeatS() != null ? settings.heartbeatS() : base.statusIntervalS())
                .report(settings.report())
                .probeTimeoutMs(body.path("agent").path("probeTimeoutMs").asInt(base.probeTimeoutMs()))
                .targets(targets)
                .build();
    }

    /** A profile's report settings: its heartbeat (null: agent.yaml's stays) and its report rules over {@code base}. */
    record AgentSettings(Integer heartbeatS, org.syncready.agent.config.ReportRules report) {
    }

    /** Reads a profile's {@code agent} object's report settings; fails naming the field. */
    static AgentSettings agentSettings(JsonNode agent, org.syncready.agent.config.ReportRules base) {
        Integer heartbeat = agent.hasNonNull("heartbeatS") || agent.hasNonNull("statusIntervalS")
                ? ConfigLoader.heartbeatS(wholeNumber(agent, "heartbeatS"), wholeNumber(agent, "statusIntervalS"), "agent.")
                : null;
        return new AgentSettings(heartbeat, base.with(agent.get("report"), "agent.report"));
    }

    private static Integer wholeNumber(JsonNode agent, String name) {
        JsonNode v = agent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new org.syncready.agent.config.ConfigException("agent." + name, "must be a whole number, was " + v);
        }
        return v.intValue();
    }

    /** Acts on one desired document, as received (retained or not). */
    public void onDesired(ConfigDesired doc) {
        long version = doc.version();
        if (!doc.boxId().equals(boxId)) {
            reject(doc, "document is for box " + doc.boxId(), false);
            return;
        }
        if (running != null && version == running.version() && doc.sha256().equals(running.sha256())) {
            log.debug("{}: config version {} already running", boxId, version);
            return;
        }
        if (version <= handled) {
            if (version == handled && (handledSha == null || handledSha.equals(doc.sha256()))) {
                // The retained document of the version last applied, rolled back or refused: nothing new.
                log.debug("{}: config version {} already handled", boxId, version);
                return;
            }
            String why = "version " + version + " is not newer than " + handled + ", the last version this box acted on (it runs "
                    + (running == null ? "none" : running.version()) + ")" + (version == handled ? " with another document" : "")
                    + ": send a higher version";
            String key = version + " " + doc.sha256();
            if (key.equals(staleLogged)) {
                log.debug("{}: config version {} rejected again: {}", boxId, version, why);
            } else {
                staleLogged = key;
                log.warn("{}: config version {} rejected: {}", boxId, version, why);
            }
            target.report(version, Result.REJECTED, why);
            return;
        }
        Optional<ConfigVerifier.Refusal> refused = verifier.check(doc);
        if (refused.isPresent()) {
            reject(doc, refused.get().why(), refused.get().verified());
            return;
        }
        apply(doc);
    }

    private void apply(ConfigDesired doc) {
        ConfigDesired before = running;
        boolean hadPrevious = before != null;
        org.syncready.agent.probe.Snapshot baseline = target.probeNow();
        try {
            files.install(codec.encode(doc));
        } catch (IOException e) {
            // Nothing changed yet: the running configuration stays, and so does its file.
            markHandled(doc);
            log.warn("{}: config version {} not written: {}", boxId, doc.version(), e.getMessage());
            target.report(doc.version(), Result.REJECTED, "cannot write the configuration: " + e.getMessage());
            return;
        }
        String failure = runHook(doc.body());
        if (failure.isEmpty()) {
            target.reconfigure(doc.body(), doc.version());
            failure = check(baseline, doc.body());
        }
        markHandled(doc);
        if (failure.isEmpty()) {
            running = doc;
            log.info("{}: config version {} ({}) applied", boxId, doc.version(), doc.profile());
            target.report(doc.version(), Result.APPLIED, null);
            return;
        }
        log.warn("{}: config version {} ({}) failed its health check, rolling back to {}: {}", boxId, doc.version(),
                doc.profile(), hadPrevious ? "version " + before.version() : "agent.yaml", failure);
        try {
            files.restorePrevious(hadPrevious);
        } catch (IOException e) {
            log.error("{}: cannot restore the previous configuration file: {}", boxId, e.getMessage());
        }
        if (hadPrevious) {
            String again = runHook(before.body());
            if (!again.isEmpty()) {
                log.error("{}: apply hook failed while rolling back: {}", boxId, again);
            }
        }
        target.reconfigure(hadPrevious ? before.body() : null, hadPrevious ? before.version() : 0);
        target.report(doc.version(), Result.ROLLED_BACK, failure);
    }

    private String runHook(JsonNode body) {
        if (hook == null) {
            return "";
        }
        try {
            Path file = files.current().resolveSibling("hook-body.json");
            Files.write(file, body.toString().getBytes(StandardCharsets.UTF_8));
            return hook.run(file);
        } catch (IOException e) {
            return "cannot hand the body to the apply hook: " + e.getMessage();
        }
    }

    private String check(org.syncready.agent.probe.Snapshot baseline, JsonNode body) {
        Optional<String> failed = Optional.empty();
        for (int round = 1; round <= CHECK_ROUNDS; round++) {
            failed = HealthCheck.compare(baseline, target.probeNow(), body, target.camerasProbed());
            if (failed.isEmpty()) {
                break;
            }
            if (round < CHECK_ROUNDS) {
                try {
                    Thread.sleep(CHECK_PAUSE_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (failed.isEmpty() && !target.brokerReachable(BROKER_WAIT)) {
            failed = Optional.of("broker: unreachable after applying");
        }
        return failed.orElse("");
    }

    private void reject(ConfigDesired doc, String why, boolean verified) {
        if (verified) {
            markHandled(doc);
        }
        log.warn("{}: config version {} rejected: {}", boxId, doc.version(), why);
        target.report(doc.version(), Result.REJECTED, why);
    }

    /** Records {@code doc} as the last version acted on: {@code handled} holds "version sha256". */
    private void markHandled(ConfigDesired doc) {
        if (doc.version() < handled) {
            return;
        }
        handled = doc.version();
        handledSha = doc.sha256();
        try {
            Files.createDirectories(files.current().getParent());
            Path tmp = files.current().resolveSibling("handled.tmp");
            Files.writeString(tmp, handled + " " + handledSha);
            Files.move(tmp, files.current().resolveSibling("handled"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("{}: cannot record handled config version {}: {}", boxId, doc.version(), e.getMessage());
        }
    }

    /** The handled file's words: version, then (since it is kept) the document's sha256; empty when there is none. */
    private String[] readHandled() {
        try {
            Path f = files.current().resolveSibling("handled");
            return Files.isRegularFile(f) ? Files.readString(f).strip().split("\\s+") : new String[0];
        } catch (IOException e) {
            return new String[0];
        }
    }

    private static long parse(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private ConfigDesired loadRunning() {
        try {
            Optional<byte[]> bytes = files.readCurrent();
            if (bytes.isEmpty()) {
                return null;
            }
            ConfigDesired doc = codec.decode(ConfigDesired.class, bytes.get());
            if (!doc.boxId().equals(boxId) || !ConfigSigning.sha256(doc.body()).equals(doc.sha256())) {
                log.warn("{}: {} is not this box's applied configuration; running agent.yaml alone", boxId, files.current());
                return null;
            }
            log.info("{}: running config version {} ({}) from {}", boxId, doc.version(), doc.profile(), files.current());
            return doc;
        } catch (IOException | ProtocolException e) {
            log.warn("{}: cannot read {}: {}; running agent.yaml alone", boxId, files.current(), e.getMessage());
            return null;
        }
    }
}
