package org.syncready.controller.rollout;

import java.util.List;
import org.syncready.firmware.ProfileProblem;

/**
 * A rollout request or action that cannot be done. {@link #problems()} name the field of each error
 * (a JSON pointer into the request, or into the rendered body with the layer that broke it).
 */
public final class RolloutException extends Exception {
    /** What kind of refusal: the HTTP API maps it to a status. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;
    private final transient List<ProfileProblem> problems;

    public RolloutException(Kind kind, List<ProfileProblem> problems) {
        super(describe(problems), null, false, false);
        this.kind = kind;
        this.problems = List.copyOf(problems);
    }

    public static RolloutException invalid(String pointer, String message) {
        return new RolloutException(Kind.INVALID, List.of(new ProfileProblem("request", pointer, message)));
    }

    public static RolloutException notFound(String message) {
        return new RolloutException(Kind.NOT_FOUND, List.of(new ProfileProblem("request", "/", message)));
    }

    public static RolloutException conflict(String message) {
        return new RolloutException(Kind.CONFLICT, List.of(new ProfileProblem("request", "/", message)));
    }

    public Kind kind() {
        return kind;
    }

    public List<ProfileProblem> problems() {
        return problems;
    }

    private static String describe(List<ProfileProblem> problems) {
        StringBuilder s = new StringBuilder();
        for (ProfileProblem p : problems) {
            s.append(s.length() == 0 ? "" : "; ").append(p);
        }
        return s.toString();
    }
}
