package org.syncready.agent.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.camera.FfmpegDeepCheck;
import org.syncready.agent.mqtt.IncomingCommand;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandTypes;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.FaultChange;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

/**
 * Runs one command and replies to it. Commands run one at a time on the agent's work thread, the
 * same thread as the probe rounds, so a selftest never races a round.
 *
 * <ul>
 *   <li>{@code rebirth}: publishes birth and status again.</li>
 *   <li>{@code reprobe}: probes now, publishes the status, replies with it.</li>
 *   <li>{@code selftest}: runs the periodic network checks now (bounded wait), probes and replies with one report: a check per device, network,
 *       stream and system, each with its state and {@code passed}; the report {@code passed} only
 *       when every check did.</li>
 *   <li>{@code restart-agent}: replies ok, then calls the exit hook with {@link #RESTART_EXIT_CODE}
 *       (in production: exit, and systemd starts the agent again).</li>
 *   <li>{@code simulate}: switches faults of a simulated box (args: a {@link FaultChange}), probes and
 *       publishes the status they lead to, replies with the faults in force, then hangs if asked to.
 *       Refused by a box with real probes, and for args it cannot read, naming every problem.</li>
 * </ul>
 */
public final class CommandHandler {
    /** Non-zero, so systemd's {@code Restart=on-failure} brings the agent back (75 = EX_TEMPFAIL). */
    public static final int RESTART_EXIT_CODE = 75;
    /** The answer to {@code simulate} on a box that measures real devices. */
    static final String REAL_PROBES = "this box runs real probes (probes.mode: real): faults can only be simulated "
            + "on a box with probes.mode: simulated";
    /** Free space below which the selftest flags the disk: recordings and the outbox need room. */
    static final long DISK_LOW_MB = 1024;

    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

    private final String boxId;
    private final CommandTarget target;
    private final ObjectMapper mapper;
    private final IntConsumer exitHook;

    /**
     * @param exitHook called after the reply to restart-agent went out; production passes one that
     *                 stops the agent and exits the JVM, tests pass a recorder
     */
    public CommandHandler(String boxId, CommandTarget target, ObjectMapper mapper, IntConsumer exitHook) {
        this.boxId = boxId;
        this.target = target;
        this.mapper = mapper;
        this.exitHook = exitHook;
    }

    public void handle(IncomingCommand command) {
        CommandRequest request = command.request();
        log.info("{}: command {} '{}'", boxId, request.id(), request.type());
        long started = System.nanoTime();
        try {
            switch (request.type()) {
                case CommandTypes.REBIRTH -> rebirth(command);
                case CommandTypes.REPROBE -> reprobe(command);
                case CommandTypes.SELFTEST -> selftest(command, started);
                case CommandTypes.RESTART_AGENT -> restart(command);
                case CommandTypes.SIMULATE -> simulate(command);
                default -> target.reply(command, false, null, "unknown command type '" + request.type() + "'");
            }
        } catch (RuntimeException e) {
            log.warn("{}: command {} '{}' failed: {}", boxId, request.id(), request.type(), e.toString());
            target.reply(command, false, null, "command failed: " + e.getMessage());
        }
    }

    private void rebirth(IncomingCommand command) {
        boolean birth = target.publishBirth();
        Optional<StatusMessage> status = target.publishStatus();
        ObjectNode result = mapper.createObjectNode();
        result.put("birthSent", birth);
        status.ifPresent(s -> result.put("statusSeq", s.seq()));
        target.reply(command, true, result, null);
    }

    private void reprobe(IncomingCommand command) {
        Snapshot snapshot = target.probeNow();
        Optional<StatusMessage> status = target.publishStatus();
        JsonNode result = status.<JsonNode>map(mapper::valueToTree).orElseGet(() -> mapper.valueToTree(snapshot));
        target.reply(command, true, result, null);
    }

