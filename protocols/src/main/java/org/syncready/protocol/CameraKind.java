package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How the box reaches a camera. */
public enum CameraKind {
    USB, RTSP, ONVIF;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static CameraKind of(String value) {
        return Enums.parse(CameraKind.class, value, "kind");
    }
}
