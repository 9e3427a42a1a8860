package org.syncready.agent.audio;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.MicrophoneProbe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;

/**
 * Real microphones: each round captures {@code windowMs} from every microphone (one after the other,
 * so the probe's timeout must cover all windows; see {@link #timeoutMs}) and judges the level.
 * <ul>
 *   <li>silent: the peak stays below {@code silenceFloorDbfs} for the whole window ({@code muted},
 *       state fault): unplugged, switched off, muted, or a dead channel;</li>
 *   <li>clipping: more than {@code clippingShare} of samples at full scale (degraded): gain too high;</li>
 *   <li>absent: a configured device that the box no longer lists;</li>
 *   <li>busy: another program holds the device (degraded, levels unknown): ALSA {@code hw} devices
 *       are exclusive, so a box whose encoder records from the microphone should be configured with a
 *       shared ({@code dsnoop}) device.</li>
 * </ul>
 * With no devices configured, every capture device the box lists is probed.
 */
public final class CaptureMicrophoneProbe implements MicrophoneProbe {
    private final AgentConfig.Microphones settings;
    private final Supplier<List<AudioDevice>> discover;
    private final AudioCapture capture;
    private final String source;

    /**
     * @param discover the devices the box lists now (ALSA, else Java Sound)
     * @param source   where devices come from, for the capability text
     */
    public CaptureMicrophoneProbe(AgentConfig.Microphones settings, Supplier<List<AudioDevice>> discover,
                                  AudioCapture capture, String source) {
        this.settings = settings;
        this.discover = discover;
        this.capture = capture;
        this.source = source;
    }

    /** The probe of this box: ALSA devices from {@code settings.alsaRoot()}, else Java Sound mixers. */
    public static CaptureMicrophoneProbe ofHost(AgentConfig.Microphones settings) {
        AlsaCaptureDevices alsa = new AlsaCaptureDevices(settings.alsaRoot());
        JavaSoundCapture javaSound = new JavaSoundCapture();
        if (alsa.present()) {
            return new CaptureMicrophoneProbe(settings, () -> {
                try {
                    return alsa.list();
                } catch (IOException e) {
                    return List.of();
                }
            }, javaSound, "ALSA " + settings.alsaRoot());
        }
        return new CaptureMicrophoneProbe(settings, javaSound::list, javaSound, "Java Sound");
    }

    /** How long a round may take: every window plus time to open each device. */
    public static long timeoutMs(AgentConfig.Microphones settings, int devices, long base) {
        return base + (long) Math.max(1, devices) * (settings.windowMs() + 250);
    }

    /** The devices this probe will capture from: the configured ones, or every listed one. */
    public List<AgentConfig.AudioInput> inputs() {
        if (!settings.devices().isEmpty()) {
            return settings.devices();
        }
        return discover.get().stream().map(d -> new AgentConfig.AudioInput(d.id(), "room", d.device())).toList();
    }

    @Override
    public Capability capability() {
        List<AudioDevice> listed = discover.get();
        if (settings.devices().isEmpty() && listed.isEmpty()) {
            return new Capability(false, "no capture device found (" + source + ")");
        }
        return new Capability(true, "capture " + settings.windowMs() + " ms per microphone via " + source + "; "
                + listed.size() + " device(s) listed");
    }

    @Override
    public List<MicrophoneStatus> sample() throws InterruptedException {
        List<AudioDevice> listed = discover.get();
        List<MicrophoneStatus> out = new ArrayList<>();
        for (AgentConfig.AudioInput input : inputs()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("microphone round cancelled");
            }
            AudioDevice device = listed.stream().filter(d -> matches(d, input.device())).findFirst().orElse(null);
            if (device == null) {
                out.add(new MicrophoneStatus(input.id(), input.role(), DeviceState.ABSENT, null, null, false, false,
                        "device '" + input.device() + "' not present"));
                continue;
            }
            out.add(judge(input, device));
        }
        return out;
    }

    private MicrophoneStatus judge(AgentConfig.AudioInput input, AudioDevice device) {
        SignalLevel level;
        try {
            level = capture.capture(device, settings.windowMs());
        } catch (DeviceBusyException e) {
            return new MicrophoneStatus(input.id(), input.role(), DeviceState.DEGRADED, null, null, false, false, e.getMessage());
        } catch (Exception e) {
            return new MicrophoneStatus(input.id(), input.role(), DeviceState.FAULT, null, null, false, false,
                    "capture failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        if (level.samples() == 0) {
            return new MicrophoneStatus(input.id(), input.role(), DeviceState.FAULT, null, null, false, false,
                    "capture returned no samples");
        }
        boolean silent = level.peakDbfs() < settings.silenceFloorDbfs();
        boolean clipping = level.clippedShare() > settings.clippingShare();
        DeviceState state = silent ? DeviceState.FAULT : clipping ? DeviceState.DEGRADED : DeviceState.OK;
        String error = silent ? String.format(Locale.ROOT, "silent: peak %.1f dBFS below %.1f dBFS for the whole %d ms window",
                level.peakDbfs(), settings.silenceFloorDbfs(), settings.windowMs())
                : clipping ? String.format(Locale.ROOT, "clipping: %.2f %% of samples at full scale", 100 * level.clippedShare())
                : null;
        return new MicrophoneStatus(input.id(), input.role(), state, level.rmsDbfs(), level.peakDbfs(), silent, clipping, error);
    }

    private static boolean matches(AudioDevice d, String wanted) {
        return d.device().equalsIgnoreCase(wanted) || d.id().equalsIgnoreCase(wanted)
                || d.device().toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT));
    }
}
