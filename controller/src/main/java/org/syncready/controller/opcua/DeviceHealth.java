package org.syncready.controller.opcua;

import java.util.ArrayList;
import java.util.List;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StatusMessage;

/**
 * A box's health in NAMUR NE 107 terms, as OPC 10000-100 (DI) {@code DeviceHealthEnumeration} carries
 * it, with the problems behind it. The values are DI's, in DI's order of severity (docs/OPCUA.md has
 * the mapping): {@link #FAILURE} beats {@link #CHECK_FUNCTION} beats {@link #OFF_SPEC} beats
 * {@link #MAINTENANCE_REQUIRED} beats {@link #NORMAL}. Judged from the box's live state alone, with the
 * readiness rules' network and disk limits; what a particular session needs is readiness's business.
 */
enum DeviceHealth {
    /** 0: working as it should. */
    NORMAL(0),
    /** 1: not working: offline, never seen, a camera or microphone fault or absent, the uplink down. */
    FAILURE(1),
    /** 2: its values are temporarily not valid: no fresh status (stale). */
    CHECK_FUNCTION(2),
    /** 3: working outside its specification: a degraded or frozen camera, a silent or clipping microphone, network beyond the limits, classroom equipment out of range or unreachable. */
    OFF_SPEC(3),
    /** 4: working, but needs attention soon: the disk is below the recording reserve. */
    MAINTENANCE_REQUIRED(4);

    /** DI's value of the enumeration. */
    final int value;

    DeviceHealth(int value) {
        this.value = value;
    }

    /** Health and problems (e.g. {@code CAMERA_FAULT cam-teacher}) of one box; {@code snapshot} null when never seen. */
    record Assessment(DeviceHealth health, List<String> problems) {
    }

    static Assessment of(BoxSnapshot snapshot, ReadinessRules rules) {
        if (snapshot == null || snapshot.presence() == Presence.NEVER_SEEN) {
            return new Assessment(FAILURE, List.of("NEVER_SEEN"));
        }
        List<String> problems = new ArrayList<>();
        DeviceHealth worst = NORMAL;
        if (snapshot.presence() == Presence.OFFLINE) {
            problems.add("BOX_OFFLINE");
            worst = FAILURE;
        }
        if (snapshot.stale()) {
            problems.add("STALE_STATUS");
            worst = worse(worst, CHECK_FUNCTION);
        }
        StatusMessage status = snapshot.status();
        if (status == null) {
            if (worst == NORMAL) {
                problems.add("NO_DATA");
                worst = CHECK_FUNCTION;
            }
            return new Assessment(worst, List.copyOf(problems));
        }
        for (CameraStatus c : status.cameras()) {
            DeviceHealth h = switch (c.state()) {
                case FAULT, ABSENT -> FAILURE;
                case DEGRADED -> OFF_SPEC;
                case OK -> Boolean.TRUE.equals(c.frozen()) ? OFF_SPEC : NORMAL;
            };
            if (h != NORMAL) {
                problems.add((c.state() == DeviceState.ABSENT ? "CAMERA_ABSENT " : "CAMERA_FAULT ") + c.id());
                worst = worse(worst, h);
            }
        }
        for (MicrophoneStatus m : status.microphones()) {
            if (m.state() == DeviceState.FAULT || m.state() == DeviceState.ABSENT) {
                problems.add("MIC_FAULT " + m.id());
                worst = worse(worst, FAILURE);
            } else if (m.muted()) {
                problems.add("MIC_SILENT " + m.id());
                worst = worse(worst, OFF_SPEC);
            } else if (m.clipping() || m.state() == DeviceState.DEGRADED) {
                problems.add("MIC_CLIPPING " + m.id());
                worst = worse(worst, OFF_SPEC);
            }
        }
        NetworkStatus n = status.network();
        if ("down".equals(n.link())) {
            problems.add("LINK_DOWN");
            worst = worse(worst, FAILURE);
        }
        if (n.rttMs() != null && n.rttMs() > rules.network().rttMaxMs()) {
            problems.add("RTT_HIGH");
            worst = worse(worst, OFF_SPEC);
        }
        if (n.jitterMs() != null && n.jitterMs() > rules.network().jitterMaxMs()) {
            problems.add("JITTER_HIGH");
            worst = worse(worst, OFF_SPEC);
        }
        if (n.lossPct() != null && n.lossPct() > rules.network().lossMaxPct()) {
            problems.add("LOSS_HIGH");
            worst = worse(worst, OFF_SPEC);
        }
        if (n.ntpOffsetMs() != null && Math.abs(n.ntpOffsetMs()) > rules.ntpOffsetMaxMs()) {
            problems.add("CLOCK_SKEW");
            worst = worse(worst, OFF_SPEC);
        }
        for (EquipmentStatus e : status.equipment()) {
            if (e.state() != EquipmentState.OK) {
                problems.add("EQUIPMENT_FAULT " + e.name());
                worst = worse(worst, OFF_SPEC);
            }
        }
        Long disk = status.system() == null ? null : status.system().diskFreeMb();
        if (disk != null && disk < rules.diskReserveMb()) {
            problems.add("DISK_LOW");
            worst = worse(worst, MAINTENANCE_REQUIRED);
        }
        return new Assessment(worst, List.copyOf(problems));
    }

    /** The more severe of two, in NE 107's order (not the order of the values). */
    static DeviceHealth worse(DeviceHealth a, DeviceHealth b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(DeviceHealth h) {
        return switch (h) {
            case NORMAL -> 0;
            case MAINTENANCE_REQUIRED -> 1;
            case OFF_SPEC -> 2;
            case CHECK_FUNCTION -> 3;
            case FAILURE -> 4;
        };
    }
}
