package org.syncready.controller.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.rollout.ConfigDrift;
import org.syncready.controller.rollout.Rollouts;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;

/**
 * Builds {@link BoxCard}s from the live fleet (memory: any thread, the event loop included) and, when
 * asked, the box's configuration from the rollouts ({@link #withConfig}: reads the store, a worker's job).
 */
public final class BoxCards {
    static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final String NONE = "—";

    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final Rollouts rollouts;
    private final ZoneId zone;

    public BoxCards(FleetRegistry registry, LiveFleet fleet, Rollouts rollouts, ZoneId zone) {
        this.registry = registry;
        this.fleet = fleet;
        this.rollouts = rollouts;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The box's card without its configuration. */
    public BoxCard live(Box box, Texts t) {
        return card(box, t, null);
    }

    /** The card with the configuration's profile, versions and drift: blocks on the store, call on a worker. */
    public BoxCard withConfig(Box box, Texts t) {
        return card(box, t, config(box.id(), t));
    }

    private BoxCard card(Box box, Texts t, BoxCard.Config config) {
        BoxSnapshot snap = fleet.snapshot(box.id()).orElseGet(() ->
                new BoxSnapshot(box.id(), Presence.NEVER_SEEN, false, null, null, null, null, null, 0, 0));
        StatusMessage s = snap.status();
        String classroom = registry.classroom(box.classroomId()).map(t::classroom).orElse(box.classroomId());
        List<BoxCard.Device> cameras = new ArrayList<>();
        List<BoxCard.Device> mics = new ArrayList<>();
        BoxCard.Net net = new BoxCard.Net(NONE, NONE, NONE, NONE, NONE, null, null, null, null);
        BoxCard.Sys sys = new BoxCard.Sys(NONE, NONE, NONE, NONE, null, null);
        String stream = NONE;
        StringBuilder rawMics = new StringBuilder();
        if (s != null) {
            for (CameraStatus c : s.cameras()) {
                String detail = c.width() == null ? "" : c.width() + "×" + c.height() + (c.fps() == null ? "" : " " + num(c.fps(), 0) + " fps");
                if (Boolean.TRUE.equals(c.frozen())) {
                    detail += " · " + t.t("box.cam.frozen");
                }
                if (Boolean.TRUE.equals(c.black())) {
                    detail += " · " + t.t("box.cam.black");
                }
                if (c.error() != null && c.state() != DeviceState.OK) {
                    detail += " · " + c.error();
                }
                cameras.add(new BoxCard.Device(c.id(), t.t("camera.role." + c.role().name().toLowerCase(Locale.ROOT)),
                        state(c.state()), t.t("device.state." + state(c.state())), detail.strip(), c.state() == DeviceState.OK
                        && !Boolean.TRUE.equals(c.frozen()) && !Boolean.TRUE.equals(c.black())));
            }
            for (MicrophoneStatus m : s.microphones()) {
                String detail = (m.levelDbfs() == null ? NONE : num(m.levelDbfs(), 0) + " dBFS")
                        + (m.muted() ? " · " + t.t("box.mic.silent") : "") + (m.clipping() ? " · " + t.t("box.mic.clipping") : "");
                mics.add(new BoxCard.Device(m.id(), m.role() == null ? "" : m.role(), state(m.state()),
                        t.t("device.state." + state(m.state())), detail, m.state() == DeviceState.OK && !m.muted() && !m.clipping()));
                if (m.levelDbfs() != null) {
                    rawMics.append(rawMics.length() == 0 ? "" : ";").append(m.id()).append(':').append(m.levelDbfs());
                }
            }
            NetworkStatus n = s.network();
            if (n != null) {
                net = new BoxCard.Net(n.link(), n.rttMs() == null ? NONE : num(n.rttMs(), 1) + " ms",
                        n.jitterMs() == null ? NONE : num(n.jitterMs(), 1) + " ms", n.lossPct() == null ? NONE : num(n.lossPct(), 1) + " %",
                        n.uplinkKbps() == null ? NONE : n.uplinkKbps() + " kbps", n.rttMs(), n.jitterMs(), n.lossPct(), n.uplinkKbps());
            }
            SystemStatus y = s.system();
            if (y != null) {
                sys = new BoxCard.Sys(y.cpuPct() == null ? NONE : num(y.cpuPct(), 0) + " %", y.memPct() == null ? NONE : num(y.memPct(), 0) + " %",
                        y.diskFreeMb() == null ? NONE : String.format(Locale.ROOT, "%,d MB", y.diskFreeMb()),
                        y.tempC() == null ? NONE : num(y.tempC(), 0) + " °C", y.cpuPct(), y.diskFreeMb());
            }
            if (s.stream() != null) {
                stream = (s.stream().pushing() ? t.t("box.stream.pushing") : t.t("box.stream.idle"))
                        + (s.stream().bitrateKbps() == null ? "" : " · " + s.stream().bitrateKbps() + " kbps")
                        + (s.stream().error() == null ? "" : " · " + s.stream().error());
            }
        }
        String presence = snap.presence().label();
        return new BoxCard(box.id(), box.classroomId(), classroom, box.model(), presence, t.t("presence." + presence), snap.stale(),
                time(snap.lastSeen()), time(snap.statusReceivedAt()), cameras, mics, net, sys, stream, config,
                snap.statusReceivedAt(), rawMics.toString());
    }

    private BoxCard.Config config(String boxId, Texts t) {
        Optional<com.fasterxml.jackson.databind.node.ObjectNode> c = rollouts.boxConfig(boxId);
        if (c.isEmpty()) {
            return null;
        }
        JsonNode node = c.get();
        String desired = node.path("desired").path("version").isMissingNode() || node.path("desired").isNull() ? NONE
                : node.path("desired").path("version").asText();
        String running = node.path("runningVersion").isNull() || node.path("runningVersion").isMissingNode() ? NONE
                : node.path("runningVersion").asText();
        Optional<ConfigDrift> drift = rollouts.drift(boxId, Instant.now());
        return new BoxCard.Config(node.path("profile").asText(NONE), desired, running, drift.isPresent(),
                drift.map(d -> t.t("box.config.drift", d.desiredVersion(), d.reportedVersion() == null ? NONE : d.reportedVersion(),
                        d.detail() == null ? "" : d.detail())).orElse(t.t("box.config.inSync")));
    }

    String time(Long epochMs) {
        return epochMs == null ? NONE : HMS.format(Instant.ofEpochMilli(epochMs).atZone(zone));
    }

    private static String state(DeviceState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    static String num(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
