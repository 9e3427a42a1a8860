package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Whether a probe can run on this box, and why not when it cannot. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Capability(boolean available, String detail) {
}
