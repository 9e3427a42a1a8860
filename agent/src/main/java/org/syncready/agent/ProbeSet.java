package org.syncready.agent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.syncready.agent.camera.FfmpegDeepCheck;
import org.syncready.agent.camera.RealCameraProbe;
import org.syncready.agent.audio.CaptureMicrophoneProbe;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.equipment.OpcUaEquipmentProbe;
import org.syncready.agent.netcheck.NetworkChecks;
import org.syncready.agent.netcheck.QualityNetworkProbe;
import org.syncready.agent.probe.LinkNetworkProbe;
import org.syncready.agent.probe.ProbeResult;
import org.syncready.agent.probe.ProbeRunner;
import org.syncready.agent.probe.Snapshot;
import org.syncready.agent.probe.SystemProbe;
import org.syncready.agent.sim.SimulatedCameraProbe;
import org.syncready.agent.sim.SimulatedFaults;
import org.syncready.agent.sim.SimulatedMicrophoneProbe;
import org.syncready.agent.sim.SimulatedNetworkProbe;
import org.syncready.agent.sim.SimulatedStreamProbe;
import org.syncready.agent.sim.SimulatedSystemProbe;
import org.syncready.agent.stream.FfmpegStreamProbe;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.Capability;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

/**
 * The probes of one agent, chosen by the probe mode, and their assembly into a {@link Snapshot}.
 * The system probe is always the real one (a simulated box still runs on a real machine), with a
 * simulated recording disk on a simulated box.
 */
final class ProbeSet implements AutoCloseable {
    private static final String NOT_YET = "no probe for this on this agent yet";

    private final ProbeRunner runner;
    private final ProbeRunner.Slot<List<CameraStatus>> cameras;
    private final ProbeRunner.Slot<List<MicrophoneStatus>> microphones;
    private final ProbeRunner.Slot<NetworkStatus> network;
    private final ProbeRunner.Slot<SystemStatus> system;
    private final ProbeRunner.Slot<StreamStatus> stream;
    private final ProbeRunner.Slot<List<EquipmentStatus>> equipment;
    private OpcUaEquipmentProbe equipmentProbe;
    private final Map<String, Capability> capabilities = new LinkedHashMap<>();
    private RealCameraProbe realCameras;
    /** The network probe with its periodic checks, when a controller or NTP server is configured. */
    private final QualityNetworkProbe quality;

