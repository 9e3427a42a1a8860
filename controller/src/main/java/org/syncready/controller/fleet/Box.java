package org.syncready.controller.fleet;

/** A registered recording box. */
public record Box(String id, String classroomId, String model, long createdAt) {
}
