package org.syncready.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;

/**
 * One real camera of the box (agent.yaml {@code cameras:}), checked when built.
 *
 * @param id                  the camera's id in status and birth
 * @param role                what it looks at
 * @param kind                usb (V4L2 device), rtsp (URL), onvif (device service address → RTSP URL)
 * @param device              usb: {@code /dev/videoN} (or a /dev/v4l/by-id link) or the V4L2 name to look for
 * @param url                 rtsp: {@code rtsp://host[:port]/path}; credentials belong in username/password
 * @param username            rtsp/onvif login, or null
 * @param password            rtsp/onvif password (already read from passwordFile), or null
 * @param onvif               onvif: the device service address, {@code http://host[:port]/onvif/device_service}
 * @param minFps              below this measured frame rate the camera is {@code degraded}; 0 = no floor
 * @param minBitrateKbps      below this measured bitrate the camera is {@code degraded}; 0 = no floor
 * @param checkIntervalS      seconds between RTSP session checks (OPTIONS, DESCRIBE, PLAY window)
 * @param measureS            seconds of PLAY to count frames and bytes; 0 = DESCRIBE only
 * @param deepCheckIntervalS  seconds between ffmpeg deep checks; 0 = only on self-test (the default for
 *                            usb cameras: a deep check holds the device, and the recorder could not open it)
 */
public record CameraSource(String id, CameraRole role, CameraKind kind, String device, String url,
                           String username, String password, String onvif, double minFps, int minBitrateKbps,
                           int checkIntervalS, int measureS, int deepCheckIntervalS) {
    public CameraSource {
        if (id == null || id.isBlank()) {
            throw ConfigException.missing("cameras[].id");
        }
        if (id.length() > 64) {
            throw new ConfigException("cameras[].id", "must be at most 64 characters");
        }
        role = role == null ? CameraRole.OTHER : role;
        if (kind == null) {
            throw new ConfigException("cameras[].kind", "is missing: usb, rtsp or onvif");
        }
        switch (kind) {
            case USB -> {
                if (device == null || device.isBlank()) {
                    throw new ConfigException("cameras[].device", "is missing: a usb camera needs device (/dev/video0 or its V4L2 name)");
                }
                onlyFor(kind, url, "url", "rtsp");
                onlyFor(kind, onvif, "onvif", "onvif");
            }
            case RTSP -> {
                if (url == null || url.isBlank()) {
                    throw new ConfigException("cameras[].url", "is missing: an rtsp camera needs url (rtsp://host:554/path)");
                }
                checkRtspUrl(url);
                onlyFor(kind, device, "device", "usb");
                onlyFor(kind, onvif, "onvif", "onvif");
            }
            case ONVIF -> {
                if (onvif == null || onvif.isBlank()) {
                    throw new ConfigException("cameras[].onvif", "is missing: an onvif camera needs onvif (http://host/onvif/device_service)");
                }
                checkOnvifUrl(onvif);
                onlyFor(kind, device, "device", "usb");
                // url is optional here: it overrides the stream URI the camera announces.
                if (url != null) {
                    checkRtspUrl(url);
                }
            }
            default -> throw new ConfigException("cameras[].kind", "is not supported: " + kind);
        }
        if (password != null && username == null) {
            throw new ConfigException("cameras[].username", "is missing: a password needs a username");
        }
        if (!(minFps >= 0 && minFps <= 240)) {
            throw new ConfigException("cameras[].minFps", "must be 0..240, was " + minFps);
        }
        ConfigException.range("cameras[].minBitrateKbps", minBitrateKbps, 0, 1_000_000);
        ConfigException.range("cameras[].checkIntervalS", checkIntervalS, 5, 3600);
        ConfigException.range("cameras[].measureS", measureS, 0, 30);
        if (deepCheckIntervalS != 0) {
            ConfigException.range("cameras[].deepCheckIntervalS", deepCheckIntervalS, 60, 86_400);
        }
    }

    private static void onlyFor(CameraKind kind, String value, String field, String kindName) {
        if (value != null) {
            throw new ConfigException("cameras[]." + field, "is only for kind " + kindName + ", this camera is "
                    + kind.toString().toLowerCase(Locale.ROOT));
        }
    }

    private static void checkRtspUrl(String url) {
        try {
            URI u = new URI(url);
            if (!"rtsp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                throw new ConfigException("cameras[].url", "must look like rtsp://host[:port]/path");
            }
            if (u.getRawUserInfo() != null) {
                // The URL ends up in status and logs; a password inside it would leak there.
                throw new ConfigException("cameras[].url", "must not contain user:password@; use username and password (or passwordFile)");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException("cameras[].url", "is not a valid URL: " + e.getReason());
        }
    }

    private static void checkOnvifUrl(String url) {
        try {
            URI u = new URI(url);
            if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) || u.getHost() == null) {
                throw new ConfigException("cameras[].onvif", "must look like http://host[:port]/onvif/device_service");
            }
            if (u.getRawUserInfo() != null) {
                throw new ConfigException("cameras[].onvif", "must not contain user:password@; use username and password");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException("cameras[].onvif", "is not a valid URL: " + e.getReason());
        }
    }

    /** Never prints the password: configs end up in logs. */
    @Override
    public String toString() {
        return "CameraSource[id=" + id + ", role=" + role + ", kind=" + kind + ", device=" + device + ", url=" + url
                + ", username=" + username + ", password=" + (password == null ? null : "***") + ", onvif=" + onvif
                + ", minFps=" + minFps + ", minBitrateKbps=" + minBitrateKbps + ", checkIntervalS=" + checkIntervalS
                + ", measureS=" + measureS + ", deepCheckIntervalS=" + deepCheckIntervalS + "]";
    }
}
