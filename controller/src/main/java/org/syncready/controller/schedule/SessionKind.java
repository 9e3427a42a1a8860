package org.syncready.controller.schedule;

import java.util.Locale;

/** How a sync session is delivered; readiness rules differ per kind. */
public enum SessionKind {
    /** 直播: the lead lesson is streamed live to the remote classrooms. */
    LIVE,
    /** 录播: a recorded lesson is played in the remote classrooms. */
    RECORDED,
    /** 植入式: remote classrooms join part of the lesson. */
    EMBEDDED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Accepts the English label in any case and the Chinese names; empty for anything else. */
    public static java.util.Optional<SessionKind> parse(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "live", "直播" -> java.util.Optional.of(LIVE);
            case "recorded", "录播" -> java.util.Optional.of(RECORDED);
            case "embedded", "植入", "植入式" -> java.util.Optional.of(EMBEDDED);
            default -> java.util.Optional.empty();
        };
    }
}
