package org.syncready.controller.rollout;

import org.syncready.protocol.ConfigReported;

/** A box's {@code config/reported} and when the controller received it (the box's clock is not trusted). */
record ReceivedReport(ConfigReported report, long receivedAt) {
}
