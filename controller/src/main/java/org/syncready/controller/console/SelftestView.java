package org.syncready.controller.console;

import java.util.List;

/** A self-test's outcome as the Box page shows it: one row per check, or why there is none. */
public record SelftestView(String boxId, boolean passed, String summary, String error, List<Check> checks) {

    /** One check of the box's report: {@code values} are its measured figures, "key=value" joined. */
    public record Check(String type, String id, String state, boolean passed, String error, String values) {
    }
}
