package org.syncready.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Map;
import org.syncready.agent.camera.FfmpegDeepCheck;
import org.syncready.agent.command.CommandHandler;
import org.syncready.agent.command.CommandTarget;
import org.syncready.agent.command.SessionTargets;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.configapply.ConfigApplier;
import org.syncready.agent.configapply.ConfigTarget;
import org.syncready.agent.mqtt.IncomingCommand;
import org.syncready.agent.mqtt.MqttReporter;
import org.syncready.agent.mqtt.ReportContent;
import org.syncready.agent.outbox.Outbox;
import org.syncready.agent.outbox.OutboxException;
import org.syncready.agent.probe.Snapshot;
import org.syncready.agent.sim.SimulatedFaults;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.CommandTypes;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.DeviceInfo;
import org.syncready.protocol.FaultChange;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StatusMessage;

/**
 * One running agent: probes in rounds, reports over MQTT, answers commands.
 *
 * <p>(Just over 500 lines on purpose: it is the agent's wiring — probes, reporter, applier, commands,
 * simulation hooks — in one place a reader follows top-down; each part lives in its own package.)
 *
 * <p>Threads: {@code work-<boxId>} runs probe rounds and commands one at a time; {@code mqtt-<boxId>}
 * owns the connection (see {@link MqttReporter}); each probe has its own thread (see
 * {@link org.syncready.agent.probe.ProbeRunner}). Report by exception ({@link ReportPolicy}): a round
 * that sees a significant change (a device's state, the link, the stream, a number past its
 * {@link org.syncready.agent.config.ReportRules rule}) publishes a status at once; otherwise a status
 * goes out when nothing was published for the heartbeat ({@code heartbeatS}, old name
 * {@code statusIntervalS}).
 */
public final class Agent {
    /** The agent's own version, from the build. */
    public static final String VERSION = readVersion();

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final long PUBLISH_WAIT_MS = 5_000;
    /** The longest a selftest waits for deep camera checks (each has its own, shorter, hard timeout). */
    private static final long SELFTEST_DEEP_WAIT_S = 120;
    /**
     * How long a self-test waits for the echo, uplink and NTP checks, which start when the command
     * arrives, alongside the camera deep checks. They take about 2 + 1 + at most 5 s (the speed test
     * is bounded by time, docs/PROBES.md); the controller waits 20 s for the whole answer. A check
     * still running then shows in the next status instead.
     */
    private static final java.time.Duration SELFTEST_NETWORK_WAIT = java.time.Duration.ofSeconds(15);

    /** agent.yaml's settings; {@link #config} is them with the applied configuration's agent settings on top. */
    private final AgentConfig base;
    private volatile AgentConfig config;
    private final String boxId;
    private final String bootId = UUID.randomUUID().toString();
    private final MessageCodec codec = new MessageCodec();
    private final SimulatedFaults faults;
    private volatile ProbeSet probes;
    private final ConfigApplier applier;
    /** Checks every second whether the heartbeat is due (work thread). */
    private ScheduledFuture<?> heartbeatTask;
    private volatile ReportPolicy policy;
    private final MqttReporter reporter;
    private final CommandHandler commands;
    private final ScheduledExecutorService work;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Snapshot latest;
    /** The snapshot of the latest status built for publishing (live or into the outbox), and when (this JVM's clock). */
    private volatile Snapshot published;
    private volatile long publishedAtMs;
    /** When a round or the heartbeat last asked for a status; not asked again before the reporter made it or a heartbeat passed. */
    private volatile long askedAtMs;
    /** What the log last said about the status (work thread only). */
    private final StatusChangeLog changeLog = new StatusChangeLog();
    private volatile List<DeviceInfo> announcedDevices;
    /** The stream servers the latest selftest asked for, probed until {@link #sessionTargetsUntil}. Work thread. */
    private SessionTargets sessionTargets = SessionTargets.NONE;
    private long sessionTargetsUntil;
    /** The deep camera checks the latest selftest started, for its report. */
    private volatile Map<String, FfmpegDeepCheck.Result> selftestDeepChecks = Map.of();

