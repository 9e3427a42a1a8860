package org.syncready.agent.audio;

/**
 * Captures a window from one device and measures it. The real one is {@link JavaSoundCapture}; tests
 * pass one that plays WAV files, behind the same interface.
 */
@FunctionalInterface
public interface AudioCapture {
    /**
     * @throws DeviceBusyException when another program holds the device exclusively
     * @throws Exception           when the device cannot be opened or read
     */
    SignalLevel capture(AudioDevice device, int windowMs) throws Exception;
}
