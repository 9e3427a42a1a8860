package org.syncready.controller.readiness;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a box answered to a self-test: the outcome, when the answer arrived (data clock), and every
 * check that failed, as the agent reported it (protocol section 6.2), so that each becomes the reason
 * it names.
 *
 * @param answeredAt null when nothing was asked or nothing came back
 * @param error      why the command itself failed ({@code ok: false}), or null
 */
public record SelftestResult(SelftestOutcome outcome, Instant answeredAt, List<FailedCheck> failed, String error) {
    public SelftestResult {
        failed = List.copyOf(failed);
    }

    public static final SelftestResult NOT_ASKED = new SelftestResult(SelftestOutcome.NOT_ASKED, null, List.of(), null);
    public static final SelftestResult NO_ANSWER = new SelftestResult(SelftestOutcome.NO_ANSWER, null, List.of(), null);

    /**
     * One failed check of the report: {@code type} is camera, microphone, network, stream, system or
     * probe; {@code check} is the agent's whole check object (state, error, measured values, targets).
     */
    public record FailedCheck(String type, String id, JsonNode check) {
        public String error() {
            return check.path("error").asText(null);
        }

        public String state() {
            return check.path("state").asText(null);
        }
    }

    /** Reads a cmd/response: {@code ok} and its {@code result} (or {@code error}). */
    public static SelftestResult fromAnswer(boolean ok, JsonNode result, String error, Instant at) {
        if (!ok) {
            return new SelftestResult(SelftestOutcome.FAILED, at, List.of(), error == null ? "self-test failed" : error);
        }
        if (result == null || !result.path("passed").isBoolean()) {
            return new SelftestResult(SelftestOutcome.FAILED, at, List.of(), "self-test answer without a verdict");
        }
        List<FailedCheck> failed = new ArrayList<>();
        for (JsonNode check : result.path("checks")) {
            if (!check.path("passed").asBoolean(true)) {
                failed.add(new FailedCheck(check.path("type").asText("probe"), check.path("id").asText("?"), check));
            }
        }
        boolean passed = result.path("passed").asBoolean();
        if (!passed && failed.isEmpty()) {
            // A failed report whose checks we cannot read is still a failed self-test, never a silent READY.
            return new SelftestResult(SelftestOutcome.FAILED, at, List.of(),
                    String.join("; ", texts(result.path("failed"))));
        }
        return new SelftestResult(passed ? SelftestOutcome.PASSED : SelftestOutcome.FAILED, at, failed, null);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.isEmpty() ? List.of("no detail") : out;
    }
}
