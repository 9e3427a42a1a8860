package org.syncready.controller.readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.readiness.ClassroomReadiness.Role;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StatusMessage;

/**
 * Judges sessions against the rules from what the controller knows now: the registry, each box's
 * latest status, config drift and, when a check asked for them, the boxes' self-test answers.
 * Pure computation over in-memory state; safe to call from any thread, never touches the store.
 *
 * <p>Session verdict: the lead classroom NOT_READY (or UNKNOWN) makes the session so; any remote
 * classroom not READY, or the lead AT_RISK, makes it AT_RISK.
 */
public final class ReadinessEngine {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private final ReadinessRules rules;
    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final ConfigDriftSource drift;
    private final Clock dataClock;
    private final ZoneId zone;

    /**
     * @param dataClock real time, for the age of statuses (which arrive in real time even when the
     *                  schedule runs on a test clock)
     * @param zone      the bureau's time zone, for times in sentences
     */
    public ReadinessEngine(ReadinessRules rules, FleetRegistry registry, LiveFleet fleet, ConfigDriftSource drift,
                           Clock dataClock, ZoneId zone) {
        this.rules = rules;
        this.registry = registry;
        this.fleet = fleet;
        this.drift = drift;
        this.dataClock = dataClock;
        this.zone = zone;
    }

    public ReadinessRules rules() {
        return rules;
    }

    public SessionReadiness evaluate(SyncSession session, Instant now, String trigger, Map<String, SelftestOutcome> selftests) {
        return evaluate(session, now, trigger, selftests, new FleetIndex(registry));
    }

    /** One sweep: every session judged against one view of the registry. */
    public List<SessionReadiness> evaluate(List<SyncSession> sessions, Instant now, String trigger,
                                           Map<String, SelftestOutcome> selftests) {
        FleetIndex index = new FleetIndex(registry);
        List<SessionReadiness> out = new ArrayList<>(sessions.size());
        for (SyncSession s : sessions) {
            out.add(evaluate(s, now, trigger, selftests, index));
        }
        return out;
    }

    /** The boxes of the given classrooms, for sending self-tests before a check. */
    public List<String> boxesOf(List<String> classroomIds) {
        FleetIndex index = new FleetIndex(registry);
        List<String> out = new ArrayList<>();
        for (String c : classroomIds) {
            index.boxesIn(c).forEach(b -> out.add(b.id()));
        }
        return out;
    }

    private SessionReadiness evaluate(SyncSession s, Instant now, String trigger, Map<String, SelftestOutcome> selftests,
                                      FleetIndex index) {
        List<ClassroomReadiness> rooms = new ArrayList<>(s.remoteClassroomIds().size() + 1);
        rooms.add(classroom(s, now, s.leadClassroomId(), Role.LEAD, selftests, index));
        for (String remote : s.remoteClassroomIds()) {
            rooms.add(classroom(s, now, remote, Role.REMOTE, selftests, index));
        }
        return new SessionReadiness(s.id(), sessionVerdict(rooms), now, trigger, rooms);
    }

    static Verdict sessionVerdict(List<ClassroomReadiness> rooms) {
        Verdict lead = rooms.get(0).verdict();
        if (lead == Verdict.NOT_READY || lead == Verdict.UNKNOWN) {
            return lead;
        }
        for (int i = 1; i < rooms.size(); i++) {
            if (rooms.get(i).verdict() != Verdict.READY) {
                return Verdict.AT_RISK;
            }
        }
        return lead;
    }