    private void selftest(IncomingCommand command, long started) {
        Map<String, FfmpegDeepCheck.Result> deep = target.cameraDeepChecks();
        Snapshot snapshot = target.probeThoroughly();
        target.publishStatus();
        ObjectNode report = report(snapshot, deep);
        report.put("durationMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        log.info("{}: selftest {}", boxId, report.get("passed").booleanValue() ? "passed" : "failed: " + report.get("failed"));
        target.reply(command, true, report, null);
    }

    private void simulate(IncomingCommand command) {
        FaultChange change;
        FaultSet faults;
        try {
            change = FaultChange.parse(command.request().args());
            Optional<FaultSet> applied = target.simulate(change);
            if (applied.isEmpty()) {
                target.reply(command, false, null, REAL_PROBES);
                return;
            }
            faults = applied.get();
        } catch (FaultChange.InvalidFaults e) {
            log.info("{}: simulate {} refused: {}", boxId, command.request().id(), e.getMessage());
            target.reply(command, false, null, "simulate refused: " + e.getMessage());
            return;
        }
        // The status the faults lead to goes out before the answer, so whoever asked sees it at once.
        target.probeNow();
        target.publishStatus();
        ObjectNode result = mapper.createObjectNode();
        result.set("faults", mapper.valueToTree(faults));
        ArrayNode active = result.putArray("active");
        faults.describe().forEach(active::add);
        if (change.hangS() != null) {
            result.put("hangS", change.hangS());
        }
        log.info("{}: simulated faults now {}", boxId, faults.healthy() ? "none" : faults.describe());
        CompletableFuture<?> sent = target.reply(command, true, result, null);
        if (change.hangS() != null) {
            try {
                sent.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.info("{}: simulate reply not confirmed before the hang: {}", boxId, e.toString());
            }
            target.hang(Duration.ofSeconds(change.hangS()));
        }
    }

    private void restart(IncomingCommand command) {
        ObjectNode result = mapper.createObjectNode();
        result.put("exitCode", RESTART_EXIT_CODE);
        try {
            target.reply(command, true, result, null).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Restart anyway: the requester asked for it and will see the box come back with a new boot id.
            log.info("{}: restart reply not confirmed: {}", boxId, e.toString());
        }
        log.info("{}: restarting on request {} (exit code {})", boxId, command.request().id(), RESTART_EXIT_CODE);
        exitHook.accept(RESTART_EXIT_CODE);
    }

    /** The selftest report of one fresh probe round. */
    ObjectNode report(Snapshot s) {
        return report(s, Map.of());
    }

    /** The selftest report, with the camera deep checks run for it (camera id → result). */
    ObjectNode report(Snapshot s, Map<String, FfmpegDeepCheck.Result> deep) {
        ObjectNode report = mapper.createObjectNode();
        ArrayNode checks = mapper.createArrayNode();
        ArrayNode failed = mapper.createArrayNode();
        for (CameraStatus c : s.cameras()) {
            ObjectNode check = check(checks, failed, "camera", c.id(), c.state(), c.error());
            putIfPresent(check, "width", c.width());
            putIfPresent(check, "height", c.height());
            putIfPresent(check, "fps", c.fps());
            putIfPresent(check, "bitrateKbps", c.bitrateKbps());
            if (c.codec() != null) {
                check.put("codec", c.codec());
            }
            if (c.frozen() != null) {
                check.put("frozen", c.frozen());
            }
            if (c.black() != null) {
                check.put("black", c.black());
            }
            if (c.source() != null) {
                check.put("source", c.source());
            }
            FfmpegDeepCheck.Result d = deep.get(c.id());
            if (d != null) {
                ObjectNode dc = check.putObject("deepCheck");
                dc.put("ok", d.error() == null && !d.frozen() && !d.black());
                if (d.error() != null) {
                    dc.put("error", d.error());
                }
                if (d.codec() != null) {
                    dc.put("codec", d.codec());
                }
                putIfPresent(dc, "width", d.width());
                putIfPresent(dc, "height", d.height());
                putIfPresent(dc, "fps", d.fps());
                dc.put("frozen", d.frozen());
                dc.put("black", d.black());
                dc.put("frames", d.frames());
                dc.put("seconds", Math.round(d.seconds() * 100) / 100.0);
            }
        }
        for (MicrophoneStatus m : s.microphones()) {
            ObjectNode check = check(checks, failed, "microphone", m.id(), m.state(), m.error());
            putIfPresent(check, "levelDbfs", m.levelDbfs());
            putIfPresent(check, "peakDbfs", m.peakDbfs());
            check.put("muted", m.muted());
            check.put("clipping", m.clipping());
        }
        NetworkStatus n = s.network();
        long unreachable = n.targets().stream().filter(t -> !t.reachable()).count();
        DeviceState netState = "down".equals(n.link()) || (!n.targets().isEmpty() && unreachable == n.targets().size())
                ? DeviceState.FAULT : unreachable > 0 ? DeviceState.DEGRADED : DeviceState.OK;
        String netError = netState == DeviceState.OK ? null : "down".equals(n.link()) ? "link down"
                : unreachable + " of " + n.targets().size() + " targets unreachable: "
                + n.targets().stream().filter(t -> !t.reachable()).map(t -> t.name() + " (" + t.error() + ")").toList();
        ObjectNode net = check(checks, failed, "network", n.iface() == null ? "uplink" : n.iface(), netState, netError);
        net.put("link", n.link());
        // Informational: whether loss or a slow uplink matters is the controller's readiness call.
        target.networkCheckErrors().ifPresent(e -> net.put("checkErrors", e));
        putIfPresent(net, "rttMs", n.rttMs());
        putIfPresent(net, "jitterMs", n.jitterMs());
        putIfPresent(net, "lossPct", n.lossPct());
        putIfPresent(net, "uplinkKbps", n.uplinkKbps());
        putIfPresent(net, "uplinkMeasuredAt", n.uplinkMeasuredAt());
        putIfPresent(net, "ntpOffsetMs", n.ntpOffsetMs());
        putIfPresent(net, "ntpMeasuredAt", n.ntpMeasuredAt());
        ArrayNode targets = net.putArray("targets");
        for (NetworkTarget t : n.targets()) {
            targets.add(mapper.valueToTree(t));
        }
        StreamStatus stream = s.stream();
        if (stream != null) {
            ObjectNode push = check(checks, failed, "stream", "stream", stream.pushing() ? DeviceState.OK : DeviceState.FAULT,
                    stream.pushing() ? null : stream.error() == null ? "not pushing" : stream.error());
            // The values a technician compares with the stream server's view (target without credentials).
            push.put("pushing", stream.pushing());
            if (stream.target() != null) {
                push.put("target", stream.target());
            }
            putIfPresent(push, "bitrateKbps", stream.bitrateKbps());
            putIfPresent(push, "droppedFrames", stream.droppedFrames());
            if (stream.targetReachable() != null) {
                push.put("targetReachable", stream.targetReachable());
            }
        }
        SystemStatus sys = s.system();
        boolean diskLow = sys.diskFreeMb() != null && sys.diskFreeMb() < DISK_LOW_MB;
        ObjectNode system = check(checks, failed, "system", "system", diskLow ? DeviceState.DEGRADED : DeviceState.OK,
                diskLow ? "disk low: " + sys.diskFreeMb() + " MB free" : null);
        system.setAll((ObjectNode) mapper.valueToTree(sys));
        for (EquipmentStatus e : s.equipment()) {
            DeviceState state = switch (e.state()) {
                case OK -> DeviceState.OK;
                case OUT_OF_RANGE -> DeviceState.DEGRADED;
                case UNREACHABLE -> DeviceState.FAULT;
            };
            ObjectNode check = check(checks, failed, "equipment", e.name(), state, e.error());
            check.put("role", e.role());
            check.set("value", mapper.valueToTree(e.value()));
            if (e.expected() != null) {
                check.put("expected", e.expected());
            }
        }
        for (Map.Entry<String, String> e : s.probeErrors().entrySet()) {
            check(checks, failed, "probe", e.getKey(), DeviceState.FAULT, e.getValue());
        }
        report.put("passed", failed.isEmpty());
        report.set("failed", failed);
        report.set("checks", checks);
        return report;
    }

    private ObjectNode check(ArrayNode checks, ArrayNode failed, String type, String id, DeviceState state, String error) {
        ObjectNode check = checks.addObject();
        boolean passed = state == DeviceState.OK;
        check.put("type", type);
        check.put("id", id);
        check.put("state", state.toString());
        check.put("passed", passed);
        if (error != null) {
            check.put("error", error);
        }
        if (!passed) {
            failed.add(type + " " + id + ": " + (error == null ? state.toString() : error));
        }
        return check;
    }

    private static void putIfPresent(ObjectNode node, String field, Number value) {
        if (value instanceof Integer i) {
            node.put(field, i);
        } else if (value instanceof Long l) {
            node.put(field, l);
        } else if (value instanceof Double d) {
            node.put(field, d);
        }
    }
}
