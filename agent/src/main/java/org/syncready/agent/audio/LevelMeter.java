package org.syncready.agent.audio;

import java.io.IOException;
import java.io.InputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;

/**
 * Measures RMS, peak and clipping of integer PCM (8-bit unsigned or signed, 16/24/32-bit signed,
 * either byte order, any channel count: every channel's samples count alike). A sample counts as
 * clipped when it is at full scale in either direction, which is where a converter's output sticks
 * when the input is too loud.
 */
public final class LevelMeter {
    private final AudioFormat format;
    private final int bytesPerSample;
    private final boolean signed;
    private final boolean bigEndian;
    private final double fullScale;
    private final long clipAt;
    private double sumSquares;
    private long peak;
    private long clipped;
    private long samples;

    /** @throws UnsupportedAudioException for float, compressed or odd-sized sample formats */
    public LevelMeter(AudioFormat format) {
        this.format = format;
        AudioFormat.Encoding enc = format.getEncoding();
        int bits = format.getSampleSizeInBits();
        signed = AudioFormat.Encoding.PCM_SIGNED.equals(enc);
        if (!signed && !(AudioFormat.Encoding.PCM_UNSIGNED.equals(enc) && bits == 8)) {
            throw new UnsupportedAudioException("unsupported sample encoding " + enc + " " + bits + " bit");
        }
        if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
            throw new UnsupportedAudioException("unsupported sample size " + bits + " bit");
        }
        bytesPerSample = bits / 8;
        bigEndian = format.isBigEndian();
        fullScale = Math.pow(2, bits - 1);
        clipAt = (long) fullScale - 1;
    }

    /** Measures every whole sample in {@code buf[0..len)}; a trailing partial sample is ignored. */
    public void add(byte[] buf, int len) {
        for (int i = 0; i + bytesPerSample <= len; i += bytesPerSample) {
            long v = sample(buf, i);
            long abs = Math.abs(v);
            sumSquares += (double) v * v;
            peak = Math.max(peak, abs);
            if (abs >= clipAt) {
                clipped++;
            }
            samples++;
        }
    }

    private long sample(byte[] b, int off) {
        if (bytesPerSample == 1) {
            return signed ? b[off] : (b[off] & 0xff) - 128;
        }
        long v = 0;
        for (int k = 0; k < bytesPerSample; k++) {
            int idx = bigEndian ? off + k : off + bytesPerSample - 1 - k;
            // The most significant byte keeps its sign, the rest are unsigned.
            v = k == 0 ? b[idx] : (v << 8) | (b[idx] & 0xff);
        }
        return v;
    }

    /** The level so far; a window without samples reads as silence. */
    public SignalLevel level() {
        if (samples == 0) {
            return new SignalLevel(SignalLevel.SILENCE_DBFS, SignalLevel.SILENCE_DBFS, 0, 0);
        }
        double rms = Math.sqrt(sumSquares / samples);
        return new SignalLevel(round1(SignalLevel.dbfs(rms / fullScale)), round1(SignalLevel.dbfs(peak / fullScale)),
                (double) clipped / samples, samples);
    }

    /** Reads {@code in} until {@code maxFrames} frames or its end, and measures them. */
    public static SignalLevel measure(AudioInputStream in, long maxFrames) throws IOException {
        LevelMeter meter = new LevelMeter(in.getFormat());
        meter.read(in, maxFrames * in.getFormat().getFrameSize());
        return meter.level();
    }

    void read(InputStream in, long maxBytes) throws IOException {
        int frame = Math.max(1, format.getFrameSize());
        byte[] buf = new byte[Math.max(frame, 4096 / frame * frame)];
        long left = maxBytes;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                break;
            }
            add(buf, n);
            left -= n;
        }
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
