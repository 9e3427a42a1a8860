package org.syncready.agent.audio;

/**
 * The level of one capture window. Levels are {@code 20·log10(x / fullScale)}: a full-scale square
 * wave reads 0 dBFS RMS, a full-scale sine −3.01 dBFS RMS and 0 dBFS peak. Digital silence has no
 * logarithm and reads {@link #SILENCE_DBFS}.
 *
 * @param rmsDbfs      RMS level over the window
 * @param peakDbfs     largest absolute sample
 * @param clippedShare share of samples at full scale (0..1)
 * @param samples      samples measured (all channels)
 */
public record SignalLevel(double rmsDbfs, double peakDbfs, double clippedShare, long samples) {
    /** What digital zero reads as: below anything a real converter's noise floor produces. */
    public static final double SILENCE_DBFS = -120.0;

    static double dbfs(double ratio) {
        return ratio <= 0 ? SILENCE_DBFS : Math.max(SILENCE_DBFS, 20 * Math.log10(ratio));
    }
}
