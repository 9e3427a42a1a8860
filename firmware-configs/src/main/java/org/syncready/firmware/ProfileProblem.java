package org.syncready.firmware;

/**
 * One thing wrong with a profile, an override or a rendered body.
 *
 * @param where   the file or layer it was found in (e.g. {@code profiles/generic-recorder-a/x.yaml}, {@code override school sch01})
 * @param pointer JSON pointer of the offending value, {@code /} for the whole document
 * @param message what is wrong
 */
public record ProfileProblem(String where, String pointer, String message) {
    @Override
    public String toString() {
        return (where == null || where.isEmpty() ? "" : where + " ") + pointer + ": " + message;
    }
}
