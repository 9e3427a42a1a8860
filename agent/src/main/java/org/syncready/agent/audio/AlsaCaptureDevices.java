package org.syncready.agent.audio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The capture devices ALSA lists in {@code /proc/asound} (root injectable for tests): every
 * {@code pcm} line with a {@code capture} stream, named by its card's id from {@code cards}.
 */
public final class AlsaCaptureDevices {
    /** {@code " 0 [PCH            ]: HDA-Intel - HDA Intel PCH"} */
    private static final Pattern CARD = Pattern.compile("^\\s*(\\d+)\\s+\\[([^\\]]+)]\\s*:\\s*(.*)$");
    /** {@code "00-00: ALC892 Analog : ALC892 Analog : playback 1 : capture 1"} */
    private static final Pattern PCM = Pattern.compile("^(\\d+)-(\\d+):\\s*([^:]*):.*$");

    private final Path root;

    public AlsaCaptureDevices(Path root) {
        this.root = root;
    }

    /** Whether ALSA exists on this machine at all (the kernel has sound support and a driver). */
    public boolean present() {
        return Files.isReadable(root.resolve("cards"));
    }

    /** The capture devices, in card/device order; empty when ALSA is absent. */
    public List<AudioDevice> list() throws IOException {
        Map<Integer, String> cardIds = new HashMap<>();
        for (String line : lines(root.resolve("cards"))) {
            Matcher m = CARD.matcher(line);
            if (m.matches()) {
                cardIds.put(Integer.parseInt(m.group(1)), m.group(2).trim());
            }
        }
        List<AudioDevice> out = new ArrayList<>();
        for (String line : lines(root.resolve("pcm"))) {
            Matcher m = PCM.matcher(line);
            if (!m.matches() || !line.contains("capture")) {
                continue;
            }
            int card = Integer.parseInt(m.group(1));
            int device = Integer.parseInt(m.group(2));
            String cardId = cardIds.getOrDefault(card, "card" + card);
            out.add(new AudioDevice("mic-" + cardId.toLowerCase().replaceAll("[^a-z0-9_-]", "") + "-" + device,
                    "hw:" + card + "," + device, m.group(3).trim() + " (" + cardId + ")"));
        }
        return out;
    }

    private static List<String> lines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
