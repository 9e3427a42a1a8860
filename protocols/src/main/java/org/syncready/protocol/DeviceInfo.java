package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One device in the birth inventory: {@code type} is camera, microphone, network or stream. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceInfo(String type, String id, String role, String kind, String name) {
    public DeviceInfo {
        Check.text(type, "devices[].type", 32);
        Check.text(id, "devices[].id", 64);
    }
}
