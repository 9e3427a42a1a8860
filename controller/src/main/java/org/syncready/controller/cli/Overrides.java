package org.syncready.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import java.util.regex.Pattern;
import org.syncready.firmware.ConfigLayers;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.firmware.ProfileException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The override layers of {@code rollout start}: {@code --set KEY=VALUE} after a {@code --school} or
 * {@code --box}, and {@code --overrides FILE}. A {@code --set} changes one key and keeps the rest of the
 * stored layer (read from the controller first), so changing one school's stream server does not drop
 * its other overrides; the file replaces layers whole, as the API does.
 *
 * <p>Which target a {@code --set} belongs to depends on the order of the command line, which picocli
 * does not keep for separate options: the consumers below see the options in order and note the last
 * target.
 */
final class Overrides {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A target a --set applies to. */
    record Layer(String kind, String id) {
    }

    /** Why the layers could not be built, and the exit code that says so. */
    static final class Unusable extends Exception {
        private final int exitCode;

        Unusable(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    private Layer last;
    private final Map<Layer, List<String[]>> sets = new LinkedHashMap<>();

    /** Consumes --school, --classroom and --box: adds the id and remembers it as the target of what follows. */
    static final class Scope implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            String option = ((CommandLine.Model.OptionSpec) argSpec).longestName();
            if (args.isEmpty()) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(), "Missing required parameter for option '" + option + "'");
            }
            String id = args.pop();
            List<String> values = argSpec.getValue();
            values.add(id);
            Overrides o = ((SyncReadyCli.Start) commandSpec.userObject()).overrides;
            o.last = new Layer(option.substring(2), id);
        }
    }

    /** Consumes --set KEY=VALUE for the target named before it. */
    static final class Set implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            CommandLine cl = commandSpec.commandLine();
            if (args.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "Missing required parameter for option '--set' (KEY=VALUE)");
            }
            String assignment = args.pop();
            List<String> values = argSpec.getValue();
            values.add(assignment);
            Overrides o = ((SyncReadyCli.Start) commandSpec.userObject()).overrides;
            if (o.last == null) {
                throw new CommandLine.ParameterException(cl, "--set " + assignment + ": put it after the --school or --box "
                        + "whose override layer it changes, e.g. --school remote-hexi --set stream.pushUrl=rtmp://10.1.0.5/live/hexi");
            }
            if (o.last.kind().equals("classroom")) {
                throw new CommandLine.ParameterException(cl, "--set " + assignment + " follows --classroom " + o.last.id()
                        + ": overrides are kept per school and per box; put it after a --school or --box");
            }
            int eq = assignment.indexOf('=');
            String key = eq < 0 ? assignment : assignment.substring(0, eq);
            if (eq < 0 || !KEY.matcher(key).matches()) {
                throw new CommandLine.ParameterException(cl, "--set " + assignment + ": expected KEY=VALUE with KEY a dotted path "
                        + "of configuration keys, e.g. stream.pushUrl=rtmp://10.1.0.5/live/hexi or video.bitrateKbps=2000");
            }
            o.sets.computeIfAbsent(o.last, k -> new ArrayList<>()).add(new String[] {key, assignment.substring(eq + 1)});
        }
    }

    /**
     * The {@code overrides} object of the request, or null when neither --set nor --overrides was given.
     * Reads the stored layers of the targets that have --set from the controller.
     */
    ObjectNode layers(SyncReadyCli cli, Path file) throws Unusable {
        if (file == null && sets.isEmpty()) {
            return null;
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode schools = out.putObject("schools");
        ObjectNode boxes = out.putObject("boxes");
        if (file != null) {
            JsonNode given = readFile(file);
            copyLayers(given, "schools", schools, file);
            copyLayers(given, "boxes", boxes, file);
        }
        for (Map.Entry<Layer, List<String[]>> e : sets.entrySet()) {
            Layer layer = e.getKey();
            ObjectNode into = layer.kind().equals("school") ? schools : boxes;
            JsonNode base = into.has(layer.id()) ? into.get(layer.id()) : stored(cli, layer);
            JsonNode patch = JSON.createObjectNode();
            for (String[] kv : e.getValue()) {
                patch = ConfigLayers.merge(patch, ConfigLayers.setting(kv[0], ConfigLayers.settingValue(kv[1])));
            }
            into.set(layer.id(), ConfigLayers.merge(base == null || !base.isObject() ? JSON.createObjectNode() : base, patch));
        }
        if (schools.isEmpty()) {
            out.remove("schools");
        }
        if (boxes.isEmpty()) {
            out.remove("boxes");
        }
        return out;
    }

    private static JsonNode readFile(Path file) throws Unusable {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Unusable("cannot read --overrides " + file + ": " + e.getMessage(), SyncReadyCli.REFUSED);
        }
        try {
            JsonNode node = ProfileCatalogue.parse(file.getFileName().toString(), text);
            if (node == null || !node.isObject()) {
                throw new Unusable("--overrides " + file + ": expected an object {schools: {ID: {...}}, boxes: {ID: {...}}}",
                        SyncReadyCli.REFUSED);
            }
            List<String> unknown = new ArrayList<>();
            node.fieldNames().forEachRemaining(f -> {
                if (!f.equals("schools") && !f.equals("boxes")) {
                    unknown.add(f);
                }
            });
            if (!unknown.isEmpty()) {
                throw new Unusable("--overrides " + file + ": unknown key(s) " + unknown + "; expected schools and boxes",
                        SyncReadyCli.REFUSED);
            }
            return node;
        } catch (ProfileException e) {
            throw new Unusable("--overrides " + file + " is not valid JSON or YAML: " + e.getMessage(), SyncReadyCli.REFUSED);
        }
    }

    private static void copyLayers(JsonNode given, String kind, ObjectNode into, Path file) throws Unusable {
        JsonNode layers = given.get(kind);
        if (layers == null || layers.isNull()) {
            return;
        }
        if (!layers.isObject()) {
            throw new Unusable("--overrides " + file + ": '" + kind + "' must map ids to override objects", SyncReadyCli.REFUSED);
        }
        into.setAll((ObjectNode) layers);
    }

    /** The layer stored now for a school (read through one of its boxes) or a box; null when there is none. */
    private static JsonNode stored(SyncReadyCli cli, Layer layer) throws Unusable {
        String boxId = layer.id();
        if (layer.kind().equals("school")) {
            JsonNode list = get(cli, "/api/v1/boxes?school=" + SyncReadyCli.enc(layer.id()));
            if (list.isEmpty()) {
                return null; // no box: nothing stored that matters; the controller refuses the target itself
            }
            boxId = list.get(0).path("id").asText();
        }
        JsonNode config = get(cli, "/api/v1/boxes/" + SyncReadyCli.enc(boxId) + "/config");
        JsonNode l = config.path("overrides").path(layer.kind().equals("school") ? "school" : "box");
        return l.isObject() ? l : null;
    }

    private static JsonNode get(SyncReadyCli cli, String path) throws Unusable {
        JsonNode[] answer = new JsonNode[1];
        boolean raw = cli.rawJson;
        cli.rawJson = false;
        int code;
        try {
            code = cli.request("GET", path, null, a -> {
                answer[0] = a;
                return SyncReadyCli.OK;
            });
        } finally {
            cli.rawJson = raw;
        }
        if (code != SyncReadyCli.OK) {
            throw new Unusable("could not read the stored override layer (GET " + path + "), so --set was not applied", code);
        }
        return answer[0];
    }
}
