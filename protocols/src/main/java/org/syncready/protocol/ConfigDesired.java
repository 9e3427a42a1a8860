package org.syncready.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The configuration the controller wants a box to run, retained. {@code sha256} is over the
 * canonical JSON of {@code body}; {@code sig} is the controller's Ed25519 signature (base64).
 */
public record ConfigDesired(int v, String boxId, long ts, long version, String profile, String sha256,
                            JsonNode body, String sig) implements Message {
    public ConfigDesired {
        Check.envelope(v, boxId, ts);
        Check.positive(version, "version");
        Check.text(profile, "profile", 128);
        Check.text(sha256, "sha256", 64);
        // Jackson turns "body": null into a NullNode, which Check.present would let through.
        if (body == null || body.isNull()) {
            throw Check.missing("body");
        }
        if (!body.isObject()) {
            throw Check.invalid("body", "must be a JSON object");
        }
        Check.text(sig, "sig", 512);
    }
}