    private ClassroomReadiness classroom(SyncSession session, Instant now, String classroomId, Role role,
                                         Map<String, SelftestOutcome> selftests, FleetIndex index) {
        String schoolId = index.schoolOf(classroomId);
        List<Box> boxes = index.boxesIn(classroomId);
        List<Reason> reasons = new ArrayList<>();
        if (boxes.isEmpty()) {
            reasons.add(new Reason(ReasonCode.NO_BOX, Severity.WARNING, null,
                    "No recording box is registered in this classroom.", "该教室没有登记录播主机。", null));
            return new ClassroomReadiness(classroomId, schoolId, role, null, Verdict.UNKNOWN, reasons, null, SelftestOutcome.NOT_ASKED);
        }
        // One box per classroom is the rule; with several, the first registered one speaks for the room.
        Box box = boxes.get(0);
        SelftestOutcome selftest = selftests.getOrDefault(box.id(), SelftestOutcome.NOT_ASKED);
        Optional<BoxSnapshot> snapshot = fleet.snapshot(box.id());
        if (snapshot.isEmpty() || snapshot.get().presence() == Presence.NEVER_SEEN || snapshot.get().status() == null
                && snapshot.get().presence() != Presence.OFFLINE) {
            reasons.add(new Reason(ReasonCode.NO_DATA, Severity.WARNING, null,
                    "Box " + box.id() + " has never reported its status.", "录播主机 " + box.id() + " 从未上报状态。", null));
            return new ClassroomReadiness(classroomId, schoolId, role, box.id(), Verdict.UNKNOWN, reasons, null, selftest);
        }
        BoxSnapshot snap = snapshot.get();
        Instant statusAt = snap.statusReceivedAt() == null ? null : Instant.ofEpochMilli(snap.statusReceivedAt());
        if (snap.presence() == Presence.OFFLINE) {
            String since = snap.lastSeen() == null ? "" : hm(Instant.ofEpochMilli(snap.lastSeen()));
            reasons.add(new Reason(ReasonCode.BOX_OFFLINE, Severity.BLOCKING, null,
                    "Box " + box.id() + " is offline" + (since.isEmpty() ? "." : " (last seen " + since + ")."),
                    "录播主机 " + box.id() + " 离线" + (since.isEmpty() ? "。" : "（最后在线 " + since + "）。"),
                    snap.lastSeen() == null ? null : Map.of("lastSeen", Instant.ofEpochMilli(snap.lastSeen()).toString())));
            return new ClassroomReadiness(classroomId, schoolId, role, box.id(), Verdict.NOT_READY, reasons, statusAt, selftest);
        }
        if (selftest == SelftestOutcome.NO_ANSWER) {
            String at = statusAt == null ? "?" : hm(statusAt);
            reasons.add(new Reason(ReasonCode.SELFTEST_NO_ANSWER, Severity.INFO, null,
                    "The box did not answer the self-test; judged on its last status (" + at + ").",
                    "录播主机未响应自检，按最近一次状态（" + at + "）判断。", null));
        }
        StatusMessage status = snap.status();
        ReadinessRules.Needs needs = rules.needs(session.kind(), role);
        long ageMs = statusAt == null ? Long.MAX_VALUE : dataClock.millis() - statusAt.toEpochMilli();
        long maxAgeMs = (long) rules.statusMaxAgePeriods() * Math.max(1, status.intervalS()) * 1000L;
        if (snap.stale() || ageMs > maxAgeMs) {
            long ageS = ageMs / 1000;
            reasons.add(new Reason(ReasonCode.STALE_STATUS, Severity.WARNING, null,
                    "No fresh status for " + ageS + " s (expected every " + status.intervalS() + " s).",
                    ageS + " 秒未收到新状态（应每 " + status.intervalS() + " 秒上报）。", Map.of("ageS", ageS)));
        }
        cameras(status, needs, reasons);
        microphones(status, needs, reasons);
        network(status.network(), needs, reasons);
        clock(snap, reasons);
        disk(session, status, needs, reasons);
        drift.drift(box.id(), now).ifPresent(d -> reasons.add(new Reason(ReasonCode.CONFIG_DRIFT,
                Severity.WARNING, null,
                "Configuration v" + d.desiredVersion() + " not applied (box reports " + version(d.reportedVersion()) + ").",
                "配置 v" + d.desiredVersion() + " 尚未生效（主机上报 " + version(d.reportedVersion()) + "）。",
                Map.of("desiredVersion", d.desiredVersion(), "since", d.since().toString()))));
        return new ClassroomReadiness(classroomId, schoolId, role, box.id(), classroomVerdict(reasons), reasons, statusAt, selftest);
    }