    private Agent(AgentConfig yaml, IntConsumer exitHook) {
        this.base = yaml;
        this.boxId = yaml.boxId();
        this.applier = new ConfigApplier(yaml, codec, new Applying());
        AgentConfig config = ConfigApplier.effective(yaml, applier.running().map(ConfigDesired::body).orElse(null));
        this.config = config;
        if (config.probes().mode() == AgentConfig.ProbeMode.SIMULATED) {
            faults = new SimulatedFaults(
                    config.simulation().cameras().stream().map(AgentConfig.Camera::id).toList(),
                    config.simulation().microphones().stream().map(AgentConfig.Microphone::id).toList(),
                    config.simulation().faults());
            faults.onChange(this::reprobeNow);
        } else {
            faults = null;
        }
        probes = new ProbeSet(config, faults);
        policy = new ReportPolicy(config.heartbeatS(), config.report());
        work = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "work-" + boxId);
            t.setDaemon(true);
            return t;
        });
        reporter = new MqttReporter(config, bootId, codec, new Content(), this::onCommand, openOutbox(yaml));
        reporter.onDesired(this::onDesired);
        if (faults != null) {
            reporter.useClock(() -> System.currentTimeMillis() + faults.clockOffsetMs());
        }
        commands = new CommandHandler(boxId, new Target(), codec.mapper(), code -> {
            // Not on the work thread: stop() shuts that thread down.
            Thread t = new Thread(() -> {
                stop();
                exitHook.accept(code);
            }, "restart-" + boxId);
            t.start();
        });
    }

    /**
     * The outbox file of this box ({@code dataDir/outbox/<boxId>.db}), with what an earlier run left in
     * it; in memory when the file cannot be opened, which is logged: reports then survive a broker
     * outage but not a restart of the agent.
     */
    private Outbox openOutbox(AgentConfig yaml) {
        Outbox.Limits limits = new Outbox.Limits(yaml.outbox().maxMb() * 1024L * 1024L, Duration.ofHours(yaml.outbox().maxAgeHours()));
        Path file = yaml.dataDir().resolve("outbox").resolve(boxId + ".db");
        try {
            Outbox outbox = Outbox.open(file, limits, Clock.systemUTC());
            if (outbox.count() > 0 || outbox.dropped() > 0) {
                log.info("{}: outbox {} holds {} report(s) ({} KB) from before this start; {} dropped so far", boxId, file,
                        outbox.count(), outbox.bytes() / 1024, outbox.dropped());
            }
            return outbox;
        } catch (OutboxException e) {
            log.error("{}: {}; keeping reports in memory only (lost if the agent stops)", boxId, e.getMessage());
            try {
                return Outbox.inMemory(limits, Clock.systemUTC());
            } catch (OutboxException inMemory) {
                throw new IllegalStateException(boxId + ": no outbox at all: " + inMemory.getMessage(), inMemory);
            }
        }
    }

    /** Starts an agent whose restart-agent command exits the JVM (systemd brings it back). */
    public static Agent start(AgentConfig config) {
        return start(config, System::exit);
    }

    /**
     * Starts an agent: runs a first probe round (so the first birth and status are real), starts
     * connecting and returns without waiting for the connection.
     *
     * @param exitHook what restart-agent does after the agent stopped, given the exit code
     */
    public static Agent start(AgentConfig config, IntConsumer exitHook) {
        Agent agent = new Agent(config, exitHook);
        agent.latest = agent.probes.run();
        agent.announcedDevices = agent.devices(agent.latest);
        agent.reporter.start();
        agent.work.scheduleWithFixedDelay(agent::round, config.probeIntervalS(), config.probeIntervalS(), TimeUnit.SECONDS);
        agent.publishedAtMs = System.currentTimeMillis();
        agent.heartbeatTask = agent.work.scheduleWithFixedDelay(agent::heartbeat, 1, 1, TimeUnit.SECONDS);
        log.info("{}: agent {} started (boot {}, {} probes, status on change and at least every {} s, config version {}, broker {})",
                agent.boxId, VERSION, agent.bootId, config.probes().mode(), agent.config.heartbeatS(), agent.applier.runningVersion(),
                config.broker().uri());
        return agent;
    }

    /** Clean stop: offline state, DISCONNECT, threads ended. Idempotent. */
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            stopWork();
            reporter.stop();
            probes.close();
        }
    }

    /**
     * Simulated power loss: the TCP connection closes without DISCONNECT (the broker publishes the
     * Will), nothing more is sent and the agent does not reconnect.
     */
    public void halt() {
        if (stopped.compareAndSet(false, true)) {
            stopWork();
            reporter.halt();
            probes.close();
        }
    }

    /** Ends probe rounds and commands; a round in progress is interrupted and finishes quickly. */
    private void stopWork() {
        work.shutdownNow();
        try {
            work.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The fault switchboard when the probes are simulated. */
    public Optional<SimulatedFaults> faults() {
        return Optional.ofNullable(faults);
    }

    /** Runs a probe round now (without waiting for it); a significant change is published at once. */
    public void reprobeNow() {
        try {
            work.execute(this::round);
        } catch (RejectedExecutionException e) {
            // Stopped.
        }
    }

    public boolean connected() {
        return reporter.connected();
    }

    public String bootId() {
        return bootId;
    }

    /** Reports waiting in the outbox for the broker's acknowledgement. */
    public long outboxWaiting() {
        return reporter.outboxWaiting();
    }

    public String boxId() {
        return boxId;
    }

    /** The settings running now: agent.yaml with the applied configuration's agent settings on top. */
    public AgentConfig config() {
        return config;
    }

    /** The configuration version running now, or null when only agent.yaml's settings run. */
    public Long configVersion() {
        return applier.runningVersion();
    }

    /**
     * Publishes a status with the same content as the latest round's, as a significant change would: the
     * simulated fleet's share of boxes changing per minute ({@code --change-per-minute}).
     */
    public void publishAsChanged() {
        try {
            work.execute(this::askForStatus);
        } catch (RejectedExecutionException e) {
            // Stopped.
        }
    }

    /** The heartbeat: a status when nothing was published (or asked for) for heartbeatS. Work thread. */
    private void heartbeat() {
        long now = System.currentTimeMillis();
        if (policy.heartbeatDue(Math.max(publishedAtMs, askedAtMs), now)) {
            askForStatus();
        }
    }

    /** Asks the reporter for a status now (it is made from the latest round on the mqtt thread). Work thread. */
    private void askForStatus() {
        askedAtMs = System.currentTimeMillis();
        reporter.publishStatus();
    }

    private void onDesired(ConfigDesired doc) {
        try {
            work.execute(() -> applier.onDesired(doc));
        } catch (RejectedExecutionException e) {
            log.info("{}: config version {} ignored: agent stopping", boxId, doc.version());
        }
    }

    private void round() {
        try {
            if (sessionTargets != SessionTargets.NONE && System.currentTimeMillis() > sessionTargetsUntil) {
                useSessionTargets(SessionTargets.NONE);
            }
            latest = probes.run();
            Snapshot.Significant now = latest.significant();
            String change = changeLog.describe(now, System.currentTimeMillis());
            if (change != null) {
                log.info("{}: {}", boxId, change);
            }
            String why = policy.changed(published, latest);
            // Asked already and not yet made (the mqtt thread is busy or hung): one request is enough.
            if (why != null && askedAtMs <= publishedAtMs) {
                log.debug("{}: publishing at once: {}", boxId, why);
                askForStatus();
            }
            List<DeviceInfo> devices = devices(latest);
            if (!devices.equals(announcedDevices)) {
                // Sparkplug's rule: a new inventory is a new birth.
                announcedDevices = devices;
                log.info("{}: device inventory changed; publishing a new birth", boxId);
                reporter.publishBirth();
            }
        } catch (RuntimeException e) {
            log.error("{}: probe round failed", boxId, e);
        }
    }

    private void onCommand(IncomingCommand command) {
        if (CommandTypes.SELFTEST.equals(command.request().type())) {
            SessionTargets asked = SessionTargets.parse(command.request().args());
            try {
                // On the work thread: the probes may have to be rebuilt with the session's stream servers first.
                work.execute(() -> {
                    if (asked != SessionTargets.NONE) {
                        sessionTargetsUntil = System.currentTimeMillis() + asked.keepS() * 1000;
                        if (!asked.targets().equals(sessionTargets.targets())) {
                            useSessionTargets(asked);
                        }
                    }
                    // Deep camera checks decode seconds of video: they run on the camera probe's own threads
                    // and the selftest joins the work thread only when they are done, so rounds go on meanwhile.
                    // The network checks run meanwhile too, on their own thread; the selftest joins them.
                    probes.startNetworkChecks();
                    probes.deepCheckCameras().orTimeout(SELFTEST_DEEP_WAIT_S, TimeUnit.SECONDS).whenComplete((results, e) -> {
                        selftestDeepChecks = results == null ? Map.of() : results;
                        handleOnWork(command);
                    });
                });
            } catch (RejectedExecutionException e) {
                log.info("{}: command {} ignored: agent stopping", boxId, command.request().id());
            }
            return;
        }
        handleOnWork(command);
    }

    /** Probes the configured targets plus {@code targets} from now on. Work thread. */
    private void useSessionTargets(SessionTargets targets) {
        sessionTargets = targets;
        ProbeSet old = probes;
        probes = new ProbeSet(probeConfig(config), faults);
        old.close();
        log.info("{}: probing {} session stream server(s) {}", boxId, targets.targets().size(),
                targets.targets().stream().map(t -> t.host() + ":" + t.port()).toList());
    }

    /** The settings the probes run with: {@code c} with the session's stream servers among the targets. */
    private AgentConfig probeConfig(AgentConfig c) {
        return sessionTargets == SessionTargets.NONE ? c : c.toBuilder().targets(sessionTargets.mergeInto(c.probeTargets())).build();
    }

    private void handleOnWork(IncomingCommand command) {
        try {
            work.execute(() -> commands.handle(command));
        } catch (RejectedExecutionException e) {
            log.info("{}: command {} ignored: agent stopping", boxId, command.request().id());
        }
    }

    private List<DeviceInfo> devices(Snapshot s) {
        List<DeviceInfo> devices = new ArrayList<>();
        for (CameraStatus c : s.cameras()) {
            devices.add(new DeviceInfo("camera", c.id(), c.role().toString(), c.kind().toString(), null));
        }
        for (MicrophoneStatus m : s.microphones()) {
            devices.add(new DeviceInfo("microphone", m.id(), m.role(), null, null));
        }
        devices.add(new DeviceInfo("network", s.network().iface() == null ? "uplink" : s.network().iface(), null, null, null));
        if (s.stream() != null) {
            devices.add(new DeviceInfo("stream", "stream", null, null, s.stream().target()));
        }
        return devices;
    }

    private static String readVersion() {
        try (InputStream in = Agent.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // Fall through: an unknown version must not stop the agent.
        }
        return "dev";
    }

    /** What the reporter publishes: built from the latest probe round at the moment of sending. */
    private final class Content implements ReportContent {
        @Override
        public BirthMessage birth(long seq, long ts) {
            return new BirthMessage(Protocol.VERSION, boxId, ts, bootId, seq, VERSION, config.firmwareVersion(),
                    config.model(), config.heartbeatS(), applier.runningVersion(), probes.capabilities(), announcedDevices,
                    reporter.outboxDropped(), config.heartbeatS());
        }

        @Override
        public Optional<StatusMessage> status(long seq, long ts) {
            Snapshot s = latest;
            if (s == null) {
                return Optional.empty();
            }
            published = s;
            publishedAtMs = System.currentTimeMillis();
            return Optional.of(s.toStatus(boxId, bootId, seq, ts, config.heartbeatS()));
        }
    }

    /** What the config applier acts on; called on the work thread. */
    private final class Applying implements ConfigTarget {
        @Override
        public void reconfigure(JsonNode body, long version) {
            AgentConfig next = ConfigApplier.effective(base, body);
            ProbeSet old = probes;
            if (old != null) {
                probes = new ProbeSet(probeConfig(next), faults);
                old.close();
            }
            config = next;
            policy = new ReportPolicy(next.heartbeatS(), next.report());
            log.info("{}: running config version {}: status on change and at least every {} s, probe timeout {} ms, {} targets",
                    boxId, version, next.heartbeatS(), next.probeTimeoutMs(), next.probeTargets().size());
        }

        @Override
        public Snapshot probeNow() {
            latest = probes.run();
            return latest;
        }

        @Override
        public boolean camerasProbed() {
            return probes.capabilities().get("camera").available();
        }

        @Override
        public boolean brokerReachable(java.time.Duration wait) {
            long until = System.nanoTime() + wait.toNanos();
            while (!reporter.connected() && System.nanoTime() < until) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return reporter.connected();
        }

        @Override
        public void report(long version, ConfigReported.Result result, String error) {
            reporter.publishConfigReported(version, result, error);
            if (result == ConfigReported.Result.APPLIED) {
                // The birth carries the running version and the new status interval.
                reporter.publishBirth();
            }
        }
    }

    /** What commands act on. */
    private final class Target implements CommandTarget {
        @Override
        public Snapshot probeNow() {
            latest = probes.run();
            return latest;
        }

        @Override
        public Map<String, FfmpegDeepCheck.Result> cameraDeepChecks() {
            return selftestDeepChecks;
        }

        @Override
        public Snapshot probeThoroughly() {
            probes.refreshNetworkChecks(SELFTEST_NETWORK_WAIT);
            return probeNow();
        }

        @Override
        public Optional<String> networkCheckErrors() {
            return Optional.ofNullable(probes.networkCheckErrors());
        }

        @Override
        public Optional<FaultSet> simulate(FaultChange change) {
            return faults == null ? Optional.empty() : Optional.of(faults.apply(change));
        }

        @Override
        public void hang(java.time.Duration d) {
            reporter.hang(d);
            try {
                // The work thread is this box's probing and command handling: a hung box does neither.
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Optional<StatusMessage> publishStatus() {
            return await(reporter.publishStatus()).flatMap(s -> s);
        }

        @Override
        public boolean publishBirth() {
            return await(reporter.publishBirth()).flatMap(b -> b).isPresent();
        }

        /** What the mqtt thread did, or empty when it did not answer in time (then the command reports that). */
        private <T> Optional<T> await(CompletableFuture<T> f) {
            try {
                return Optional.ofNullable(f.get(PUBLISH_WAIT_MS, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException | TimeoutException e) {
                return Optional.empty();
            }
        }

        @Override
        public CompletableFuture<?> reply(IncomingCommand command, boolean ok, JsonNode result, String error) {
            return reporter.reply(command, ok, result, error);
        }
    }
}
