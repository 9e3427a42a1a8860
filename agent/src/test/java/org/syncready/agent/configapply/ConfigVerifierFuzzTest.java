package org.syncready.agent.configapply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.syncready.agent.config.AgentConfig;
import org.syncready.firmware.ProfileSchemas;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigSigning;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.ProtocolException;

/**
 * Coverage-guided fuzzing of the agent's config verifier (docs/FUZZING.md). Any document from the
 * broker is refused or accepted, never an exception; an unsigned or forged one is always refused; and
 * a correctly signed body the model's schema accepts is one the agent can run (its settings make a valid
 * agent configuration), so the schema never lets through what the agent would then crash on.
 *
 * <p>Under plain {@code mvn test} this runs the seeds in
 * {@code src/test/resources/org/syncready/agent/configapply/ConfigVerifierFuzzTestInputs/} (regression mode).
 */
class ConfigVerifierFuzzTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final KeyPair CONTROLLER = ed25519();
    private static final ProfileSchemas SCHEMAS = ProfileSchemas.packaged();
    private static final Map<String, ConfigVerifier> VERIFIERS = Map.of(
            "generic-recorder-a", new ConfigVerifier("generic-recorder-a", List.of(CONTROLLER.getPublic()), SCHEMAS),
            "generic-recorder-b", new ConfigVerifier("generic-recorder-b", List.of(CONTROLLER.getPublic()), SCHEMAS));
    private static final AtomicLong RUNS = new AtomicLong();
    private static volatile long firstRunNanos;

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void report() {
        double seconds = (System.nanoTime() - firstRunNanos) / 1e9;
        System.out.printf("fuzz ConfigVerifierFuzzTest: %d executions in %.1f s (%.0f/s)%n", RUNS.get(), seconds, RUNS.get() / seconds);
    }

    private static void counted() {
        if (RUNS.getAndIncrement() == 0) {
            firstRunNanos = System.nanoTime();
        }
    }

    /** A {@code config/desired} payload as it arrives: nobody but the controller can sign it, so it is refused. */
    @FuzzTest(maxDuration = "60s")
    void anyDocumentIsRefusedWithoutAnException(byte[] payload) {
        counted();
        ConfigDesired doc;
        try {
            doc = CODEC.decode(ConfigDesired.class, payload);
        } catch (ProtocolException refused) {
            return;
        }
        ConfigVerifier verifier = VERIFIERS.getOrDefault(doc.body().path("model").asText(), VERIFIERS.get("generic-recorder-a"));
        Optional<ConfigVerifier.Refusal> refusal = verifier.check(doc);
        assertTrue(refusal.isPresent(), "a document not signed by the pinned key was accepted");
        assertFalse(refusal.get().verified(), refusal.get().why());
    }

    /** A body the controller signed: refused with a reason, or accepted and then runnable. */
    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"\"model\":\"generic-recorder-a\"", "\"model\":\"generic-recorder-b\"", "\"agent\":{",
            "\"statusIntervalS\":", "\"probeTimeoutMs\":", "\"network\":{", "\"targets\":[", "\"host\":", "\"port\":",
            "\"name\":", "\"cameras\":[", "\"microphones\":[", "\"video\":{", "\"resolution\":\"1280x720\"", "1e400", "-0"})
    void aSignedBodyIsRefusedOrRunnable(byte[] json) {
        counted();
        JsonNode parsed;
        try {
            parsed = CODEC.mapper().readTree(json);
        } catch (IOException notJson) {
            return;
        }
        if (!(parsed instanceof ObjectNode body)) {
            return;
        }
        String sha256;
        try {
            sha256 = ConfigSigning.sha256(body);
        } catch (IllegalArgumentException cannotBeSigned) {
            return; // the controller could not sign it either
        }
        String model = body.path("model").asText();
        ConfigDesired doc = new ConfigDesired(1, "box-1", 1_700_000_000_000L, 7, "fuzz/profile", sha256, body,
                ConfigSigning.sign(CONTROLLER.getPrivate(), "box-1", 7, "fuzz/profile", sha256));
        ConfigVerifier verifier = VERIFIERS.getOrDefault(model, VERIFIERS.get("generic-recorder-a"));
        Optional<ConfigVerifier.Refusal> refusal = verifier.check(doc);
        if (refusal.isPresent()) {
            assertFalse(refusal.get().why().isBlank());
            return;
        }
        AgentConfig base = AgentConfig.builder("box-1", "tcp://127.0.0.1:1883", "secret").model(model).build();
        AgentConfig running = ConfigApplier.effective(base, body);
        assertEquals("box-1", running.boxId());
    }
}
