package org.syncready.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.syncready.agent.config.AgentConfig.Broker;
import org.syncready.agent.config.AgentConfig.Camera;
import org.syncready.agent.config.AgentConfig.ConfigApply;
import org.syncready.agent.config.AgentConfig.ControllerLink;
import org.syncready.agent.config.AgentConfig.FlakyMicrophone;
import org.syncready.agent.config.AgentConfig.Microphone;
import org.syncready.agent.config.AgentConfig.Microphones;
import org.syncready.agent.config.AgentConfig.Network;
import org.syncready.agent.config.AgentConfig.Ntp;
import org.syncready.agent.config.AgentConfig.Outbox;
import org.syncready.agent.config.AgentConfig.ProbeMode;
import org.syncready.agent.config.AgentConfig.Probes;
import org.syncready.agent.config.AgentConfig.Simulation;
import org.syncready.agent.config.AgentConfig.Stream;
import org.syncready.agent.config.AgentConfig.Target;
import org.syncready.protocol.FaultSet;

/** Builds a config in code, mostly for tests and the demo fleet; {@link #build()} checks everything. */
public final class AgentConfigBuilder {
    private String boxId;
    private String brokerUri;
    private String username;
    private String password;
    private int keepAliveS = 30;
    private Path caFile;
    private String model = "SR-SIM";
    private String firmwareVersion = "sim-1.0";
    private int statusIntervalS = 10;
    private int probeIntervalS = 2;
    private int probeTimeoutMs = 2000;
    private Path dataDir;
    private ProbeMode probeMode = ProbeMode.SIMULATED;
    private String iface;
    private List<Target> targets = new ArrayList<>();
    private List<Camera> cameras = Simulation.DEFAULT.cameras();
    private List<Microphone> microphones = Simulation.DEFAULT.microphones();
    private FlakyMicrophone flakyMicrophone;
    private FaultSet faults = FaultSet.NONE;
    private List<CameraSource> realCameras = List.of();
    private CameraChecks cameraChecks = CameraChecks.DEFAULT;
    private ConfigApply configApply;
    private Microphones audio;
    private ControllerLink controller;
    private Ntp ntp;
    private Stream stream;
    private Outbox outbox;
    private EquipmentConfig equipment;
    private ReportRules report;

    AgentConfigBuilder(String boxId, String brokerUri, String password) {
        this.boxId = boxId;
        this.brokerUri = brokerUri;
        this.password = password;
    }

    AgentConfigBuilder(AgentConfig c) {
        boxId = c.boxId();
        brokerUri = c.broker().uri();
        username = c.broker().username();
        password = c.broker().password();
        keepAliveS = c.broker().keepAliveS();
        caFile = c.broker().caFile();
        model = c.model();
        firmwareVersion = c.firmwareVersion();
        statusIntervalS = c.statusIntervalS();
        probeIntervalS = c.probeIntervalS();
        probeTimeoutMs = c.probeTimeoutMs();
        dataDir = c.dataDir();
        probeMode = c.probes().mode();
        iface = c.network().iface();
        targets = new ArrayList<>(c.network().targets());
        cameras = c.simulation().cameras();
        microphones = c.simulation().microphones();
        flakyMicrophone = c.simulation().flakyMicrophone();
        faults = c.simulation().faults();
        realCameras = c.cameras();
        report = c.report();
        cameraChecks = c.cameraChecks();
        configApply = c.configApply();
        audio = c.microphones();
        controller = c.controller();
        ntp = c.ntp();
        stream = c.stream();
        outbox = c.outbox();
        equipment = c.equipment();
    }

    public AgentConfigBuilder boxId(String v) {
        boxId = v;
        return this;
    }

    public AgentConfigBuilder brokerUri(String v) {
        brokerUri = v;
        return this;
    }

    public AgentConfigBuilder username(String v) {
        username = v;
        return this;
    }

    public AgentConfigBuilder password(String v) {
        password = v;
        return this;
    }

