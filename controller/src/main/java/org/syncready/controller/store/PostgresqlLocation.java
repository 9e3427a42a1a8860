package org.syncready.controller.store;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * Where a PostgreSQL store is: {@code postgresql://HOST[:PORT]/DATABASE?user=NAME[&OTHER=...]}, the
 * other parameters passed to the JDBC driver as they are (e.g. {@code sslmode=verify-full},
 * {@code currentSchema=syncready}). The password is never part of it: a URL shows in {@code ps}, in
 * the shell's history and in logs. It comes from {@link #PASSWORD_VARIABLE} or a file readable by its
 * owner only ({@link #readPasswordFile}); without either the driver looks in {@code ~/.pgpass}.
 * {@link #toString()} leaves the password out.
 */
public record PostgresqlLocation(String host, int port, String database, String user, Map<String, String> parameters,
                                 String password) {
    /** The environment variable that holds the store's password. */
    public static final String PASSWORD_VARIABLE = "SYNCREADY_STORE_PASSWORD";
    private static final int DEFAULT_PORT = 5432;

    public PostgresqlLocation {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** True for a value of {@code --store} that names PostgreSQL rather than the default SQLite file. */
    public static boolean isPostgresql(String store) {
        return store != null && (store.startsWith("postgresql:") || store.startsWith("postgres:"));
    }

    /**
     * Parses {@code postgresql://host:port/db?user=..}; a bad value is an IllegalArgumentException whose
     * message says what is wrong and what is expected (it never repeats a password: one in the URL is refused).
     */
    public static PostgresqlLocation parse(String url) {
        String expected = " (expected postgresql://HOST[:PORT]/DATABASE?user=NAME)";
        if (!isPostgresql(url)) {
            throw new IllegalArgumentException("not a PostgreSQL URL" + expected);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed PostgreSQL URL: " + e.getReason() + expected);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the PostgreSQL URL must not carry user:password@; give ?user=NAME and the password in "
                    + PASSWORD_VARIABLE + " or --store-password-file" + expected);
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("the PostgreSQL URL names no host" + expected);
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (path.isEmpty() || path.contains("/")) {
            throw new IllegalArgumentException("the PostgreSQL URL names no database" + expected);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equalsIgnoreCase("password")) {
                    throw new IllegalArgumentException("the PostgreSQL URL must not carry the password (it would show in ps and logs); "
                            + "set " + PASSWORD_VARIABLE + " or --store-password-file");
                }
                parameters.put(key, value);
            }
        }
        String user = parameters.remove("user");
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("the PostgreSQL URL names no user" + expected);
        }
        return new PostgresqlLocation(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), path, user, parameters, null);
    }

    /** The same location with this password (null: none; the driver then tries ~/.pgpass). */
    public PostgresqlLocation withPassword(String password) {
        return new PostgresqlLocation(host, port, database, user, parameters, password);
    }

    /** The same location with one more driver parameter (tests: {@code currentSchema}). */
    public PostgresqlLocation withParameter(String key, String value) {
        Map<String, String> p = new LinkedHashMap<>(parameters);
        p.put(key, value);
        return new PostgresqlLocation(host, port, database, user, p, password);
    }

    /**
     * The password from {@code file} when one is given, else from the environment ({@link #PASSWORD_VARIABLE}),
     * else null. The file must be readable by its owner only (like ~/.pgpass): a secret in a world-readable
     * file is refused, not used. Its first line is the password.
     */
    public static String password(Path file, UnaryOperator<String> env) throws IOException {
        if (file != null) {
            return readPasswordFile(file);
        }
        String fromEnv = env.apply(PASSWORD_VARIABLE);
        return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
    }

    static String readPasswordFile(Path file) throws IOException {
        try {
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                for (PosixFilePermission p : perms) {
                    if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                        throw new IOException("password file " + file + " is readable by others ("
                                + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); chmod 600 it");
                    }
                }
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String line = text.lines().findFirst().orElse("").strip();
            if (line.isEmpty()) {
                throw new IOException("password file " + file + " is empty");
            }
            return line;
        } catch (NoSuchFileException e) {
            throw new IOException("no such password file: " + file);
        }
    }

    /** The JDBC URL: host, port, database and the extra parameters; never the user's password. */
    String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hostForUrl()).append(':').append(port).append('/')
                .append(database);
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        parameters.forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
        return url.append(query).toString();
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The location as people give it, for logs and errors: no password. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("postgresql://").append(hostForUrl()).append(':').append(port).append('/').append(database)
                .append("?user=").append(user);
        parameters.forEach((k, v) -> s.append('&').append(k).append('=').append(v));
        return s.toString();
    }
}