    static Verdict classroomVerdict(List<Reason> reasons) {
        boolean warning = false;
        for (Reason r : reasons) {
            if (r.severity() == Severity.BLOCKING) {
                return Verdict.NOT_READY;
            }
            warning |= r.severity() == Severity.WARNING;
        }
        return warning ? Verdict.AT_RISK : Verdict.READY;
    }

    private void cameras(StatusMessage status, ReadinessRules.Needs needs, List<Reason> reasons) {
        Map<CameraRole, Boolean> roleWorks = new HashMap<>();
        for (CameraStatus c : status.cameras()) {
            roleWorks.merge(c.role(), works(c), Boolean::logicalOr);
        }
        for (CameraRole role : needs.cameraRoles()) {
            if (!roleWorks.containsKey(role)) {
                reasons.add(new Reason(ReasonCode.CAMERA_ABSENT, Severity.BLOCKING, null,
                        capitalize(roleEn(role)) + " camera: none reported by the box.",
                        roleZh(role) + "摄像机：主机未上报。", Map.of("role", role.toString())));
            }
        }
        for (CameraStatus c : status.cameras()) {
            if (works(c)) {
                continue;
            }
            boolean required = needs.cameraRoles().contains(c.role()) && !roleWorks.getOrDefault(c.role(), false);
            Severity severity = required && c.state() != DeviceState.DEGRADED ? Severity.BLOCKING : Severity.WARNING;
            ReasonCode code = c.state() == DeviceState.ABSENT ? ReasonCode.CAMERA_ABSENT : ReasonCode.CAMERA_FAULT;
            String what = c.state() == DeviceState.ABSENT ? "not connected" : Boolean.TRUE.equals(c.frozen()) && c.state() == DeviceState.OK
                    ? "picture frozen" : c.state().toString();
            String whatZh = c.state() == DeviceState.ABSENT ? "未连接" : Boolean.TRUE.equals(c.frozen()) && c.state() == DeviceState.OK
                    ? "画面冻结" : c.state() == DeviceState.DEGRADED ? "质量下降" : "故障";
            String detail = c.error() == null ? "" : " (" + c.error() + ")";
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("state", c.state().toString());
            putIfNotNull(data, "fps", c.fps());
            putIfNotNull(data, "bitrateKbps", c.bitrateKbps());
            reasons.add(new Reason(code, severity, c.id(),
                    capitalize(roleEn(c.role())) + " camera " + c.id() + ": " + what + detail + ".",
                    roleZh(c.role()) + "摄像机 " + c.id() + "：" + whatZh + detail + "。", data));
        }
    }

    private static boolean works(CameraStatus c) {
        return c.state() == DeviceState.OK && !Boolean.TRUE.equals(c.frozen());
    }

    private void microphones(StatusMessage status, ReadinessRules.Needs needs, List<Reason> reasons) {
        if (needs.microphones() && status.microphones().isEmpty()) {
            reasons.add(new Reason(ReasonCode.MIC_SILENT, Severity.BLOCKING, null,
                    "No microphone reported by the box.", "主机未上报任何麦克风。", null));
        }
        Severity silent = needs.microphones() ? Severity.BLOCKING : Severity.WARNING;
        for (MicrophoneStatus m : status.microphones()) {
            String name = m.role() == null ? m.id() : m.id() + " (" + m.role() + ")";
            if (m.state() == DeviceState.ABSENT || m.state() == DeviceState.FAULT) {
                String detail = m.error() == null ? "" : " (" + m.error() + ")";
                reasons.add(new Reason(ReasonCode.MIC_SILENT, silent, m.id(),
                        "Microphone " + name + ": " + m.state() + detail + ", no signal.",
                        "麦克风 " + name + "：" + (m.state() == DeviceState.ABSENT ? "未连接" : "故障") + detail + "，无信号。",
                        Map.of("state", m.state().toString())));
            } else if (m.muted()) {
                Map<String, Object> data = new LinkedHashMap<>();
                putIfNotNull(data, "levelDbfs", m.levelDbfs());
                String level = m.levelDbfs() == null ? "" : " (level " + Math.round(m.levelDbfs()) + " dBFS)";
                String levelZh = m.levelDbfs() == null ? "" : "（电平 " + Math.round(m.levelDbfs()) + " dBFS）";
                reasons.add(new Reason(ReasonCode.MIC_SILENT, silent, m.id(),
                        "Microphone " + name + ": silent" + level + " - muted, unplugged or switched off?",
                        "麦克风 " + name + "：无声" + levelZh + "——是否静音、未插好或未开机？", data));
            } else if (m.clipping()) {
                Map<String, Object> data = new LinkedHashMap<>();
                putIfNotNull(data, "peakDbfs", m.peakDbfs());
                reasons.add(new Reason(ReasonCode.MIC_CLIPPING, Severity.WARNING, m.id(),
                        "Microphone " + name + ": clipping - lower its gain.",
                        "麦克风 " + name + "：削波失真——请调低增益。", data));
            }
        }
    }

