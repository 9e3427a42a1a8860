package org.syncready.firmware;

import java.util.List;

/** A profile, override or catalogue that cannot be used; {@link #problems()} names every field. */
public final class ProfileException extends Exception {
    private final transient List<ProfileProblem> problems;

    public ProfileException(List<ProfileProblem> problems) {
        super(describe(problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public ProfileException(String where, String pointer, String message) {
        this(List.of(new ProfileProblem(where, pointer, message)));
    }

    public List<ProfileProblem> problems() {
        return problems;
    }

    private static String describe(List<ProfileProblem> problems) {
        StringBuilder s = new StringBuilder();
        for (ProfileProblem p : problems) {
            if (s.length() > 0) {
                s.append("; ");
            }
            s.append(p);
        }
        return s.toString();
    }
}
