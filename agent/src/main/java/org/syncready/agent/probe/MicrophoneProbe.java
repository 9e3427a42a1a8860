package org.syncready.agent.probe;

import java.util.List;
import org.syncready.protocol.MicrophoneStatus;

/**
 * The seam for microphone probes: one sample covers every microphone, with level and peak over a
 * short capture window. Real ones (ALSA / Java Sound capture) plug in here.
 */
public interface MicrophoneProbe extends Probe<List<MicrophoneStatus>> {
    @Override
    default String name() {
        return "microphone";
    }
}
