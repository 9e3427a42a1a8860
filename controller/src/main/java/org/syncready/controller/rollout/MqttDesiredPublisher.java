package org.syncready.controller.rollout;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.mqtt.ControllerMqttClient;
import org.syncready.protocol.Channel;
import org.syncready.protocol.Topics;

/** Desired documents over the controller's MQTT client: QoS 1, retained, marked as UTF-8 JSON. */
final class MqttDesiredPublisher implements DesiredPublisher {
    private static final Logger log = LoggerFactory.getLogger(MqttDesiredPublisher.class);

    private final ControllerMqttClient mqtt;

    MqttDesiredPublisher(ControllerMqttClient mqtt) {
        this.mqtt = mqtt;
    }

    @Override
    public boolean connected() {
        return mqtt.isConnected();
    }

    @Override
    public void publish(RolloutStore.Desired d) {
        MqttProperties props = new MqttProperties();
        props.setPayloadFormat(true);
        props.setContentType("application/json");
        mqtt.publish(Topics.of(d.boxId(), Channel.CONFIG_DESIRED), d.payload().getBytes(StandardCharsets.UTF_8), true, props)
                .whenComplete((ok, err) -> {
                    if (err != null) {
                        log.warn("box={} config version {} not published: {} (re-published at the next start)", d.boxId(), d.version(),
                                err.getMessage());
                    }
                });
    }
}
