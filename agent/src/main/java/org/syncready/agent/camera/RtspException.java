package org.syncready.agent.camera;

/** An RTSP check that failed; the message is for people and carries no credentials. */
class RtspException extends Exception {
    RtspException(String message) {
        super(message, null, false, false);
    }
}
