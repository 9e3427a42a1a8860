package org.syncready.controller.fleet;

/** A classroom with one recording box; it may lead some sync sessions and join others remotely. */
public record Classroom(String id, String schoolId, String nameZh, String nameEn) {
}
