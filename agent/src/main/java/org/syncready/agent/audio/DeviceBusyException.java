package org.syncready.agent.audio;

/** The device exists but cannot be opened now, typically because the encoder holds it. */
public final class DeviceBusyException extends Exception {
    public DeviceBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
