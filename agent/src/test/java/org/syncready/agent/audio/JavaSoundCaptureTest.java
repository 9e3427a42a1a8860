package org.syncready.agent.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Real capture where the machine has a capture device; skipped (with the reason) where it has none. */
class JavaSoundCaptureTest {
    private final JavaSoundCapture capture = new JavaSoundCapture();

    @Test
    void capturesAWindowFromTheFirstRealDevice() throws Exception {
        List<AudioDevice> devices = capture.list();
        assumeTrue(!devices.isEmpty(), "no capture device on this machine (no /proc/asound, Java Sound lists no capture mixer)");
        SignalLevel level = capture.capture(devices.get(0), 200);
        assertTrue(level.samples() > 0, "no samples from " + devices.get(0));
        assertTrue(level.peakDbfs() <= 0.0);
    }

    @Test
    void aDeviceThatDoesNotExistIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> capture.capture(new AudioDevice("mic-x", "hw:97,3", "nothing"), 100));
        assertEquals("Java Sound has no capture mixer matching 'hw:97,3'", e.getMessage());
    }

    @Test
    void mixerNamesBecomeShortIds() {
        assertEquals("pch-plughw-0-0", JavaSoundCapture.slug("PCH [plughw:0,0]"));
        assertEquals("device", JavaSoundCapture.slug("[]"));
    }
}
