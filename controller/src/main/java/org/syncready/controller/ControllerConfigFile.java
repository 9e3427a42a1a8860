package org.syncready.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The controller's configuration file ({@code --config FILE}, e.g. {@code /etc/syncready/controller.yaml}):
 * one key per command-line option, the option's long name in camelCase ({@code --http-port} is
 * {@code httpPort}). Precedence, highest first: the flag, its {@code SYNCREADY_*} environment variable,
 * the file, the built-in default. Relative paths in the file are relative to the file's folder. An
 * unknown key, a value that is not a scalar, or a file that cannot be read is an error (exit 2) that
 * names the file and the key, so a typo never silently falls back to a default.
 *
 * <p>Keys come from the options themselves, so a new option gets its key without touching this class.
 */
public final class ControllerConfigFile implements CommandLine.IDefaultValueProvider {
    /** The option that names the file; it has no key of its own. */
    static final String OPTION = "--config";
    private static final Pattern ENV_DEFAULT = Pattern.compile("^\\$\\{env:([A-Za-z0-9_]+)");

    private final Path file;
    private final Map<String, String> values;
    private final UnaryOperator<String> env;

    private ControllerConfigFile(Path file, Map<String, String> values, UnaryOperator<String> env) {
        this.file = file;
        this.values = values;
        this.env = env;
    }

    /**
     * Runs the command line with the configuration file it names ({@code --config FILE} or
     * {@code SYNCREADY_CONFIG}) as the default-value provider; returns the exit code.
     */
    public static int execute(CommandLine cl, String[] args) {
        return execute(cl, args, System::getenv);
    }

    static int execute(CommandLine cl, String[] args, UnaryOperator<String> env) {
        try {
            Path path = fileArgument(args, env);
            if (path != null) {
                cl.setDefaultValueProvider(load(path, cl.getCommandSpec(), env));
            }
        } catch (CommandLine.ParameterException e) {
            PrintWriter err = cl.getErr();
            err.println(e.getMessage());
            err.flush();
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        return cl.execute(args);
    }

    /** The file the command line names, or null; the last {@code --config} wins, like picocli's. */
    static Path fileArgument(String[] args, UnaryOperator<String> env) {
        String value = env.apply("SYNCREADY_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                value = args[++i];
            } else if (args[i].startsWith(OPTION + "=")) {
                value = args[i].substring(OPTION.length() + 1);
            }
        }
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    /** Reads and checks the file against the command's options. */
    static ControllerConfigFile load(Path file, CommandLine.Model.CommandSpec spec, UnaryOperator<String> env) {
        CommandLine cl = spec.commandLine();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(cl, "--config: no such file: " + file);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--config: cannot read " + file + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, OptionSpec> byKey = keys(spec);
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new ControllerConfigFile(file, values, env); // an empty or all-comments file
        }
        if (!root.isObject()) {
            throw new CommandLine.ParameterException(cl, file + ": expected keys and values (e.g. httpPort: 8080)");
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            OptionSpec option = byKey.get(e.getKey());
            JsonNode v = e.getValue();
            if (option == null) {
                problems.add("unknown key '" + e.getKey() + "' (known: " + String.join(", ", byKey.keySet()) + ")");
            } else if (v.isNull()) {
                continue; // "key:" with no value: the default
            } else if (!v.isValueNode()) {
                problems.add(e.getKey() + ": expected one value, not a list or map");
            } else if (option.type() == Path.class) {
                Path p = Path.of(v.asText());
                Path folder = file.toAbsolutePath().getParent();
                values.put(e.getKey(), (p.isAbsolute() || folder == null ? p : folder.resolve(p).normalize()).toString());
            } else {
                values.put(e.getKey(), v.asText());
            }
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(cl, file + ": " + String.join("; ", problems));
        }
        return new ControllerConfigFile(file, values, env);
    }

    /** Every option but --config, help and version, by its key. */
    static Map<String, OptionSpec> keys(CommandLine.Model.CommandSpec spec) {
        Map<String, OptionSpec> keys = new TreeMap<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp() || o.longestName().equals(OPTION)) {
                continue;
            }
            keys.put(key(o.longestName()), o);
        }
        return keys;
    }

    /** {@code --raw-retention-hours} → {@code rawRetentionHours}. */
    static String key(String longName) {
        StringBuilder k = new StringBuilder();
        boolean upper = false;
        for (char c : longName.replaceFirst("^-+", "").toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                k.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return k.toString();
    }

    /** The file this configuration came from. */
    public Path file() {
        return file;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        // The option's environment variable, when set, beats the file: picocli then uses the
        // annotation's ${env:...} default, which reads it.
        String variable = environmentVariable(option);
        if (variable != null && env.apply(variable) != null) {
            return null;
        }
        return values.get(key(option.longestName()));
    }

    /** The SYNCREADY_* variable in the option's annotated default ({@code ${env:SYNCREADY_DATA:-...}}), or null. */
    static String environmentVariable(OptionSpec option) {
        if (option.userObject() instanceof java.lang.reflect.Field f) {
            CommandLine.Option annotation = f.getAnnotation(CommandLine.Option.class);
            Matcher m = ENV_DEFAULT.matcher(annotation == null ? "" : annotation.defaultValue());
            return m.find() ? m.group(1) : null;
        }
        return null;
    }
}
