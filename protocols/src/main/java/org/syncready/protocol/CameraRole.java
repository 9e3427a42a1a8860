package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a classroom camera looks at. */
public enum CameraRole {
    TEACHER, STUDENT, BLACKBOARD, WIDE, OTHER;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static CameraRole of(String value) {
        return Enums.parse(CameraRole.class, value, "role");
    }
}
