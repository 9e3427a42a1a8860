package org.syncready.agent.probe;

import java.util.List;
import org.syncready.protocol.CameraStatus;

/**
 * The seam for camera probes: one sample covers every camera of the box, including the ones that
 * went missing (state {@code absent}). Real ones (V4L2 via sysfs, RTSP DESCRIBE, ffprobe) plug in here.
 */
public interface CameraProbe extends Probe<List<CameraStatus>> {
    @Override
    default String name() {
        return "camera";
    }
}
