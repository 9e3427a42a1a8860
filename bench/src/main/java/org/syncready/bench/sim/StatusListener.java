package org.syncready.bench.sim;

/**
 * Told about every status a box hands to MQTT, on the box's event loop: must return at once.
 * {@code ts} is the status's own timestamp (epoch ms, this JVM's clock).
 */
@FunctionalInterface
public interface StatusListener {
    void statusSent(String boxId, long seq, long ts, boolean cameraFault);
}
