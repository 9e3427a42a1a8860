package org.syncready.agent.config;

/**
 * A configuration that cannot run, with the field at fault. The message is meant for the person who
 * wrote the file: it names the source (file or command line) and the field, and says what is wrong.
 */
public final class ConfigException extends RuntimeException {
    private final String source;
    private final String field;
    private final String problem;

    public ConfigException(String field, String problem) {
        this(null, field, problem);
    }

    private ConfigException(String source, String field, String problem) {
        super((source == null ? "" : source + ": ") + (field == null ? "" : "field '" + field + "' ") + problem,
                null, false, false);
        this.source = source;
        this.field = field;
        this.problem = problem;
    }

    /** The dotted path of the field at fault, e.g. {@code broker.keepAliveS}; null for a whole-file problem. */
    public String field() {
        return field;
    }

    /** The same problem, prefixed with where it came from (a file name, "command line"). */
    ConfigException in(String source) {
        return new ConfigException(source, field, problem);
    }

    boolean hasSource() {
        return source != null;
    }

    /** The same problem for a field further down, e.g. inside {@code agents[2]}. */
    ConfigException under(String prefix) {
        return withField(field == null ? prefix : prefix + "." + field);
    }

    ConfigException withField(String newField) {
        return new ConfigException(source, newField, problem);
    }

    static ConfigException missing(String field) {
        return new ConfigException(field, "is missing");
    }

    static void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ConfigException(field, "must be between " + min + " and " + max + ", was " + value);
        }
    }
}
