package org.syncready.agent.configapply;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.syncready.firmware.ProfileProblem;
import org.syncready.firmware.ProfileSchemas;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigSigning;

/**
 * Decides whether a desired configuration may be applied on this box (PROTOCOL.md section 4.4): its
 * hash matches its body, its signature verifies with a pinned controller key, and its body is for this
 * box's model and valid against that model's schema. Pure: no files, no network, so it can be fed any
 * document (the fuzz tests do). Thread-safe.
 */
final class ConfigVerifier {
    /** Why a document was refused; {@code verified} when it was the controller's, signed and intact. */
    record Refusal(String why, boolean verified) {
    }

    private final String model;
    private final List<PublicKey> keys;
    private final ProfileSchemas schemas;

    ConfigVerifier(String model, List<PublicKey> keys, ProfileSchemas schemas) {
        this.model = model;
        this.keys = List.copyOf(keys);
        this.schemas = schemas;
    }

    /** Empty when {@code doc} may be applied. */
    Optional<Refusal> check(ConfigDesired doc) {
        String sha256;
        try {
            sha256 = ConfigSigning.sha256(doc.body());
        } catch (IllegalArgumentException e) {
            return Optional.of(new Refusal("the body cannot be hashed: " + e.getMessage(), false));
        }
        if (!sha256.equals(doc.sha256())) {
            return Optional.of(new Refusal("sha256 does not match the canonical body", false));
        }
        if (keys.isEmpty()) {
            return Optional.of(new Refusal("no controller key pinned (controllerKeys in agent.yaml)", false));
        }
        if (!ConfigSigning.verify(doc, keys)) {
            return Optional.of(new Refusal("signature does not verify with the pinned controller key(s) "
                    + keys.stream().map(ConfigSigning::keyId).collect(Collectors.joining(", ")), false));
        }
        String bodyModel = doc.body().path("model").asText();
        if (!bodyModel.equals(model)) {
            return Optional.of(new Refusal("body is for model '" + bodyModel + "', this box is a '" + model + "'", true));
        }
        List<ProfileProblem> problems = schemas.validate(null, model, doc.body());
        if (!problems.isEmpty()) {
            return Optional.of(new Refusal("body does not validate against " + model + ".schema.json: "
                    + problems.stream().limit(5).map(Object::toString).collect(Collectors.joining("; ")), true));
        }
        try {
            // What the schema cannot say: heartbeatS and its old name statusIntervalS must agree.
            ConfigApplier.agentSettings(doc.body().path("agent"), org.syncready.agent.config.ReportRules.DEFAULT);
        } catch (org.syncready.agent.config.ConfigException e) {
            return Optional.of(new Refusal("agent settings cannot run: " + e.getMessage(), true));
        }
        return Optional.empty();
    }
}