    private void network(NetworkStatus n, ReadinessRules.Needs needs, List<Reason> reasons) {
        int needKbps = needs.upStreams() * rules.streamBitrateKbps();
        if (needKbps > 0 && n.uplinkKbps() != null) {
            double up = n.uplinkKbps();
            Severity sev = up < needKbps ? Severity.BLOCKING : up < needKbps * rules.uplinkHeadroom() ? Severity.WARNING : null;
            if (sev != null) {
                reasons.add(new Reason(ReasonCode.UPLINK_LOW, sev, null,
                        "Uplink " + kbps(up) + " is below the " + kbps(needKbps) + " this session needs ("
                                + needs.upStreams() + " stream(s) x " + kbps(rules.streamBitrateKbps()) + ")"
                                + (sev == Severity.WARNING ? " plus headroom." : "."),
                        "上行带宽 " + kbps(up) + "，低于本节课所需 " + kbps(needKbps) + "（" + needs.upStreams() + " 路 × "
                                + kbps(rules.streamBitrateKbps()) + "）" + (sev == Severity.WARNING ? "及余量。" : "。"),
                        Map.of("uplinkKbps", up, "neededKbps", needKbps)));
            }
        }
        if (n.rttMs() != null && n.rttMs() > rules.rttMaxMs()) {
            Severity sev = n.rttMs() > rules.rttBlockingMs() ? Severity.BLOCKING : Severity.WARNING;
            reasons.add(new Reason(ReasonCode.RTT_HIGH, sev, null,
                    "Round-trip time " + Math.round(n.rttMs()) + " ms (limit " + Math.round(rules.rttMaxMs()) + " ms).",
                    "网络往返时延 " + Math.round(n.rttMs()) + " 毫秒（上限 " + Math.round(rules.rttMaxMs()) + " 毫秒）。",
                    Map.of("rttMs", n.rttMs())));
        }
        if (n.jitterMs() != null && n.jitterMs() > rules.jitterMaxMs()) {
            reasons.add(new Reason(ReasonCode.JITTER_HIGH, Severity.WARNING, null,
                    "Jitter " + Math.round(n.jitterMs()) + " ms (limit " + Math.round(rules.jitterMaxMs()) + " ms).",
                    "网络抖动 " + Math.round(n.jitterMs()) + " 毫秒（上限 " + Math.round(rules.jitterMaxMs()) + " 毫秒）。",
                    Map.of("jitterMs", n.jitterMs())));
        }
        if (n.lossPct() != null && n.lossPct() > rules.lossMaxPct()) {
            Severity sev = n.lossPct() > rules.lossBlockingPct() ? Severity.BLOCKING : Severity.WARNING;
            reasons.add(new Reason(ReasonCode.LOSS_HIGH, sev, null,
                    "Packet loss " + pct(n.lossPct()) + " (limit " + pct(rules.lossMaxPct()) + ").",
                    "丢包率 " + pct(n.lossPct()) + "（上限 " + pct(rules.lossMaxPct()) + "）。", Map.of("lossPct", n.lossPct())));
        }
        if (n.ntpOffsetMs() != null && Math.abs(n.ntpOffsetMs()) > rules.ntpOffsetMaxMs()) {
            reasons.add(new Reason(ReasonCode.CLOCK_SKEW, Severity.WARNING, null,
                    "Box clock is off by " + Math.round(n.ntpOffsetMs()) + " ms (limit " + Math.round(rules.ntpOffsetMaxMs()) + " ms).",
                    "主机时钟偏差 " + Math.round(n.ntpOffsetMs()) + " 毫秒（上限 " + Math.round(rules.ntpOffsetMaxMs()) + " 毫秒）。",
                    Map.of("ntpOffsetMs", n.ntpOffsetMs())));
        }
    }

