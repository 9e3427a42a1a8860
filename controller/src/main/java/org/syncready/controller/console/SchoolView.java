package org.syncready.controller.console;

import java.util.List;

/** The School page: every classroom with its box (cards with configuration), by classroom. */
public record SchoolView(String schoolId, String name, String asOf, List<Room> rooms) {

    /** A classroom and its box ({@code box} null when it has none). */
    public record Room(String classroomId, String classroom, BoxCard box) {
    }
}
