package org.syncready.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The classroom equipment the box reads over OPC UA (agent.yaml {@code equipment:}): central
 * controllers (中控), power sequencers, displays, environment sensors. Each server is read once per
 * probe round within {@code timeoutMs}; each item is one node with what its value should be.
 *
 * @param timeoutMs how long one round may spend on one server, connecting included (200..30000);
 *                  keep it below {@code probeTimeoutMs} so a dead server reads as "unreachable"
 *                  instead of turning the whole equipment probe into a timeout
 * @param servers   the OPC UA servers and their items; empty: no equipment probe
 */
public record EquipmentConfig(int timeoutMs, List<Server> servers) {
    /** No equipment configured. */
    public static final EquipmentConfig NONE = new EquipmentConfig(1500, List.of());
    /** ns=N; then i=, s=, g= or b= and the identifier: OPC UA's standard text form of a node id. */
    private static final Pattern NODE_ID = Pattern.compile("(ns=\\d{1,5};)?[isgb]=.+");

    public EquipmentConfig {
        ConfigException.range("equipment.timeoutMs", timeoutMs, 200, 30_000);
        servers = servers == null ? List.of() : List.copyOf(servers);
        Set<String> names = new HashSet<>();
        for (int s = 0; s < servers.size(); s++) {
            List<Item> items = servers.get(s).items();
            for (int i = 0; i < items.size(); i++) {
                if (!names.add(items.get(i).name())) {
                    throw new ConfigException("equipment.servers[" + s + "].items[" + i + "].name",
                            "repeats '" + items.get(i).name() + "': item names are unique on the box");
                }
            }
        }
    }

    public boolean isEmpty() {
        return servers.isEmpty();
    }

    /** OPC UA security policy of the connection to one server. */
    public enum Security {
        NONE("none"), BASIC256SHA256("basic256sha256"), AES128_SHA256_RSAOAEP("aes128-sha256-rsaoaep");

        private final String label;

