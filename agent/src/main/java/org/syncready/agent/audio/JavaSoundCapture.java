package org.syncready.agent.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;

/**
 * Capture through Java Sound. On Linux its direct-audio provider names ALSA devices like
 * {@code "PCH [plughw:0,0]"}, so an ALSA name {@code hw:0,0} is matched through its {@code plughw}
 * twin, which converts to the 16-bit format asked for; any other device string matches a mixer whose
 * name contains it.
 */
public final class JavaSoundCapture implements AudioCapture {
    /** Tried in order: what speech needs, then what cheap USB microphones offer. */
    private static final List<AudioFormat> FORMATS = List.of(
            new AudioFormat(48_000, 16, 1, true, false),
            new AudioFormat(44_100, 16, 1, true, false),
            new AudioFormat(48_000, 16, 2, true, false),
            new AudioFormat(16_000, 16, 1, true, false));

    /** Mixers that can capture, as devices with ids derived from their names. */
    public List<AudioDevice> list() {
        List<AudioDevice> out = new ArrayList<>();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            Mixer mixer = AudioSystem.getMixer(info);
            if (mixer.getTargetLineInfo(new DataLine.Info(TargetDataLine.class, null)).length > 0) {
                out.add(new AudioDevice("mic-" + slug(info.getName()), info.getName(), info.getDescription()));
            }
        }
        return out;
    }

    @Override
    public SignalLevel capture(AudioDevice device, int windowMs) throws Exception {
        Mixer mixer = find(device.device());
        if (mixer == null) {
            throw new IllegalStateException("Java Sound has no capture mixer matching '" + device.device() + "'");
        }
        LineUnavailableException last = null;
        for (AudioFormat format : FORMATS) {
            DataLine.Info info = new DataLine.Info(TargetDataLine.class, format);
            if (!mixer.isLineSupported(info)) {
                continue;
            }
            TargetDataLine line = (TargetDataLine) mixer.getLine(info);
            try {
                line.open(format);
            } catch (LineUnavailableException e) {
                last = e;
                continue;
            }
            try {
                line.start();
                long frames = (long) (format.getFrameRate() * windowMs / 1000);
                return LevelMeter.measure(new AudioInputStream(line), frames);
            } finally {
                line.stop();
                line.close();
            }
        }
        if (last != null) {
            throw new DeviceBusyException("busy or unavailable: " + last.getMessage(), last);
        }
        throw new UnsupportedAudioException("no 16-bit PCM capture format offered by " + mixer.getMixerInfo().getName());
    }

    private static Mixer find(String device) {
        String wanted = device.toLowerCase(Locale.ROOT);
        boolean alsaHw = wanted.startsWith("hw:");
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            String name = info.getName().toLowerCase(Locale.ROOT);
            // The JDK names ALSA mixers "<card> [plughw:C,D]" (or [hw:C,D] when told not to use plughw).
            if (alsaHw ? name.contains("[plug" + wanted + "]") || name.contains("[" + wanted + "]") : name.contains(wanted)) {
                Mixer mixer = AudioSystem.getMixer(info);
                if (mixer.getTargetLineInfo(new DataLine.Info(TargetDataLine.class, null)).length > 0) {
                    return mixer;
                }
            }
        }
        return null;
    }

    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.length() > 56 ? s.substring(0, 56) : s.isEmpty() ? "device" : s;
    }
}
