package org.syncready.agent.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelMeterTest {
    @TempDir
    Path dir;

    @Test
    void sineAtMinus20DbfsReadsItsPeakAndRms3DbLower() throws Exception {
        SignalLevel l = Wav.measure(Wav.sine(dir, "sine.wav", -20, 16, false, 1));
        assertEquals(-20.0, l.peakDbfs(), 0.11);
        assertEquals(-23.0, l.rmsDbfs(), 0.11);
        assertEquals(0.0, l.clippedShare());
        assertEquals(48_000, l.samples());
    }

    @Test
    void quietSineIsMeasuredDownToItsLevel() throws Exception {
        SignalLevel l = Wav.measure(Wav.sine(dir, "quiet.wav", -50, 16, false, 0.5));
        assertEquals(-50.0, l.peakDbfs(), 0.2);
        assertEquals(-53.0, l.rmsDbfs(), 0.2);
    }

    @Test
    void digitalSilenceReadsTheSilenceFloor() throws Exception {
        SignalLevel l = Wav.measure(Wav.silence(dir, "silence.wav", 1));
        assertEquals(SignalLevel.SILENCE_DBFS, l.rmsDbfs());
        assertEquals(SignalLevel.SILENCE_DBFS, l.peakDbfs());
        assertEquals(0.0, l.clippedShare());
    }

    @Test
    void clippedSineHasManySamplesAtFullScale() throws Exception {
        // 6 dB too hot: |sin| is above one half, so at full scale, for about two thirds of every cycle.
        SignalLevel l = Wav.measure(Wav.sine(dir, "clipped.wav", 6, 16, false, 1));
        assertEquals(0.0, l.peakDbfs(), 0.01);
        assertTrue(l.clippedShare() > 0.55 && l.clippedShare() < 0.7, "share " + l.clippedShare());
    }

    @Test
    void otherSampleSizesAndByteOrdersReadTheSameLevel() throws Exception {
        SignalLevel be24 = Wav.measure(Wav.sine(dir, "be24.aiff", -12, 24, true, 0.5));
        SignalLevel le32 = Wav.measure(Wav.sine(dir, "le32.wav", -12, 32, false, 0.5));
        SignalLevel u8 = Wav.measure(Wav.sine(dir, "u8.wav", -12, 8, false, 0.5));
        assertEquals(-12.0, be24.peakDbfs(), 0.11);
        assertEquals(-15.0, be24.rmsDbfs(), 0.11);
        assertEquals(-12.0, le32.peakDbfs(), 0.11);
        // 8 bit has 256 steps: a coarser but still right reading.
        assertEquals(-12.0, u8.peakDbfs(), 0.3);
        assertEquals(-15.0, u8.rmsDbfs(), 0.3);
    }

    @Test
    void floatAndOddFormatsAreRefusedClearly() {
        UnsupportedAudioException e = assertThrows(UnsupportedAudioException.class,
                () -> new LevelMeter(new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, 48_000, 32, 1, 4, 48_000, false)));
        assertTrue(e.getMessage().contains("PCM_FLOAT"), e.getMessage());
        assertThrows(UnsupportedAudioException.class,
                () -> new LevelMeter(new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, 48_000, 12, 1, 2, 48_000, false)));
    }

    @Test
    void emptyWindowAndTrailingPartialSampleAreHandled() {
        LevelMeter m = new LevelMeter(new AudioFormat(48_000, 16, 1, true, false));
        assertEquals(0, m.level().samples());
        assertEquals(SignalLevel.SILENCE_DBFS, m.level().peakDbfs());
        m.add(new byte[]{(byte) 0xff, 0x7f, 0x01}, 3);
        assertEquals(1, m.level().samples());
        assertEquals(0.0, m.level().peakDbfs(), 0.01);
        assertEquals(1.0, m.level().clippedShare());
    }
}