    ProbeSet(AgentConfig config, SimulatedFaults faults) {
        runner = new ProbeRunner(config.boxId(), Duration.ofMillis(config.probeTimeoutMs()));
        if (config.probes().mode() == AgentConfig.ProbeMode.SIMULATED) {
            // Seeds mixed by SplittableRandom: java.util.Random gives nearly equal first values for
            // neighbouring seeds, and box ids like box-01, box-02 have neighbouring hash codes.
            SplittableRandom seeds = new SplittableRandom(config.boxId().hashCode());
            AgentConfig.Simulation sim = config.simulation();
            cameras = runner.add(new SimulatedCameraProbe(sim.cameras(), faults, seeds.nextLong()));
            microphones = runner.add(new SimulatedMicrophoneProbe(sim.microphones(), sim.flakyMicrophone(), faults,
                    System::currentTimeMillis, seeds.nextLong()));
            network = runner.add(new SimulatedNetworkProbe(config.probeTargets(), faults, seeds.nextLong()));
            quality = null;
            stream = runner.add(new SimulatedStreamProbe(config.boxId(), faults, seeds.nextLong()));
            system = runner.add(new SimulatedSystemProbe(SystemProbe.ofHost(config.dataDir()), faults, seeds.nextLong()));
        } else {
            realCameras = RealCameraProbe.ofHost(config.boxId(), config.cameras(), config.cameraChecks(),
                    Duration.ofMillis(config.probeTimeoutMs() / 2));
            cameras = runner.add(realCameras);
            CaptureMicrophoneProbe mics = CaptureMicrophoneProbe.ofHost(config.microphones());
            // Windows are captured one after the other: the timeout covers them all.
            microphones = runner.add(mics, Duration.ofMillis(CaptureMicrophoneProbe.timeoutMs(config.microphones(),
                    mics.inputs().size(), config.probeTimeoutMs())));
            // The connect timeout stays under the probe timeout, so a black-holed target reads as
            // "unreachable" rather than turning the whole network probe into a timeout.
            LinkNetworkProbe link = LinkNetworkProbe.ofHost(config.network().iface(), config.probeTargets(),
                    Duration.ofMillis(config.probeTimeoutMs() * 3L / 4));
            if (config.controller() != null || config.ntp() != null) {
                // The speed test trusts what MQTT over TLS trusts: the CA pinned at enrollment.
                quality = new QualityNetworkProbe(link, new NetworkChecks(config.boxId(), config.broker().password(),
                        config.controller(), config.ntp(), config.controllerTrust().getSocketFactory()).start());
                network = runner.add(quality);
            } else {
                quality = null;
                network = runner.add(link);
            }
            stream = config.stream() == null ? null : runner.add(new FfmpegStreamProbe(config.stream(),
                    Duration.ofMillis(config.probeTimeoutMs() / 2), System::currentTimeMillis));
            system = runner.add(SystemProbe.ofHost(config.dataDir()));
        }
        // Real equipment in either mode: a simulated box may still read a real classroom controller.
        if (config.equipment().isEmpty()) {
            equipment = null;
        } else {
            equipmentProbe = new OpcUaEquipmentProbe(config.boxId(), config.equipment(), config.dataDir());
            equipment = runner.add(equipmentProbe);
        }
        capabilities.put("camera", cameras == null ? new Capability(false, NOT_YET) : cameras.probe().capability());
        capabilities.put("microphone", microphones == null ? new Capability(false, NOT_YET) : microphones.probe().capability());
        capabilities.put("network", network.probe().capability());
        capabilities.put("system", system.probe().capability());
        if (equipment != null) {
            capabilities.put("equipment", equipment.probe().capability());
        }
        capabilities.put("stream", stream == null ? new Capability(false, config.probes().mode() == AgentConfig.ProbeMode.REAL
                ? "no stream configured (agent.yaml stream:)" : NOT_YET) : stream.probe().capability());
    }

    /** One round of every probe; blocks at most the probe timeout. */
    Snapshot run() {
        runner.runAll();
        return Snapshot.of(System.currentTimeMillis(), last(cameras), last(microphones), last(network),
                last(system), last(stream), last(equipment));
    }

    /** Starts the periodic network checks now, unless they are running already; returns at once. */
    void startNetworkChecks() {
        if (quality != null) {
            quality.start();
        }
    }

    /**
     * Runs the periodic network checks now (or joins the run in progress), waiting at most
     * {@code maxWait}; then a round shows them.
     */
    void refreshNetworkChecks(Duration maxWait) {
        if (quality != null) {
            quality.refresh(maxWait);
        }
    }

    /** Errors of the latest network checks, or null. */
    String networkCheckErrors() {
        return quality == null ? null : quality.checkErrors();
    }

    Map<String, Capability> capabilities() {
        return Map.copyOf(capabilities);
    }

    private static <T> ProbeResult<T> last(ProbeRunner.Slot<T> slot) {
        return slot == null ? null : slot.last();
    }

    /** Starts a deep check of every real camera; completes with camera id → result (empty when simulated). */
    CompletableFuture<Map<String, FfmpegDeepCheck.Result>> deepCheckCameras() {
        return realCameras == null ? CompletableFuture.completedFuture(Map.of()) : realCameras.deepCheckNow();
    }

    @Override
    public void close() {
        runner.close();
        if (realCameras != null) {
            realCameras.close();
        }
        if (quality != null) {
            quality.close();
        }
        if (equipmentProbe != null) {
            equipmentProbe.close();
        }
    }
}
