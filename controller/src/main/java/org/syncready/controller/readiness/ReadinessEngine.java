package org.syncready.controller.readiness;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Heartbeat;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.readiness.ClassroomReadiness.Role;
import org.syncready.controller.readiness.ReasonSentences.CameraProblem;
import org.syncready.controller.readiness.ReasonSentences.MicProblem;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.StreamStatus;

/**
 * (Over 500 lines on purpose: the rules for one classroom — status age, stream path, network window,
 * disk, drift and the self-test's findings — read best as one top-down pass; devices live in
 * {@link DeviceRules}, sentences in {@link ReasonSentences}.)
 *
 * <p>Judges sessions against the rules from what the controller knows now: the registry, each box's
 * latest status (and its recent network figures), its profile, config drift and the boxes' latest
 * self-test answers. Computation over in-memory state; safe to call from any thread, never touches
 * the store.
 *
 * <p>Classroom verdict: NOT_READY if any reason is BLOCKING, else UNKNOWN if a rule could not be
 * judged (a reason of severity UNKNOWN: no box, never reported, a figure the rule needs is missing),
 * else AT_RISK on a WARNING, else READY. Session verdict: the lead classroom NOT_READY (or UNKNOWN)
 * makes the session so; any remote classroom not READY, or the lead AT_RISK, makes it AT_RISK.
 *
 * <p>The stream path: the session's stream server is the one the lead box's profile pushes to (or,
 * without a profile, the one its status says it pushes to). The lead is judged on pushing to it, the
 * remotes on reaching it.
 */
public final class ReadinessEngine {
    /** Figures the echo and speed test measure; missing ones make a fresh self-test worth asking for. */
    static final Set<String> REFRESHABLE = Set.of("uplinkKbps", "rttMs", "streamServer", "diskFreeMb");

    private final ReadinessRules rules;
    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final ConfigDriftSource drift;
    private final ProfileSource profiles;
    private final Clock dataClock;
    private final ReasonSentences say;
    private final NetworkWindow window;
    private final DeviceRules devices;

    /**
     * @param dataClock real time, for the age of statuses (which arrive in real time even when the
     *                  schedule runs on a test clock)
     * @param zone      the bureau's time zone, for times in sentences
     */
    public ReadinessEngine(ReadinessRules rules, FleetRegistry registry, LiveFleet fleet, ConfigDriftSource drift,
                           ProfileSource profiles, Clock dataClock, ZoneId zone) {
        this.rules = rules;
        this.registry = registry;
        this.fleet = fleet;
        this.drift = drift;
        this.profiles = profiles;
        this.dataClock = dataClock;
        this.say = new ReasonSentences(zone);
        this.devices = new DeviceRules(say);
        this.window = new NetworkWindow(rules.networkWindow());
    }

    /** Without profiles: every box is judged with the rules' default bitrate. */
    public ReadinessEngine(ReadinessRules rules, FleetRegistry registry, LiveFleet fleet, ConfigDriftSource drift,
                           Clock dataClock, ZoneId zone) {
        this(rules, registry, fleet, drift, ProfileSource.NONE, dataClock, zone);
    }

    public ReadinessRules rules() {
        return rules;
    }

    /** Takes the network figures of the box's latest status into its window (call on every status). */
    public void observe(String boxId) {
        fleet.snapshot(boxId).ifPresent(this::observe);
    }

    private void observe(BoxSnapshot snap) {
        if (snap.status() != null && snap.statusReceivedAt() != null) {
            window.observe(snap.boxId(), snap.statusReceivedAt(), snap.status().network());
        }
    }

    public SessionReadiness evaluate(SyncSession session, Instant now, String trigger, Map<String, SelftestResult> selftests) {
        return evaluate(session, now, trigger, selftests, new FleetIndex(registry));
    }

