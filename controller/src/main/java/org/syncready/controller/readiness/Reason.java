package org.syncready.controller.readiness;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One finding: its code and weight, the device it is about (null for the whole box), one sentence in
 * each language for whoever has to fix it, and the measured values behind it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Reason(ReasonCode code, Severity severity, String device, String en, String zh, Map<String, Object> data) {
    /**
     * "Microphone X: silent", worded as the readiness rules word it; for findings made outside a check
     * (the demo's history of classes that ended before it started).
     */
    public static Reason silentMicrophone(String id, String role, double levelDbfs, Severity severity) {
        return new ReasonSentences(java.time.ZoneOffset.UTC).microphone(severity, id, role, ReasonSentences.MicProblem.SILENT,
                levelDbfs, null, false);
    }

    public Reason {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** Identifies "the same problem" across checks, for incidents. */
    public String key() {
        return key(code, device);
    }

    static String key(ReasonCode code, String device) {
        return device == null ? code.name() : code.name() + ":" + device;
    }
}
