package org.syncready.controller.rollout;

import org.syncready.controller.mqtt.ControllerMqttClient;

/** Publishes a box's desired document retained on its {@code config/desired} topic; never blocks. */
public interface DesiredPublisher {
    /** Whether a publish can go out now; boxes are not sent while it cannot. */
    boolean connected();

    /** Publishes retained; a failure is logged (the document is published again at the next start). */
    void publish(RolloutStore.Desired doc);

    /** Over the controller's MQTT connection. */
    static DesiredPublisher over(ControllerMqttClient mqtt) {
        return new MqttDesiredPublisher(mqtt);
    }
}