    /**
     * A box whose timestamps are far from the controller's clock has a wrong clock even when it reports
     * no NTP offset (no NTP server configured, or the box believes a bad one).
     */
    private static void clock(BoxSnapshot snap, List<Reason> reasons) {
        if (!snap.clockSkewed() || reasons.stream().anyMatch(r -> r.code() == ReasonCode.CLOCK_SKEW)) {
            return;
        }
        long s = Math.abs(snap.clockOffsetMs()) / 1000;
        boolean ahead = snap.clockOffsetMs() > 0;
        reasons.add(new Reason(ReasonCode.CLOCK_SKEW, Severity.WARNING, null,
                "Box clock is " + s + " s " + (ahead ? "ahead of" : "behind") + " the controller's.",
                "主机时钟比控制器" + (ahead ? "快 " : "慢 ") + s + " 秒。", Map.of("clockOffsetMs", snap.clockOffsetMs())));
    }

    private void disk(SyncSession session, StatusMessage status, ReadinessRules.Needs needs, List<Reason> reasons) {
        Long free = status.system() == null ? null : status.system().diskFreeMb();
        if (!needs.records() || free == null) {
            return;
        }
        long minutes = Duration.between(session.start(), session.end()).toMinutes();
        long needMb = minutes * 60 * rules.recordingKbps() / 8 / 1024 + rules.diskReserveMb();
        if (free < needMb) {
            reasons.add(new Reason(ReasonCode.DISK_LOW, Severity.WARNING, null,
                    "Disk has " + free + " MB free; recording this session needs about " + needMb + " MB.",
                    "磁盘剩余 " + free + " MB，录制本节课约需 " + needMb + " MB。", Map.of("diskFreeMb", free, "neededMb", needMb)));
        }
    }

    private String hm(Instant at) {
        return HM.format(at.atZone(zone));
    }

    private static String version(Long v) {
        return v == null ? "none" : "v" + v;
    }

    private static String kbps(double kbps) {
        return kbps >= 1000 ? String.format(Locale.ROOT, "%.1f Mbit/s", kbps / 1000) : Math.round(kbps) + " kbit/s";
    }

    private static String pct(double p) {
        return String.format(Locale.ROOT, "%.1f %%", p);
    }

    private static void putIfNotNull(Map<String, Object> data, String key, Object value) {
        if (value != null) {
            data.put(key, value);
        }
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String roleEn(CameraRole role) {
        return role == null ? "other" : role.toString();
    }

    private static String roleZh(CameraRole role) {
        if (role == null) {
            return "其他";
        }
        return switch (role) {
            case TEACHER -> "教师";
            case STUDENT -> "学生";
            case BLACKBOARD -> "板书";
            case WIDE -> "全景";
            default -> "其他";
        };
    }

    /** Boxes by classroom and schools by classroom, built once per sweep from the registry. */
    private static final class FleetIndex {
        private final Map<String, List<Box>> boxes = new HashMap<>();
        private final FleetRegistry registry;

        FleetIndex(FleetRegistry registry) {
            this.registry = registry;
            for (Box b : registry.boxes()) {
                boxes.computeIfAbsent(b.classroomId(), k -> new ArrayList<>(1)).add(b);
            }
        }

        List<Box> boxesIn(String classroomId) {
            return boxes.getOrDefault(classroomId, List.of());
        }

        String schoolOf(String classroomId) {
            return registry.schoolOfClassroom(classroomId).orElse(null);
        }
    }
}