    /** The controller's CA (PEM) the box pins for {@code ssl://} and {@code https://}. */
    public AgentConfigBuilder caFile(Path v) {
        caFile = v;
        return this;
    }

    public AgentConfigBuilder keepAliveS(int v) {
        keepAliveS = v;
        return this;
    }

    public AgentConfigBuilder model(String v) {
        model = v;
        return this;
    }

    public AgentConfigBuilder firmwareVersion(String v) {
        firmwareVersion = v;
        return this;
    }

    public AgentConfigBuilder statusIntervalS(int v) {
        statusIntervalS = v;
        return this;
    }

    public AgentConfigBuilder probeIntervalS(int v) {
        probeIntervalS = v;
        return this;
    }

    public AgentConfigBuilder probeTimeoutMs(int v) {
        probeTimeoutMs = v;
        return this;
    }

    public AgentConfigBuilder dataDir(Path v) {
        dataDir = v;
        return this;
    }

    public AgentConfigBuilder probeMode(ProbeMode v) {
        probeMode = v;
        return this;
    }

    public AgentConfigBuilder iface(String v) {
        iface = v;
        return this;
    }

    public AgentConfigBuilder target(String name, String host, int port) {
        targets.add(new Target(name, host, port));
        return this;
    }

    public AgentConfigBuilder targets(List<Target> v) {
        targets = new ArrayList<>(v);
        return this;
    }

    public AgentConfigBuilder cameras(List<Camera> v) {
        cameras = v;
        return this;
    }

    public AgentConfigBuilder microphones(List<Microphone> v) {
        microphones = v;
        return this;
    }

    /** Makes microphone {@code id} go silent for the last third of every {@code periodS}. */
    public AgentConfigBuilder flakyMicrophone(String id, int periodS) {
        flakyMicrophone = new FlakyMicrophone(id, periodS);
        return this;
    }

    /** The faults a simulated box starts with. */
    public AgentConfigBuilder faults(FaultSet v) {
        faults = v;
        return this;
    }

    /** The real cameras (probe mode real). */
    public AgentConfigBuilder realCameras(List<CameraSource> v) {
        realCameras = v;
        return this;
    }

    public AgentConfigBuilder cameraChecks(CameraChecks v) {
        cameraChecks = v;
        return this;
    }

    /** Pins the controller's config-signing keys (see {@link ConfigApply}). */
    public AgentConfigBuilder controllerKeys(List<String> keys) {
        configApply = new ConfigApply(keys, configApply == null ? null : configApply.applyHook());
        return this;
    }

    /** Real microphone settings (the simulated ones are {@link #microphones(List)}). */
    public AgentConfigBuilder audio(Microphones v) {
        audio = v;
        return this;
    }

    public AgentConfigBuilder controller(ControllerLink v) {
        controller = v;
        return this;
    }

    public AgentConfigBuilder ntp(Ntp v) {
        ntp = v;
        return this;
    }

    public AgentConfigBuilder stream(Stream v) {
        stream = v;
        return this;
    }

    /** Classroom equipment read over OPC UA. */
    public AgentConfigBuilder equipment(EquipmentConfig v) {
        equipment = v;
        return this;
    }

    public AgentConfigBuilder outbox(Outbox v) {
        outbox = v;
        return this;
    }

    /** Which changes of measured numbers publish a status at once (report by exception). */
    public AgentConfigBuilder report(ReportRules v) {
        report = v;
        return this;
    }

    /** The heartbeat: the longest the box stays silent between two statuses (the same setting as {@link #statusIntervalS}). */
    public AgentConfigBuilder heartbeatS(int v) {
        return statusIntervalS(v);
    }

    public AgentConfig build() {
        return new AgentConfig(boxId, new Broker(brokerUri, username, password, keepAliveS, caFile), model,
                firmwareVersion, statusIntervalS, probeIntervalS, probeTimeoutMs, dataDir,
                new Probes(probeMode), new Network(iface, targets),
                new Simulation(cameras, microphones, flakyMicrophone, faults), realCameras, cameraChecks, configApply,
                audio, controller, ntp, stream, outbox, equipment, report);
    }
}