    /** One sweep: every session judged against one view of the registry. */
    public List<SessionReadiness> evaluate(List<SyncSession> sessions, Instant now, String trigger,
                                           Map<String, SelftestResult> selftests) {
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

    /** The classroom a registered box stands in. */
    public Optional<String> classroomOf(String boxId) {
        return registry.box(boxId).map(Box::classroomId);
    }

    Clock dataClock() {
        return dataClock;
    }

    /** The server the session's stream goes through, when the lead box's profile or status tells it. */
    public Optional<StreamServer> streamServer(SyncSession session) {
        return Optional.ofNullable(streamServer(session, new FleetIndex(registry)));
    }

    private StreamServer streamServer(SyncSession s, FleetIndex index) {
        List<Box> lead = index.boxesIn(s.leadClassroomId());
        if (lead.isEmpty()) {
            return null;
        }
        String boxId = lead.get(0).id();
        Optional<BoxProfile> profile = profiles.profile(boxId);
        if (profile.isPresent() && profile.get().pushServer() != null) {
            return profile.get().pushServer();
        }
        return fleet.snapshot(boxId).map(BoxSnapshot::status).map(StatusMessage::stream)
                .flatMap(st -> StreamServer.ofUrl(st.target())).orElse(null);
    }

    /** What one evaluation of one session knows. */
    private record Ctx(SyncSession session, Instant now, Map<String, SelftestResult> selftests, FleetIndex index,
                       StreamServer server, boolean inWindow, long dataNow, ReadinessRules.Network limits,
                       ReadinessRules.Needs leadNeeds, ReadinessRules.Needs remoteNeeds) {
        ReadinessRules.Needs needs(Role role) {
            return role == Role.LEAD ? leadNeeds : remoteNeeds;
        }
    }

    private SessionReadiness evaluate(SyncSession s, Instant now, String trigger, Map<String, SelftestResult> selftests,
                                      FleetIndex index) {
        // From the first check before the start until the end, a box that cannot be counted on is not "at risk".
        boolean inWindow = !now.isBefore(s.start().minus(Duration.ofMinutes(rules.checks().widestMinutes())))
                && now.isBefore(s.end());
        Ctx ctx = new Ctx(s, now, selftests, index, streamServer(s, index), inWindow, dataClock.millis(),
                rules.network(s.kind()), rules.needs(s.kind(), Role.LEAD), rules.needs(s.kind(), Role.REMOTE));
        List<ClassroomReadiness> rooms = new ArrayList<>(s.remoteClassroomIds().size() + 1);
        rooms.add(classroom(ctx, s.leadClassroomId(), Role.LEAD));
        for (String remote : s.remoteClassroomIds()) {
            rooms.add(classroom(ctx, remote, Role.REMOTE));
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

    static Verdict classroomVerdict(List<Reason> reasons) {
        boolean unknown = false;
        boolean warning = false;
        for (Reason r : reasons) {
            if (r.severity() == Severity.BLOCKING) {
                return Verdict.NOT_READY;
            }
            unknown |= r.severity() == Severity.UNKNOWN;
            warning |= r.severity() == Severity.WARNING;
        }
        return unknown ? Verdict.UNKNOWN : warning ? Verdict.AT_RISK : Verdict.READY;
    }

    private ClassroomReadiness classroom(Ctx ctx, String classroomId, Role role) {
        String schoolId = ctx.index().schoolOf(classroomId);
        List<Box> boxes = ctx.index().boxesIn(classroomId);
        List<Reason> reasons = new ArrayList<>();
        if (boxes.isEmpty()) {
            reasons.add(say.noBox());
            return new ClassroomReadiness(classroomId, schoolId, role, null, Verdict.UNKNOWN, reasons, null, SelftestOutcome.NOT_ASKED);
        }
        // One box per classroom is the rule; with several, the first registered one speaks for the room.
        Box box = boxes.get(0);
        SelftestResult selftest = ctx.selftests().getOrDefault(box.id(), SelftestResult.NOT_ASKED);
        Optional<BoxSnapshot> snapshot = fleet.snapshot(box.id());
        if (snapshot.isEmpty() || snapshot.get().presence() == Presence.NEVER_SEEN || snapshot.get().status() == null
                && snapshot.get().presence() != Presence.OFFLINE) {
            reasons.add(say.neverReported(box.id()));
            return new ClassroomReadiness(classroomId, schoolId, role, box.id(), Verdict.UNKNOWN, reasons, null,
                    selftest.outcome(), selftest.answeredAt());
        }
        BoxSnapshot snap = snapshot.get();
        Instant statusAt = snap.statusReceivedAt() == null ? null : Instant.ofEpochMilli(snap.statusReceivedAt());
        if (snap.presence() == Presence.OFFLINE) {
            reasons.add(say.offline(box.id(), snap.lastSeen()));
            return new ClassroomReadiness(classroomId, schoolId, role, box.id(), Verdict.NOT_READY, reasons, statusAt,
                    selftest.outcome(), selftest.answeredAt());
        }
        if (selftest.outcome() == SelftestOutcome.NO_ANSWER) {
            reasons.add(say.selftestNoAnswer(statusAt));
        }
        StatusMessage status = snap.status();
        ReadinessRules.Needs needs = ctx.needs(role);
        Optional<BoxProfile> profile = profiles.profile(box.id());
        long ageMs = statusAt == null ? Long.MAX_VALUE : ctx.dataNow() - statusAt.toEpochMilli();
        // A box reports by exception: a status on every change and at least every heartbeat (intervalS).
        long heartbeatMs = Math.max(1, status.intervalS()) * 1000L;
        long maxAgeMs = rules.statusMaxAgePeriods() * heartbeatMs;
        if (snap.stale() || ageMs > maxAgeMs) {
            reasons.add(say.stale(ctx.inWindow() ? Severity.BLOCKING : Severity.WARNING, ageMs / 1000, status.intervalS()));
        } else if (ctx.inWindow() && selftest.outcome() == SelftestOutcome.NO_ANSWER && ageMs > heartbeatMs + Heartbeat.GRACE_MS) {
            // Before class the self-test brings fresh data, not the heartbeat. A box that did not answer it and
            // has since missed a heartbeat is likely hung (its work stopped, its connection still up): do not
            // wait for a second heartbeat to say so.
            reasons.add(say.staleNoSelftest(ageMs / 1000, status.intervalS()));
        }
        devices.cameras(status, needs, reasons);
        devices.microphones(status, needs, reasons);
        stream(ctx, role, status, needs, profile, selftest, reasons);
        observe(snap);
        network(ctx, box.id(), status, needs, profile, reasons);
        clock(snap, reasons);
        disk(ctx, status, needs, profile, reasons);
        for (EquipmentStatus e : status.equipment()) {
            if (e.state() != EquipmentState.OK) {
                reasons.add(say.equipment(e));
            }
        }
        drift.drift(box.id(), ctx.now()).ifPresent(d -> reasons.add(say.drift(d, ctx.now())));
        selftestFindings(ctx, role, snap, needs, selftest, reasons);
        return new ClassroomReadiness(classroomId, schoolId, role, box.id(), classroomVerdict(reasons), reasons, statusAt,
                selftest.outcome(), selftest.answeredAt());
    }

    // ------------------------------------------------------------------ the stream path

    private void stream(Ctx ctx, Role role, StatusMessage status, ReadinessRules.Needs needs, Optional<BoxProfile> profile,
                        SelftestResult selftest, List<Reason> reasons) {
        StreamStatus st = status.stream();
        StreamServer server = ctx.server();
        if (role == Role.LEAD) {
            if (needs.upStreams() == 0) {
                return;
            }
            if (st == null) {
                reasons.add(say.noStream());
                return;
            }
            // The server not answering is the cause to name; "not pushing" would only be its consequence.
            NetworkTarget probed = server == null ? null : unreachable(status.network(), server);
            StreamServer named = server != null ? server : StreamServer.ofUrl(st.target()).orElse(null);
            if ((Boolean.FALSE.equals(st.targetReachable()) || probed != null) && named != null) {
                reasons.add(say.serverUnreachable(true, named, probed != null ? probed.error() : st.error(), false));
                return;
            }
            if (!st.pushing()) {
                reasons.add(say.notPushing(Severity.BLOCKING, true, server, st.error()));
                return;
            }
            int expected = profile.map(BoxProfile::bitrateKbps).orElse(rules.streamBitrateKbps());
            if (st.bitrateKbps() != null && st.bitrateKbps() < expected * rules.streamMinBitrateShare()) {
                reasons.add(say.lowBitrate(st.bitrateKbps(), expected, rules.streamMinBitrateShare(),
                        profile.map(BoxProfile::profile).orElse("default")));
            }
            return;
        }
        // A remote pulls the lesson from the session's stream server.
        if (server != null) {
            NetworkTarget probed = target(status.network(), server);
            if (probed == null) {
                // The controller hands the server to the box with the self-test of the first check: until the box
                // answered one, a server it does not probe is only noted.
                boolean told = selftest.outcome() == SelftestOutcome.PASSED || selftest.outcome() == SelftestOutcome.FAILED;
                reasons.add(say.serverNotProbed(ctx.inWindow() && told ? Severity.UNKNOWN : Severity.INFO, server));
            } else if (!probed.reachable()) {
                reasons.add(say.serverUnreachable(false, server, probed.error(), false));
            }
        }
        if (needs.upStreams() > 0 && st != null && !st.pushing()) {
            reasons.add(say.notPushing(Severity.WARNING, false, server, st.error()));
        }
    }

    private static NetworkTarget target(NetworkStatus n, StreamServer server) {
        if (n == null) {
            return null;
        }
        NetworkTarget found = null;
        for (NetworkTarget t : n.targets()) {
            if (server.is(t)) {
                // Probed under two names (profile and session): reachable if either says so.
                if (found == null || t.reachable()) {
                    found = t;
                }
            }
        }
        return found;
    }

    private static NetworkTarget unreachable(NetworkStatus n, StreamServer server) {
        NetworkTarget t = target(n, server);
        return t != null && !t.reachable() ? t : null;
    }

    // ------------------------------------------------------------------ network

    private void network(Ctx ctx, String boxId, StatusMessage status, ReadinessRules.Needs needs, Optional<BoxProfile> profile,
                         List<Reason> reasons) {
        NetworkStatus n = status.network();
        boolean asked = ctx.inWindow();
        int bitrate = profile.map(BoxProfile::bitrateKbps).orElse(rules.streamBitrateKbps());
        int needKbps = (int) Math.ceil(needs.upStreams() * bitrate * (1 + rules.uplinkMargin()));
        if ("down".equals(n.link())) {
            reasons.add(say.linkDown());
            return;
        }
        if (needKbps > 0) {
            // Both times are the box's clock: the age is right even when that clock is off.
            long uplinkAgeS = n.uplinkMeasuredAt() == null ? 0 : (status.ts() - n.uplinkMeasuredAt()) / 1000;
            if (n.uplinkKbps() == null) {
                reasons.add(say.uplinkUnknown(needKbps, asked));
            } else if (uplinkAgeS > rules.uplinkMaxAgeS()) {
                reasons.add(say.uplinkTooOld(needKbps, n.uplinkKbps(), uplinkAgeS, asked));
            } else {
                double up = n.uplinkKbps();
                Severity sev = up < needKbps ? Severity.BLOCKING : up < needKbps * rules.uplinkHeadroom() ? Severity.WARNING : null;
                if (sev != null) {
                    reasons.add(say.uplinkLow(sev, up, needKbps, needs.upStreams(), bitrate, rules.uplinkMargin(),
                            profile.map(BoxProfile::profile).orElse(null)));
                }
            }
        }
        NetworkWindow.Medians m = window.medians(boxId, ctx.dataNow());
        Double rtt = m.samples() > 0 ? m.rttMs() : n.rttMs();
        Double jitter = m.samples() > 0 ? m.jitterMs() : n.jitterMs();
        Double loss = m.samples() > 0 ? m.lossPct() : n.lossPct();
        int samples = Math.max(1, m.samples());
        ReadinessRules.Network lim = ctx.limits();
        org.syncready.controller.schedule.SessionKind kind = ctx.session().kind();
        if (rtt == null && loss == null) {
            reasons.add(say.echoUnknown(asked));
        }
        if (rtt != null) {
            Severity sev = severity(window.level(boxId, kind, NetworkWindow.Figure.RTT, rtt, lim.rttMaxMs(), lim.rttBlockingMs()));
            if (sev != null) {
                reasons.add(say.rtt(sev, rtt, samples, sev == Severity.BLOCKING ? lim.rttBlockingMs() : lim.rttMaxMs()));
            }
        }
        if (jitter != null) {
            Severity sev = severity(window.level(boxId, kind, NetworkWindow.Figure.JITTER, jitter, lim.jitterMaxMs(),
                    lim.jitterBlockingMs()));
            if (sev != null) {
                reasons.add(say.jitter(sev, jitter, samples, sev == Severity.BLOCKING ? lim.jitterBlockingMs() : lim.jitterMaxMs()));
            }
        }
        if (loss != null) {
            Severity sev = severity(window.level(boxId, kind, NetworkWindow.Figure.LOSS, loss, lim.lossMaxPct(), lim.lossBlockingPct()));
            if (sev != null) {
                reasons.add(say.loss(sev, loss, samples, sev == Severity.BLOCKING ? lim.lossBlockingPct() : lim.lossMaxPct()));
            }
        }
        if (n.ntpOffsetMs() == null) {
            reasons.add(say.clockUnknown());
        } else if (Math.abs(n.ntpOffsetMs()) > rules.ntpOffsetMaxMs()) {
            reasons.add(say.clockSkew(n.ntpOffsetMs(), rules.ntpOffsetMaxMs()));
        }
    }

    /**
     * A box whose timestamps are far from the controller's clock has a wrong clock even when it reports
     * no NTP offset (no NTP server configured, or the box believes a bad one): it replaces the "not
     * measured" note.
     */
    private void clock(BoxSnapshot snap, List<Reason> reasons) {
        if (!snap.clockSkewed() || reasons.stream().anyMatch(r -> r.code() == ReasonCode.CLOCK_SKEW)) {
            return;
        }
        reasons.removeIf(r -> r.code() == ReasonCode.NO_DATA && "ntpOffsetMs".equals(r.device()));
        reasons.add(say.clockFromTimestamps(snap.clockOffsetMs()));
    }

    private static Severity severity(NetworkWindow.Level level) {
        return switch (level) {
            case BLOCKING -> Severity.BLOCKING;
            case WARNING -> Severity.WARNING;
            case NONE -> null;
        };
    }

    // ------------------------------------------------------------------ disk

    private void disk(Ctx ctx, StatusMessage status, ReadinessRules.Needs needs, Optional<BoxProfile> profile,
                      List<Reason> reasons) {
        Long free = status.system() == null ? null : status.system().diskFreeMb();
        long reserve = rules.diskReserveMb();
        if (!needs.records()) {
            if (free != null && free < reserve) {
                reasons.add(say.diskBelowReserve(free, reserve));
            }
            return;
        }
        SyncSessionTimes t = SyncSessionTimes.of(ctx.session(), ctx.now());
        int bitrate = profile.map(BoxProfile::bitrateKbps).orElse(rules.streamBitrateKbps());
        long recordingMb = Math.max(1, needs.upStreams()) * (long) bitrate * t.remainingS() / 8 / 1024;
        if (free == null) {
            reasons.add(say.diskUnknown(recordingMb));
        } else if (free < recordingMb) {
            reasons.add(say.diskCannotRecord(free, recordingMb, t.remainingS() / 60));
        } else if (free < recordingMb + reserve) {
            reasons.add(say.diskTight(free, recordingMb, reserve));
        }
    }

    /** What is left of a session to record: all of it before the start, the rest once it runs. */
    private record SyncSessionTimes(long remainingS) {
        static SyncSessionTimes of(SyncSession s, Instant now) {
            Instant from = now.isAfter(s.start()) ? now : s.start();
            return new SyncSessionTimes(Math.max(0, Duration.between(from, s.end()).toSeconds()));
        }
    }

    // ------------------------------------------------------------------ the self-test's own findings

    /**
     * Every failed check of the box's latest self-test becomes the reason it names, unless the status
     * already says so (same code and device) or a status that arrived after the answer shows the box
     * again (then the status is the newer word, except on a picture only the self-test decoded).
     */
    private void selftestFindings(Ctx ctx, Role role, BoxSnapshot snap, ReadinessRules.Needs needs, SelftestResult selftest,
                                  List<Reason> reasons) {
        if (selftest.outcome() != SelftestOutcome.FAILED) {
            return;
        }
        boolean newerStatus = selftest.answeredAt() != null && snap.statusReceivedAt() != null
                && snap.statusReceivedAt() > selftest.answeredAt().toEpochMilli();
        Set<String> keys = new HashSet<>();
        reasons.forEach(r -> keys.add(r.key()));
        if (selftest.error() != null && !newerStatus) {
            add(reasons, keys, say.selftestFailed("selftest", "the self-test did not complete", "自检未能完成", selftest.error()));
        }
        StatusMessage status = snap.status();
        for (SelftestResult.FailedCheck f : selftest.failed()) {
            Reason r = switch (f.type()) {
                case "camera" -> cameraFinding(f, status, needs, newerStatus);
                case "microphone" -> newerStatus ? null : microphoneFinding(f, status, needs);
                case "network" -> newerStatus ? null : networkFinding(ctx, role, f, reasons, keys);
                case "stream" -> newerStatus ? null : role == Role.LEAD
                        ? say.notPushing(Severity.BLOCKING, true, ctx.server(), f.error())
                        : needs.upStreams() > 0 ? say.notPushing(Severity.WARNING, false, ctx.server(), f.error()) : null;
                case "system" -> newerStatus || keys.contains(ReasonCode.DISK_LOW.name()) ? null
                        : f.check().hasNonNull("diskFreeMb") ? say.diskBelowReserve(f.check().path("diskFreeMb").asLong(), rules.diskReserveMb())
                        : say.selftestFailed("system", "the box's system check failed", "主机系统检查失败", f.error());
                case "probe" -> newerStatus ? null
                        : say.selftestFailed("probe:" + f.id(), "the " + f.id() + " probe failed", "“" + f.id() + "”探测失败", f.error());
                default -> newerStatus ? null
                        : say.selftestFailed(f.type() + ":" + f.id(), f.type() + " " + f.id() + " failed",
                                f.type() + " " + f.id() + " 检查失败", f.error());
            };
            if (r != null) {
                add(reasons, keys, r);
            }
        }
    }

    private Reason cameraFinding(SelftestResult.FailedCheck f, StatusMessage status, ReadinessRules.Needs needs, boolean newerStatus) {
        JsonNode deep = f.check().path("deepCheck");
        boolean deepFound = deep.isObject() && !deep.path("ok").asBoolean(true);
        CameraStatus now = status.cameras().stream().filter(c -> c.id().equals(f.id())).findFirst().orElse(null);
        if (newerStatus && !(deepFound && (now == null || now.deepCheckTs() == null))) {
            return null;
        }
        CameraRole role = now != null ? now.role() : null;
        boolean otherWorks = status.cameras().stream().anyMatch(c -> !c.id().equals(f.id()) && c.role() == role && DeviceRules.works(c));
        boolean required = role != null && needs.cameraRoles().contains(role) && !otherWorks;
        CameraProblem problem = "absent".equals(f.state()) ? CameraProblem.ABSENT
                : f.check().path("frozen").asBoolean(false) || deep.path("frozen").asBoolean(false) ? CameraProblem.FROZEN
                : f.check().path("black").asBoolean(false) || deep.path("black").asBoolean(false) ? CameraProblem.BLACK
                : "degraded".equals(f.state()) ? CameraProblem.DEGRADED : CameraProblem.FAULT;
        Severity sev = required && problem != CameraProblem.DEGRADED ? Severity.BLOCKING : Severity.WARNING;
        ReasonCode code = problem == CameraProblem.ABSENT ? ReasonCode.CAMERA_ABSENT : ReasonCode.CAMERA_FAULT;
        String error = f.error() != null ? f.error() : deep.path("error").asText(null);
        Double fps = f.check().hasNonNull("fps") ? f.check().path("fps").asDouble() : null;
        return say.camera(code, sev, f.id(), role, problem, error, fps, null, f.state(), true);
    }

    private Reason microphoneFinding(SelftestResult.FailedCheck f, StatusMessage status, ReadinessRules.Needs needs) {
        String role = status.microphones().stream().filter(m -> m.id().equals(f.id())).map(MicrophoneStatus::role)
                .findFirst().orElse(null);
        if (f.check().path("clipping").asBoolean(false)) {
            Double peak = f.check().hasNonNull("peakDbfs") ? f.check().path("peakDbfs").asDouble() : null;
            return say.clipping(f.id(), role, peak);
        }
        Double level = f.check().hasNonNull("levelDbfs") ? f.check().path("levelDbfs").asDouble() : null;
        MicProblem p = "absent".equals(f.state()) ? MicProblem.ABSENT : f.check().path("muted").asBoolean(false) ? MicProblem.MUTED
                : level != null && level < -60 ? MicProblem.SILENT : MicProblem.FAULT;
        return say.microphone(needs.microphones() ? Severity.BLOCKING : Severity.WARNING, f.id(), role, p, level, f.error(), true);
    }

    /** A failed network check: the session's stream server unreachable, the link down, or another target. */
    private Reason networkFinding(Ctx ctx, Role role, SelftestResult.FailedCheck f, List<Reason> reasons, Set<String> keys) {
        if ("down".equals(f.check().path("link").asText())) {
            return say.linkDown();
        }
        Reason first = null;
        for (JsonNode t : f.check().path("targets")) {
            if (t.path("reachable").asBoolean(true)) {
                continue;
            }
            String host = t.path("host").asText("?");
            int port = t.path("port").asInt();
            boolean isServer = ctx.server() != null && ctx.server().host().equalsIgnoreCase(host) && ctx.server().port() == port;
            Reason r = isServer ? say.serverUnreachable(role == Role.LEAD, ctx.server(), t.path("error").asText(null), true)
                    : say.selftestFailed("target:" + host + ":" + port,
                            "target " + t.path("name").asText("?") + " (" + host + ":" + port + ") unreachable",
                            "无法连接目标 " + t.path("name").asText("?") + "（" + host + ":" + port + "）", t.path("error").asText(null));
            if (first == null) {
                first = r;
            } else {
                add(reasons, keys, r);
            }
        }
        return first != null ? first
                : say.selftestFailed("network", "the network check failed", "网络检查失败", f.error());
    }

    private static void add(List<Reason> reasons, Set<String> keys, Reason r) {
        if (keys.add(r.key())) {
            reasons.add(r);
        }
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
