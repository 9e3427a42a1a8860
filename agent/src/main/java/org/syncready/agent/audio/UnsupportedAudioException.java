package org.syncready.agent.audio;

/** A device or file whose sample format the level meter cannot read. */
public final class UnsupportedAudioException extends IllegalArgumentException {
    public UnsupportedAudioException(String message) {
        super(message);
    }
}
