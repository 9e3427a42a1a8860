package org.syncready.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** agent.example.yaml as shipped, and with its commented EXAMPLE placeholders uncommented. */
public final class ExampleConfigs {
    /** Surefire runs in the module folder, where the example lives. */
    public static final Path SHIPPED = Path.of("agent.example.yaml");
    /** The commented sections that hold placeholders: uncommenting one yields its example values. */
    static final Set<String> PLACEHOLDER_SECTIONS = Set.of("# network:", "# cameras:", "# ntp:", "# stream:", "  # devices:",
            "# equipment:", "# report:");

    private ExampleConfigs() {
    }

    /**
     * Writes the example with every placeholder section uncommented (the marker line and the lines
     * after it that carry the same "# " prefix) to {@code dir}; returns the file.
     */
    public static Path withPlaceholdersUncommented(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        String prefix = null;
        for (String line : Files.readAllLines(SHIPPED)) {
            if (PLACEHOLDER_SECTIONS.contains(line)) {
                prefix = line.substring(0, line.indexOf('#') + 2);
            } else if (prefix != null && !line.startsWith(prefix)) {
                prefix = null;
            }
            if (prefix != null) {
                String indent = prefix.substring(0, prefix.length() - 2);
                out.add(indent + line.substring(prefix.length()));
            } else {
                out.add(line);
            }
        }
        return Files.write(dir.resolve("agent.examples-uncommented.yaml"), out);
    }
}
