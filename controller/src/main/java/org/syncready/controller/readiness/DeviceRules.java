package org.syncready.controller.readiness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syncready.controller.readiness.ReasonSentences.CameraProblem;
import org.syncready.controller.readiness.ReasonSentences.MicProblem;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.StatusMessage;

/** The cameras and microphones of one box's latest status against what the session needs. */
final class DeviceRules {
    private final ReasonSentences say;

    DeviceRules(ReasonSentences say) {
        this.say = say;
    }

    void cameras(StatusMessage status, ReadinessRules.Needs needs, List<Reason> reasons) {
        Map<CameraRole, Boolean> roleWorks = new HashMap<>();
        for (CameraStatus c : status.cameras()) {
            roleWorks.merge(c.role(), works(c), Boolean::logicalOr);
        }
        for (CameraRole role : needs.cameraRoles()) {
            if (!roleWorks.containsKey(role)) {
                reasons.add(say.cameraRoleMissing(role));
            }
        }
        for (CameraStatus c : status.cameras()) {
            if (works(c)) {
                continue;
            }
            boolean required = needs.cameraRoles().contains(c.role()) && !roleWorks.getOrDefault(c.role(), false);
            Severity severity = required && c.state() != DeviceState.DEGRADED ? Severity.BLOCKING : Severity.WARNING;
            ReasonCode code = c.state() == DeviceState.ABSENT ? ReasonCode.CAMERA_ABSENT : ReasonCode.CAMERA_FAULT;
            reasons.add(say.camera(code, severity, c.id(), c.role(), problem(c), c.error(), c.fps(), c.bitrateKbps(),
                    c.state().toString(), false));
        }
    }

    private static CameraProblem problem(CameraStatus c) {
        if (c.state() == DeviceState.ABSENT) {
            return CameraProblem.ABSENT;
        }
        if (Boolean.TRUE.equals(c.frozen())) {
            return CameraProblem.FROZEN;
        }
        if (Boolean.TRUE.equals(c.black())) {
            return CameraProblem.BLACK;
        }
        return c.state() == DeviceState.DEGRADED ? CameraProblem.DEGRADED : CameraProblem.FAULT;
    }

    static boolean works(CameraStatus c) {
        return c.state() == DeviceState.OK && !Boolean.TRUE.equals(c.frozen()) && !Boolean.TRUE.equals(c.black());
    }

    void microphones(StatusMessage status, ReadinessRules.Needs needs, List<Reason> reasons) {
        if (needs.microphones() && status.microphones().isEmpty()) {
            reasons.add(say.noMicrophone());
        }
        Severity silent = needs.microphones() ? Severity.BLOCKING : Severity.WARNING;
        for (MicrophoneStatus m : status.microphones()) {
            if (m.state() == DeviceState.ABSENT) {
                reasons.add(say.microphone(silent, m.id(), m.role(), MicProblem.ABSENT, null, m.error(), false));
            } else if (m.state() == DeviceState.FAULT) {
                MicProblem p = m.levelDbfs() != null && m.levelDbfs() < -60 ? MicProblem.SILENT : MicProblem.FAULT;
                reasons.add(say.microphone(silent, m.id(), m.role(), p, m.levelDbfs(), m.error(), false));
            } else if (m.muted()) {
                reasons.add(say.microphone(silent, m.id(), m.role(), MicProblem.MUTED, m.levelDbfs(), null, false));
            } else if (m.clipping()) {
                reasons.add(say.clipping(m.id(), m.role(), m.peakDbfs()));
            }
        }
    }
}
