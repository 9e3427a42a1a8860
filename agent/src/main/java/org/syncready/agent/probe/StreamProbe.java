package org.syncready.agent.probe;

import org.syncready.protocol.StreamStatus;

/**
 * The seam for the class-stream probe: whether the box is pushing its stream, to where (without
 * credentials) and how well.
 */
public interface StreamProbe extends Probe<StreamStatus> {
    @Override
    default String name() {
        return "stream";
    }
}
