package org.syncready.firmware;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A profile of the catalogue with its {@code extends} chain resolved: a complete, valid body.
 *
 * @param model  the box model (its folder)
 * @param name   the profile name (its file name without extension)
 * @param body   the resolved profile, valid against the model's schema; never modify it
 * @param source where it was read from, for messages
 */
public record Profile(String model, String name, JsonNode body, String source) {
    /** {@code model/name}, as {@code config/desired.profile} carries it. */
    public String ref() {
        return model + "/" + name;
    }
}