        Security(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Message security with a policy other than none. */
    public enum Mode {
        SIGN("sign"), SIGN_AND_ENCRYPT("sign-and-encrypt");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * One OPC UA server.
     *
     * @param endpoint                {@code opc.tcp://host:port[/path]}, without user info
     * @param security                policy; {@code none} sends everything, a password included, in clear
     * @param mode                    sign or sign-and-encrypt (ignored with security none)
     * @param username                user name token; null: anonymous
     * @param password                its password (inline or from passwordFile); never logged or reported
     * @param serverCertificateSha256 the server certificate's SHA-256 fingerprint (hex, colons allowed):
     *                                the only certificate accepted; null: any certificate is accepted
     *                                (encrypted, but the server is not authenticated)
     * @param items                   the values to read
     */
    public record Server(String endpoint, Security security, Mode mode, String username, String password,
                         String serverCertificateSha256, List<Item> items) {
        private static final String AT = "equipment.servers[].";

        public Server {
            if (endpoint == null || endpoint.isBlank()) {
                throw ConfigException.missing(AT + "endpoint");
            }
            checkEndpoint(endpoint);
            security = security == null ? Security.NONE : security;
            mode = mode == null ? Mode.SIGN_AND_ENCRYPT : mode;
            if (username != null && username.isBlank()) {
                throw new ConfigException(AT + "username", "must not be empty");
            }
            if ((username == null) != (password == null)) {
                throw new ConfigException(username == null ? AT + "username" : AT + "password",
                        "is missing: a user name and a password go together (leave both out for an anonymous login)");
            }
            if (serverCertificateSha256 != null) {
                String hex = serverCertificateSha256.replace(":", "").toLowerCase(Locale.ROOT);
                if (!hex.matches("[0-9a-f]{64}")) {
                    throw new ConfigException(AT + "serverCertificateSha256", "must be 64 hex digits (colons allowed)");
                }
                serverCertificateSha256 = hex;
            }
            items = items == null ? List.of() : List.copyOf(items);
            if (items.isEmpty()) {
                throw new ConfigException(AT + "items", "must list at least one item");
            }
        }

        private static void checkEndpoint(String endpoint) {
            try {
                URI uri = new URI(endpoint);
                if (!"opc.tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
                    throw new ConfigException(AT + "endpoint", "must look like opc.tcp://host:port[/path], was '" + endpoint + "'");
                }
                if (uri.getUserInfo() != null) {
                    throw new ConfigException(AT + "endpoint", "must not contain a user name or password (it is reported): "
                            + "use username and password");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(AT + "endpoint", "must look like opc.tcp://host:port[/path], was '" + endpoint + "'");
            }
        }

        /** Never prints the password: configs end up in logs. */
        @Override
        public String toString() {
            return "Server[endpoint=" + endpoint + ", security=" + security + ", mode=" + mode + ", username=" + username
                    + ", password=" + (password == null ? null : "***") + ", items=" + items + "]";
        }
    }

    /**
     * One value to read and what it should be: {@code expect} (equal to a boolean, number or text), or a
     * range {@code min}..{@code max} (either may be left out), never both.
     *
     * @param name   reported as {@code equipment[].name}; 1..64 characters, unique on the box
     * @param role   what it is: display-power, projector-lamp-hours, room-temperature, power-sequencer, ...
     * @param node   the node id, e.g. {@code ns=2;s=Display.Power} or {@code ns=3;i=1007}
     * @param expect the value it should have (Boolean, Double or String); null when a range is given
     * @param min    lowest good value, inclusive; null: no floor
     * @param max    highest good value, inclusive; null: no ceiling
     * @param unit   reported with the value, e.g. {@code °C}; null: none
     */
    public record Item(String name, String role, String node, Object expect, Double min, Double max, String unit) {
        private static final String AT = "equipment.servers[].items[].";

        public Item {
            if (name == null || name.isBlank() || name.length() > 64) {
                throw new ConfigException(AT + "name", name == null ? "is missing" : "must be 1..64 characters");
            }
            if (role == null || role.isBlank() || role.length() > 64) {
                throw new ConfigException(AT + "role", role == null ? "is missing" : "must be 1..64 characters");
            }
            if (node == null || !NODE_ID.matcher(node).matches()) {
                throw new ConfigException(AT + "node", node == null ? "is missing"
                        : "must be an OPC UA node id such as ns=2;s=Display.Power or ns=3;i=1007, was '" + node + "'");
            }
            if (expect != null && !(expect instanceof Boolean || expect instanceof Double || expect instanceof String)) {
                throw new ConfigException(AT + "expect", "must be true, false, a number or a text");
            }
            if (expect == null && min == null && max == null) {
                throw new ConfigException(AT + "expect", "is missing: give expect (a value) or min and/or max (a range)");
            }
            if (expect != null && (min != null || max != null)) {
                throw new ConfigException(AT + "expect", "cannot be set together with min/max: choose a value or a range");
            }
            if (min != null && max != null && min > max) {
                throw new ConfigException(AT + "min", "must not be above max (" + min + " > " + max + ")");
            }
        }

        /** What the value should be, for people: {@code = true}, {@code 18..28}, {@code >= 1}, {@code <= 2000}. */
        public String expected() {
            if (expect != null) {
                return "= " + (expect instanceof String s ? "\"" + s + "\"" : number(expect));
            }
            if (min != null && max != null) {
                return number(min) + ".." + number(max);
            }
            return min != null ? ">= " + number(min) : "<= " + number(max);
        }

        /**
         * Null when {@code value} is what it should be, otherwise why not, for people. {@code value} is
         * a Boolean, a Number or a String (anything else is compared as its text).
         */
        public String check(Object value) {
            String shown = (value instanceof String ? "\"" + value + "\"" : number(value)) + (unit == null ? "" : " " + unit);
            if (value == null) {
                return "no value";
            }
            if (expect != null) {
                boolean same;
                if (expect instanceof Double d) {
                    same = value instanceof Number n && n.doubleValue() == d;
                } else if (expect instanceof Boolean b) {
                    same = b.equals(value);
                } else {
                    same = expect.equals(value instanceof String ? value : String.valueOf(value));
                }
                return same ? null : shown + ", expected " + expected();
            }
            if (!(value instanceof Number n)) {
                return shown + " is not a number (expected " + expected() + ")";
            }
            double v = n.doubleValue();
            if ((min != null && v < min) || (max != null && v > max) || Double.isNaN(v)) {
                return shown + " is outside " + expected();
            }
            return null;
        }

        private static String number(Object v) {
            if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
                return Long.toString(d.longValue());
            }
            return String.valueOf(v);
        }
    }
}
