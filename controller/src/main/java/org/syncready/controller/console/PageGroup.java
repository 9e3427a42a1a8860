package org.syncready.controller.console;

import java.util.List;

/**
 * One group of console pages (Today, School, Box, Session, Timetable, ...): mounts its pages, actions and
 * streams through the {@link ConsoleRouter} (each with its policy, as the API's routes are), and names its
 * navigation entries. Registered in {@link ConsoleRoutes}; docs/CONSOLE.md shows how to add one.
 */
public interface PageGroup {
    void mount(ConsoleRouter router);

    /**
     * File uploads ({@link ConsoleRouter#upload}): mounted before the API's 64 KiB body handler, like the API's own
     * uploads ({@code RouteGroup.mountStreaming}). Most groups have none.
     */
    default void mountUploads(ConsoleRouter router) {
    }

    /** Entries this group adds to the navigation bar; most detail pages (a box, a session) have none. */
    default List<NavItem> nav() {
        return List.of();
    }
}
