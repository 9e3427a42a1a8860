package org.syncready.controller.console;

import java.util.Set;
import org.syncready.controller.account.Role;

/**
 * One entry of the console's navigation: its message key, where it leads, and the roles that see it
 * (a link nobody may follow is not shown; the route's policy still decides).
 *
 * @param id    what a page passes as its current nav entry ({@code today}, {@code timetable}, ...)
 * @param order where it stands in the bar (Today 10, monitoring pages 10-40, task pages 50-90)
 */
public record NavItem(String id, String textKey, String path, Set<Role> roles, int order) {
    public NavItem {
        roles = Set.copyOf(roles);
    }
}
