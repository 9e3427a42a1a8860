package org.syncready.controller.readiness;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.protocol.CameraRole;

/**
 * The thresholds a classroom is judged by, read from a YAML file (defaults packaged as
 * {@code readiness-rules.yaml}; docs/READINESS.md gives each default's source). Per session kind and
 * classroom role: which camera roles must work, whether microphones must, how many streams the box
 * sends (the uplink it needs, with the bitrate of its profile), whether it records (the disk it needs),
 * and optionally network limits of its own.
 */
public record ReadinessRules(
        @JsonProperty(required = true) Network network,
        @JsonProperty(required = true) Window networkWindow,
        @JsonProperty(required = true) double ntpOffsetMaxMs,
        @JsonProperty(required = true) int streamBitrateKbps,
        @JsonProperty(required = true) double uplinkMargin,
        @JsonProperty(required = true) double uplinkHeadroom,
        @JsonProperty(required = true) double streamMinBitrateShare,
        @JsonProperty(required = true) int uplinkMaxAgeS,
        @JsonProperty(required = true) int diskReserveMb,
        @JsonProperty(required = true) int statusMaxAgePeriods,
        @JsonProperty(required = true) Checks checks,
        @JsonProperty(required = true) Map<SessionKind, Kind> kinds) {

    /**
     * Network limits: beyond a "Max" value the classroom is AT_RISK, beyond a "Blocking" one NOT_READY.
     * Judged on the median of the recent samples ({@link Window}), not on one echo burst.
     */
    public record Network(@JsonProperty(required = true) double rttMaxMs,
                          @JsonProperty(required = true) double rttBlockingMs,
                          @JsonProperty(required = true) double jitterMaxMs,
                          @JsonProperty(required = true) double jitterBlockingMs,
                          @JsonProperty(required = true) double lossMaxPct,
                          @JsonProperty(required = true) double lossBlockingPct) {
    }

    /**
     * How RTT, jitter and loss are smoothed: the median of the last {@code samples} distinct figures
     * no older than {@code maxAgeS}; a level once raised falls back only when the median drops below
     * {@code recoverAt} times its limit (hysteresis).
     */
    public record Window(@JsonProperty(required = true) int samples,
                         @JsonProperty(required = true) int maxAgeS,
                         @JsonProperty(required = true) double recoverAt) {
    }

    /**
     * When checks run: minutes before the start, self-test timeout, the pace during class, and the
     * live re-evaluation from the first check until the end (at most every {@code liveCoalesceMs} after a
     * status, every {@code liveFullSweepS} in any case; a box missing a figure is asked for a fresh
     * self-test at most every {@code selftestRefreshS}).
     */
    public record Checks(@JsonProperty(required = true) List<Integer> beforeStartMinutes,
                         @JsonProperty(required = true) int selftestTimeoutS,
                         @JsonProperty(required = true) int inSessionEveryS,
                         @JsonProperty(required = true) int liveCoalesceMs,
                         @JsonProperty(required = true) int liveFullSweepS,
                         @JsonProperty(required = true) int selftestRefreshS) {
        /** The earliest check before the start: the live window opens there. */
        public int widestMinutes() {
            return beforeStartMinutes.stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    /** The needs of the lead and of each remote classroom for one session kind, and its own network limits. */
    public record Kind(@JsonProperty(required = true) Needs lead, @JsonProperty(required = true) Needs remote,
                       Network network) {
    }

    /** What one classroom's box must have working. */
    public record Needs(@JsonProperty(required = true) List<CameraRole> cameraRoles,
                       @JsonProperty(required = true) boolean microphones,
                       @JsonProperty(required = true) int upStreams,
                       @JsonProperty(required = true) boolean records) {
        public Needs {
            cameraRoles = List.copyOf(cameraRoles);
        }
    }

    public Needs needs(SessionKind kind, ClassroomReadiness.Role role) {
        Kind k = kinds.get(kind);
        return role == ClassroomReadiness.Role.LEAD ? k.lead() : k.remote();
    }

    /** The network limits of a session kind: its own, or the common ones. */
    public Network network(SessionKind kind) {
        Kind k = kinds.get(kind);
        return k == null || k.network() == null ? network : k.network();
    }

    /** The packaged defaults. */
    public static ReadinessRules defaults() {
        try (InputStream in = ReadinessRules.class.getResourceAsStream("readiness-rules.yaml")) {
            return parse(in.readAllBytes(), "readiness-rules.yaml (packaged)");
        } catch (IOException | RulesException e) {
            throw new IllegalStateException("packaged readiness rules are broken: " + e.getMessage(), e);
        }
    }

    public static ReadinessRules load(Path file) throws RulesException {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new RulesException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Thrown for a rules file that is not valid; the message names the file and the field. */
    public static final class RulesException extends Exception {
        public RulesException(String message) {
            super(message);
        }
    }

    static ReadinessRules parse(byte[] yaml, String name) throws RulesException {
        ObjectMapper mapper = YAMLMapper.builder()
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // Every field but kinds.*.network is @JsonProperty(required = true), which Jackson enforces on creators.
                .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .build();
        ReadinessRules rules;
        try {
            rules = mapper.readValue(yaml, ReadinessRules.class);
        } catch (UnrecognizedPropertyException e) {
            throw new RulesException(name + ": unknown field '" + path(e) + "'");
        } catch (JsonMappingException e) {
            throw new RulesException(name + ": field '" + path(e) + "': " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RulesException(name + ": not valid YAML: " + e.getMessage());
        }
        rules.validate(name);
        return rules;
    }

    private void validate(String name) throws RulesException {
        validate(name, "network", network);
        positive(name, "networkWindow.samples", networkWindow.samples());
        positive(name, "networkWindow.maxAgeS", networkWindow.maxAgeS());
        if (!(networkWindow.recoverAt() > 0 && networkWindow.recoverAt() <= 1)) {
            throw new RulesException(name + ": field 'networkWindow.recoverAt' must be in (0, 1]");
        }
        positive(name, "ntpOffsetMaxMs", ntpOffsetMaxMs);
        positive(name, "streamBitrateKbps", streamBitrateKbps);
        positive(name, "statusMaxAgePeriods", statusMaxAgePeriods);
        positive(name, "uplinkMaxAgeS", uplinkMaxAgeS);
        if (uplinkMargin < 0) {
            throw new RulesException(name + ": field 'uplinkMargin' must be >= 0");
        }
        if (uplinkHeadroom < 1) {
            throw new RulesException(name + ": field 'uplinkHeadroom' must be >= 1");
        }
        if (!(streamMinBitrateShare >= 0 && streamMinBitrateShare <= 1)) {
            throw new RulesException(name + ": field 'streamMinBitrateShare' must be in [0, 1]");
        }
        if (diskReserveMb < 0) {
            throw new RulesException(name + ": field 'diskReserveMb' must be >= 0");
        }
        if (checks.beforeStartMinutes().isEmpty() || checks.beforeStartMinutes().stream().anyMatch(m -> m < 1 || m > 24 * 60)) {
            throw new RulesException(name + ": field 'checks.beforeStartMinutes' needs 1..1440 minute values");
        }
        positive(name, "checks.selftestTimeoutS", checks.selftestTimeoutS());
        positive(name, "checks.inSessionEveryS", checks.inSessionEveryS());
        positive(name, "checks.liveCoalesceMs", checks.liveCoalesceMs());
        positive(name, "checks.liveFullSweepS", checks.liveFullSweepS());
        positive(name, "checks.selftestRefreshS", checks.selftestRefreshS());
        for (SessionKind kind : SessionKind.values()) {
            Kind k = kinds.get(kind);
            if (k == null) {
                throw new RulesException(name + ": field 'kinds." + kind.label() + "' is missing");
            }
            for (Needs n : List.of(k.lead(), k.remote())) {
                if (n.upStreams() < 0) {
                    throw new RulesException(name + ": field 'kinds." + kind.label() + ".upStreams' must be >= 0");
                }
            }
            if (k.network() != null) {
                validate(name, "kinds." + kind.label() + ".network", k.network());
            }
        }
    }

    private static void validate(String name, String prefix, Network n) throws RulesException {
        positive(name, prefix + ".rttMaxMs", n.rttMaxMs());
        positive(name, prefix + ".jitterMaxMs", n.jitterMaxMs());
        positive(name, prefix + ".lossMaxPct", n.lossMaxPct());
        if (n.rttBlockingMs() < n.rttMaxMs()) {
            throw new RulesException(name + ": field '" + prefix + ".rttBlockingMs' must be >= rttMaxMs");
        }
        if (n.jitterBlockingMs() < n.jitterMaxMs()) {
            throw new RulesException(name + ": field '" + prefix + ".jitterBlockingMs' must be >= jitterMaxMs");
        }
        if (n.lossBlockingPct() < n.lossMaxPct()) {
            throw new RulesException(name + ": field '" + prefix + ".lossBlockingPct' must be >= lossMaxPct");
        }
    }

    private static void positive(String name, String field, double value) throws RulesException {
        if (!(value > 0)) {
            throw new RulesException(name + ": field '" + field + "' must be > 0");
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
