package org.syncready.agent.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.protocol.Capability;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;

/** The probe's judgement on real ALSA listings (fixtures) and WAV files standing in for captures. */
class CaptureMicrophoneProbeTest {
    @TempDir
    Path dir;
    Path asound;

    @BeforeEach
    void alsaFixture() throws Exception {
        asound = Files.createDirectories(dir.resolve("asound"));
        Files.writeString(asound.resolve("cards"), """
                 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                                      HDA Intel PCH at 0xf7f10000 irq 32
                 1 [Device         ]: USB-Audio - USB PnP Sound Device
                                      C-Media Electronics Inc. USB PnP Sound Device at usb-0000:00:14.0-2, full speed
                """);
        Files.writeString(asound.resolve("pcm"), """
                00-00: ALC892 Analog : ALC892 Analog : playback 1 : capture 1
                00-01: ALC892 Digital : ALC892 Digital : playback 1
                01-00: USB Audio : USB Audio : playback 1 : capture 1
                """);
    }

    @Test
    void alsaListsOnlyCaptureDevicesWithCardIds() throws Exception {
        List<AudioDevice> devices = new AlsaCaptureDevices(asound).list();
        assertEquals(List.of(
                new AudioDevice("mic-pch-0", "hw:0,0", "ALC892 Analog (PCH)"),
                new AudioDevice("mic-device-0", "hw:1,0", "USB Audio (Device)")), devices);
        assertTrue(new AlsaCaptureDevices(asound).present());
        assertFalse(new AlsaCaptureDevices(dir.resolve("none")).present());
        assertEquals(List.of(), new AlsaCaptureDevices(dir.resolve("none")).list());
    }

    @Test
    void judgesEachConfiguredMicrophoneFromItsCapture() throws Exception {
        Map<String, Path> wavs = Map.of(
                "hw:0,0", Wav.sine(dir, "ok.wav", -20, 16, false, 1),
                "hw:1,0", Wav.silence(dir, "silent.wav", 1));
        AgentConfig.Microphones settings = new AgentConfig.Microphones(1000, -60, 0.001, asound, List.of(
                new AgentConfig.AudioInput("mic-teacher", "teacher", "hw:0,0"),
                new AgentConfig.AudioInput("mic-room", "room", "hw:1,0"),
                new AgentConfig.AudioInput("mic-wireless", "teacher", "hw:2,0")));
        CaptureMicrophoneProbe probe = new CaptureMicrophoneProbe(settings, alsa(), wavCapture(wavs), "ALSA fixture");

        List<MicrophoneStatus> s = probe.sample();

        assertEquals(3, s.size());
        MicrophoneStatus ok = s.get(0);
        assertEquals(DeviceState.OK, ok.state());
        assertEquals(-23.0, ok.levelDbfs(), 0.11);
        assertEquals(-20.0, ok.peakDbfs(), 0.11);
        assertFalse(ok.muted());
        assertNull(ok.error());
        MicrophoneStatus silent = s.get(1);
        assertEquals(DeviceState.FAULT, silent.state());
        assertTrue(silent.muted());
        assertTrue(silent.error().startsWith("silent: peak -120.0 dBFS below -60.0 dBFS"), silent.error());
        MicrophoneStatus absent = s.get(2);
        assertEquals(DeviceState.ABSENT, absent.state());
        assertEquals("device 'hw:2,0' not present", absent.error());
    }

    @Test
    void clippingAboveTheConfiguredShareDegrades() throws Exception {
        Map<String, Path> wavs = Map.of("hw:0,0", Wav.sine(dir, "hot.wav", 3, 16, false, 1),
                "hw:1,0", Wav.sine(dir, "quiet.wav", -70, 16, false, 1));
        // A -70 dBFS sine is a real but very quiet signal: with a -80 dBFS floor it is not silent.
        CaptureMicrophoneProbe probe = new CaptureMicrophoneProbe(
                new AgentConfig.Microphones(1000, -80, 0.01, asound, List.of()), alsa(), wavCapture(wavs), "ALSA fixture");
        List<MicrophoneStatus> s = probe.sample();
        assertEquals(List.of("mic-pch-0", "mic-device-0"), s.stream().map(MicrophoneStatus::id).toList());
        assertEquals(DeviceState.DEGRADED, s.get(0).state());
        assertTrue(s.get(0).clipping());
        assertTrue(s.get(0).error().startsWith("clipping: "), s.get(0).error());
        assertEquals(DeviceState.OK, s.get(1).state());
        assertFalse(s.get(1).muted());
    }

    @Test
    void busyAndFailingDevicesAreReportedNotThrown() throws Exception {
        AudioCapture capture = (device, windowMs) -> {
            if (device.device().equals("hw:0,0")) {
                throw new DeviceBusyException("busy or unavailable: Device or resource busy", null);
            }
            throw new IllegalStateException("Input/output error");
        };
        List<MicrophoneStatus> s = new CaptureMicrophoneProbe(
                new AgentConfig.Microphones(500, -60, 0.001, asound, List.of()), alsa(), capture, "ALSA fixture").sample();
        assertEquals(DeviceState.DEGRADED, s.get(0).state());
        assertEquals("busy or unavailable: Device or resource busy", s.get(0).error());
        assertNull(s.get(0).levelDbfs());
        assertEquals(DeviceState.FAULT, s.get(1).state());
        assertEquals("capture failed: Input/output error", s.get(1).error());
    }

    @Test
    void aBoxWithoutCaptureDevicesSaysSoInItsCapability() throws Exception {
        CaptureMicrophoneProbe probe = new CaptureMicrophoneProbe(AgentConfig.Microphones.DEFAULT, List::of,
                (d, w) -> { throw new AssertionError("nothing to capture"); }, "ALSA /nowhere");
        Capability c = probe.capability();
        assertFalse(c.available());
        assertEquals("no capture device found (ALSA /nowhere)", c.detail());
        assertEquals(List.of(), probe.sample());
        assertTrue(new CaptureMicrophoneProbe(AgentConfig.Microphones.DEFAULT, alsa(), (d, w) -> null, "ALSA fixture")
                .capability().available());
    }

    @Test
    void timeoutCoversEveryWindow() {
        assertEquals(2000 + 3 * 1250, CaptureMicrophoneProbe.timeoutMs(AgentConfig.Microphones.DEFAULT, 3, 2000));
        assertEquals(2000 + 1250, CaptureMicrophoneProbe.timeoutMs(AgentConfig.Microphones.DEFAULT, 0, 2000));
    }

    private java.util.function.Supplier<List<AudioDevice>> alsa() {
        AlsaCaptureDevices alsa = new AlsaCaptureDevices(asound);
        return () -> {
            try {
                return alsa.list();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    /** Plays the device's WAV file for the window, measured like a capture. */
    private static AudioCapture wavCapture(Map<String, Path> wavs) {
        return (device, windowMs) -> {
            try (AudioInputStream in = AudioSystem.getAudioInputStream(wavs.get(device.device()).toFile())) {
                return LevelMeter.measure(in, (long) (in.getFormat().getFrameRate() * windowMs / 1000));
            }
        };
    }
}
