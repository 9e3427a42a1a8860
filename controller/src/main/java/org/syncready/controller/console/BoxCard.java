package org.syncready.controller.console;

import java.util.List;

/**
 * One box as the School page lists it and the Box page shows it live: presence, devices with their
 * state in words, the network and system figures (formatted, "—" when unknown) and its configuration.
 * The {@code raw*} figures are for the charts' live points (null when unknown).
 */
public record BoxCard(String boxId, String classroomId, String classroom, String model, String presence, String presenceText,
                      boolean stale, String lastSeen, String statusAt, List<Device> cameras, List<Device> microphones,
                      Net net, Sys sys, String stream, Config config, Long statusTs, String rawMics) {

    /** A camera or microphone: {@code state} ok / degraded / fault / absent (also the CSS class). */
    public record Device(String id, String role, String state, String stateText, String detail, boolean ok) {
    }

    public record Net(String link, String rtt, String jitter, String loss, String uplink,
                      Double rttMs, Double jitterMs, Double lossPct, Integer uplinkKbps) {
    }

    public record Sys(String cpu, String mem, String diskFree, String temp, Double cpuPct, Long diskFreeMb) {
    }

    /** Null when the configuration was not asked for (the live fragment). */
    public record Config(String profile, String desiredVersion, String runningVersion, boolean drift, String driftText) {
    }

    public boolean online() {
        return "online".equals(presence);
    }
}
