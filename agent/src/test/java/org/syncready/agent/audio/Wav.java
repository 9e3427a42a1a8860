package org.syncready.agent.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** WAV fixtures written by the tests themselves: a sine at a known level, silence, a clipped sine. */
final class Wav {
    static final float RATE = 48_000;

    private Wav() {
    }

    /**
     * A 1 kHz sine whose peak is {@code peakDbfs} (above 0 it is clipped at full scale), in the given
     * sample size and byte order; 8 bit is unsigned as WAV stores it.
     */
    static Path sine(Path dir, String name, double peakDbfs, int bits, boolean bigEndian, double seconds) throws IOException {
        int frames = (int) (RATE * seconds);
        int bytes = bits / 8;
        double full = Math.pow(2, bits - 1);
        double amp = full * Math.pow(10, peakDbfs / 20);
        byte[] data = new byte[frames * bytes];
        for (int i = 0; i < frames; i++) {
            double x = amp * Math.sin(2 * Math.PI * 1000 * i / RATE);
            long v = Math.round(Math.max(-full, Math.min(full - 1, x)));
            put(data, i * bytes, v, bytes, bits == 8, bigEndian);
        }
        return write(dir, name, data, new AudioFormat(bits == 8 ? AudioFormat.Encoding.PCM_UNSIGNED : AudioFormat.Encoding.PCM_SIGNED,
                RATE, bits, 1, bytes, RATE, bigEndian), frames);
    }

    static Path silence(Path dir, String name, double seconds) throws IOException {
        int frames = (int) (RATE * seconds);
        return write(dir, name, new byte[frames * 2], new AudioFormat(RATE, 16, 1, true, false), frames);
    }

    private static void put(byte[] d, int off, long v, int bytes, boolean unsigned8, boolean bigEndian) {
        if (unsigned8) {
            d[off] = (byte) (v + 128);
            return;
        }
        for (int k = 0; k < bytes; k++) {
            byte b = (byte) (v >> (8 * k));
            d[bigEndian ? off + bytes - 1 - k : off + k] = b;
        }
    }

    private static Path write(Path dir, String name, byte[] data, AudioFormat format, int frames) throws IOException {
        Path file = dir.resolve(name);
        // WAV has no big-endian PCM above 8 bit; AIFF has, and Java Sound reads both the same way.
        AudioFileFormat.Type type = format.isBigEndian() && format.getSampleSizeInBits() > 8
                ? AudioFileFormat.Type.AIFF : AudioFileFormat.Type.WAVE;
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(data), format, frames), type, file.toFile());
        return file;
    }

    /** Measures a whole file the way a capture is measured. */
    static SignalLevel measure(Path file) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            return LevelMeter.measure(in, Long.MAX_VALUE / 8);
        }
    }
}
