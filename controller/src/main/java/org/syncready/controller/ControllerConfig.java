package org.syncready.controller;

import static org.syncready.controller.ListenAddresses.address;
import static org.syncready.controller.ListenAddresses.port;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Everything the controller is started with, checked when built. Build it with
 * {@link #builder(Path)}: every option has a default, so a caller names only what it changes
 * (ControllerMain from the command line, tests with {@link Builder#freePorts()} and a clock).
 */
public final class ControllerConfig {
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_MQTT_PORT = 1883;
    public static final int DEFAULT_ECHO_PORT = 7947;
    public static final int DEFAULT_MQTTS_PORT = 8883;
    public static final int DEFAULT_HTTPS_PORT = 8443;
    /** Where the plain listeners stay when the configured address is on the network and plain is not allowed there. */
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_OPCUA_PORT = 4840;
    /** {@link #opcuaPort()} value that turns the OPC UA server off. */
    public static final int OFF = -1;
    public static final int DEFAULT_RAW_RETENTION_HOURS = 48;
    public static final long DEFAULT_MIN_FREE_DISK_MB = 1024;
    public static final int DEFAULT_EVENT_RETENTION_DAYS = 90;

    private final Path dataDir;
    private final String mqttBind;
    private final String httpBind;
    private final int httpPort;
    private final int mqttPort;
    private final int httpsPort;
    private final int mqttsPort;
    private final Path tlsCert;
    private final Path tlsKey;
    private final Path tlsCa;
    private final List<String> tlsHostnames;
    private final boolean allowPlainOnNetwork;
    private final int echoPort;
    private final String brokerUri;
    private final String brokerUsername;
    private final String brokerPassword;
    private final String ingestGroup;
    private final BrokerAccountsMode brokerAccounts;
    private final String emqxHookSecret;
    private final boolean ingestThroughSubscriber;
    private final int rawRetentionHours;
    private final boolean demo;
    private final Path demoAgentJar;
    private final Path profilesDir;
    private final Clock clock;
    private final ZoneId zone;
    private final Path readinessRules;
    private final String publicUrl;
    private final String adminPassword;
    private final boolean allowSimulation;
    private final int opcuaPort;
    private final java.time.Duration selftestTimeout;
    private final int eventRetentionDays;
    private final long minFreeDiskMb;
    private final org.syncready.controller.store.PostgresqlLocation store;

    private ControllerConfig(Builder b) {
        this.dataDir = b.dataDir;
        this.mqttBind = b.mqttBind;
        this.httpBind = b.httpBind;
        this.httpPort = b.httpPort;
        this.mqttPort = b.mqttPort;
        this.httpsPort = b.httpsPort;
        this.mqttsPort = b.mqttsPort;
        this.tlsCert = b.tlsCert;
        this.tlsKey = b.tlsKey;
        this.tlsCa = b.tlsCa;
        this.tlsHostnames = b.tlsHostnames;
        this.allowPlainOnNetwork = b.allowPlainOnNetwork;
        this.echoPort = b.echoPort;
        this.brokerUri = b.brokerUri;
        this.brokerUsername = b.brokerUsername;
        this.brokerPassword = b.brokerPassword;
        this.ingestGroup = b.ingestGroup;
        this.brokerAccounts = b.brokerAccounts;
        this.emqxHookSecret = b.emqxHookSecret;
        this.ingestThroughSubscriber = b.ingestThroughSubscriber;
        this.rawRetentionHours = b.rawRetentionHours;
        this.demo = b.demo;
        this.demoAgentJar = b.demoAgentJar;
        this.profilesDir = b.profilesDir;
        this.clock = b.clock;
        this.zone = b.zone;
        this.readinessRules = b.readinessRules;
        this.publicUrl = b.publicUrl;
        this.adminPassword = b.adminPassword;
        this.allowSimulation = b.allowSimulation;
        this.opcuaPort = b.opcuaPort;
        this.selftestTimeout = b.selftestTimeout;
        this.eventRetentionDays = b.eventRetentionDays;
        this.minFreeDiskMb = b.minFreeDiskMb;
        this.store = b.store;
    }

    /**
     * A controller with its data in {@code dataDir} and every default: embedded broker, loopback,
     * HTTP 8080, HTTPS 8443, MQTT 1883, MQTT over TLS 8883, UDP echo 7947, OPC UA 4840, its own CA and server
     * certificate, raw reports kept 48 h, the packaged catalogue and rules, the system clock, Asia/Shanghai.
     */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** A builder that starts from this config, to change an option or two. */
    public Builder toBuilder() {
        return new Builder(dataDir).mqttBind(mqttBind).httpBind(httpBind).httpPort(httpPort).mqttPort(mqttPort)
                .httpsPort(httpsPort).mqttsPort(mqttsPort).echoPort(echoPort).tls(tlsCert, tlsKey, tlsCa)
                .tlsHostnames(tlsHostnames).allowPlainOnNetwork(allowPlainOnNetwork)
                .opcuaPort(opcuaPort).externalBroker(brokerUri, brokerUsername, brokerPassword).ingestGroup(ingestGroup).ingestThroughSubscriber(ingestThroughSubscriber)
                .brokerAccounts(brokerAccounts)
                .emqxHookSecret(emqxHookSecret)
                .rawRetentionHours(rawRetentionHours).demo(demo).demoAgentJar(demoAgentJar).profilesDir(profilesDir)
                .clock(clock).zone(zone).readinessRules(readinessRules).allowSimulation(allowSimulation)
                .selftestTimeout(selftestTimeout)
                .minFreeDiskMb(minFreeDiskMb).eventRetentionDays(eventRetentionDays).adminPassword(adminPassword)
                .publicUrl(publicUrl).store(store);
    }

    /** SQLite file, broker files, signing keys, demo fleet. */
    public Path dataDir() {
        return dataDir;
    }

    /** Address the embedded broker (MQTT over TLS), the UDP echo service and the OPC UA server listen on: where boxes and plant systems connect. */
    public String mqttBind() {
        return mqttBind;
    }

    /** Address HTTPS listens on: where people and boxes (enrollment, speed tests) reach the API. */
    public String httpBind() {
        return httpBind;
    }

    /**
     * Where plain MQTT listens: {@link #mqttBind()} when that is a loopback address or plain is allowed
     * on the network, else {@link #LOOPBACK} (the controller's own client, tools on this machine).
     */
    public String plainMqttBind() {
        return plainBind(mqttBind);
    }

    /** Where plain HTTP listens, by the rule of {@link #plainMqttBind()}. */
    public String plainHttpBind() {
        return plainBind(httpBind);
    }

    /** Plain HTTP and MQTT on a non-loopback address, asked for with {@code --allow-plain-on-network}. */
    public boolean allowPlainOnNetwork() {
        return allowPlainOnNetwork;
    }

    /** Plain HTTP's port; 0: a free one, logged. */
    public int httpPort() {
        return httpPort;
    }

    /** The embedded broker's plain port; 0: a free one, logged. */
    public int mqttPort() {
        return mqttPort;
    }

    /** HTTPS's port; 0: a free one, logged. */
    public int httpsPort() {
        return httpsPort;
    }

    /** The embedded broker's MQTT-over-TLS port; 0: a free one, logged. */
    public int mqttsPort() {
        return mqttsPort;
    }

    /** The operator's certificate chain (PEM); null: the controller's own CA and certificate. */
    public Path tlsCert() {
        return tlsCert;
    }

    /** The key of {@link #tlsCert()} (PEM). */
    public Path tlsKey() {
        return tlsKey;
    }

    /** The CA certificate boxes pin when {@link #tlsCert()} is given; null: the chain's self-signed root, else the boxes' system trust store. */
    public Path tlsCa() {
        return tlsCa;
    }

    /** Names and addresses the controller's own server certificate covers; empty: this machine's. */
    public List<String> tlsHostnames() {
        return tlsHostnames;
    }

    private String plainBind(String configured) {
        return allowPlainOnNetwork || ListenAddresses.isLoopback(configured) ? configured : LOOPBACK;
    }

    /** The UDP echo service's port; 0: a free one, logged. */
    public int echoPort() {
        return echoPort;
    }

    /** The external broker ({@code tcp://host:port}); null means the embedded one. */
    public String brokerUri() {
        return brokerUri;
    }

    /** User name at the external broker; null: the controller's own. */
    public String brokerUsername() {
        return brokerUsername;
    }

    /** Password at the external broker; null: none. */
    public String brokerPassword() {
        return brokerPassword;
    }

    /** MQTT 5 shared-subscription group several controller nodes share ingest through; null: none. */
    public String ingestGroup() {
        return ingestGroup;
    }

    /** Where the boxes' broker accounts are kept besides the registry: nowhere (embedded broker, or the operator), or Mosquitto's dynamic security. */
    public BrokerAccountsMode brokerAccounts() {
        return brokerAccounts;
    }

    /** The secret EMQX sends when it asks the controller's hook (docs/OPERATIONS.md, "EMQX"); null: the hook is off. */
    public String emqxHookSecret() {
        return emqxHookSecret;
    }

    /** Embedded broker: ingest through the controller's MQTT subscription, not inside the broker (benchmark, fallback). */
    public boolean ingestThroughSubscriber() {
        return ingestThroughSubscriber;
    }

    public int rawRetentionHours() {
        return rawRetentionHours;
    }

    /** Seed a sample bureau on first start and run the simulated demo fleet. */
    public boolean demo() {
        return demo;
    }

    /** The agent jar the demo fleet runs; null: found next to the controller jar or in agent/target. */
    public Path demoAgentJar() {
        return demoAgentJar;
    }

    /** The configuration catalogue folder ({@code profiles/} and {@code schemas/}); null: the packaged catalogue. */
    public Path profilesDir() {
        return profilesDir;
    }

    /** Where the schedule, readiness checks, rollouts, guards and drift read the time (tests move it). */
    public Clock clock() {
        return clock;
    }

    /** The bureau's time zone: timetables, the day's board, reports. */
    public ZoneId zone() {
        return zone;
    }

    /** Readiness rules file; null: the packaged defaults. */
    public Path readinessRules() {
        return readinessRules;
    }

    /**
     * The address people reach the controller at, for links in alert messages (the session, the
     * acknowledge link), e.g. {@code https://syncready.bureau.example.cn}; null: {@code http://}
     * the bind address and the HTTP port.
     */
    public String publicUrl() {
        return publicUrl;
    }

    /**
     * The password the first start gives the user {@code admin} ({@code SYNCREADY_ADMIN_PASSWORD}); null:
     * a random one, logged once and written to {@code admin-password} in the data folder. Used only
     * while the database has no user.
     */
    public String adminPassword() {
        return adminPassword;
    }

    /** Serve {@code POST /api/v1/boxes/{id}/simulate} without the demo (tests, training; docs/SIMULATION.md). */
    public boolean allowSimulation() {
        return allowSimulation;
    }

    /** Below this much free space (MB) on the data folder's disk, {@code /health} answers 503. */
    public long minFreeDiskMb() {
        return minFreeDiskMb;
    }

    /** The PostgreSQL store ({@code --store postgresql://...}); null: the SQLite file in the data folder (the default). */
    public org.syncready.controller.store.PostgresqlLocation store() {
        return store;
    }

    /** How long device and presence events are kept (days). */
    public int eventRetentionDays() {
        return eventRetentionDays;
    }

    /** The OPC UA server's port (opc.tcp); 0: a free one, logged; {@link #OFF}: no OPC UA server. */
    public int opcuaPort() {
        return opcuaPort;
    }

    /** Whether {@code POST /api/v1/boxes/{id}/simulate} is served: in the demo, or when allowed explicitly. */
    public boolean simulationAllowed() {
        return demo || allowSimulation;
    }

    /** How long {@code POST /api/v1/boxes/{id}/selftest} waits for the box (60 s; shorter in tests). */
    public java.time.Duration selftestTimeout() {
        return selftestTimeout;
    }

    public boolean embeddedBroker() {
        return brokerUri == null;
    }

    /** Without the passwords: a configuration may be logged. */
    @Override
    public String toString() {
        return "ControllerConfig[data=" + dataDir + ", mqttBind=" + mqttBind + ", httpBind=" + httpBind + ", http=" + httpPort
                + ", https=" + httpsPort + ", mqtt=" + mqttPort + ", mqtts=" + mqttsPort + ", tlsCert=" + tlsCert
                + ", broker=" + (brokerUri == null ? "embedded" : brokerUri) + ", brokerPassword=" + (brokerPassword == null ? "none" : "***")
                + ", brokerAccounts=" + brokerAccounts + ", emqxHook=" + (emqxHookSecret == null ? "off" : "on")
                + ", store=" + (store == null ? "sqlite" : store) // PostgresqlLocation's toString leaves the password out
                + ", demo=" + demo + ", adminPassword=" + (adminPassword == null ? "none" : "***") + "]";
    }

    /** Sets options one by one; {@link #build()} checks them. */
    public static final class Builder {
        private final Path dataDir;
        private String mqttBind = LOOPBACK;
        private String httpBind = LOOPBACK;
        private int httpPort = DEFAULT_HTTP_PORT;
        private int mqttPort = DEFAULT_MQTT_PORT;
        private int httpsPort = DEFAULT_HTTPS_PORT;
        private int mqttsPort = DEFAULT_MQTTS_PORT;
        private Path tlsCert;
        private Path tlsKey;
        private Path tlsCa;
        private List<String> tlsHostnames = List.of();
        private boolean allowPlainOnNetwork;
        private int echoPort = DEFAULT_ECHO_PORT;
        private String brokerUri;
        private String brokerUsername;
        private String brokerPassword;
        private String ingestGroup;
        private BrokerAccountsMode brokerAccounts = BrokerAccountsMode.NONE;
        private String emqxHookSecret;
        private boolean ingestThroughSubscriber;
        private int rawRetentionHours = DEFAULT_RAW_RETENTION_HOURS;
        private boolean demo;
        private Path demoAgentJar;
        private Path profilesDir;
        private Clock clock = Clock.systemUTC();
        private ZoneId zone = DEFAULT_ZONE;
        private Path readinessRules;
        private String publicUrl;
        private String adminPassword;
        private boolean allowSimulation;
        private int opcuaPort = DEFAULT_OPCUA_PORT;
        private java.time.Duration selftestTimeout = java.time.Duration.ofSeconds(60);
        private int eventRetentionDays = DEFAULT_EVENT_RETENTION_DAYS;
        private long minFreeDiskMb = DEFAULT_MIN_FREE_DISK_MB;
        private org.syncready.controller.store.PostgresqlLocation store;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** Shorthand: the broker's and the API's address at once ({@code --bind}). */
        public Builder bindAddress(String v) {
            return mqttBind(v).httpBind(v);
        }

        public Builder mqttBind(String v) {
            mqttBind = address(v, "mqttBind");
            return this;
        }

        public Builder httpBind(String v) {
            httpBind = address(v, "httpBind");
            return this;
        }

        public Builder httpsPort(int v) {
            httpsPort = port(v, "httpsPort");
            return this;
        }

        public Builder mqttsPort(int v) {
            mqttsPort = port(v, "mqttsPort");
            return this;
        }

        /**
         * The operator's certificate chain and key (PEM), and optionally the CA boxes pin; all null:
         * the controller's own. A certificate without its key (or the reverse) is refused at build.
         */
        public Builder tls(Path cert, Path key, Path ca) {
            tlsCert = cert;
            tlsKey = key;
            tlsCa = ca;
            return this;
        }

        public Builder tlsHostnames(List<String> v) {
            tlsHostnames = v == null ? List.of() : v.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            return this;
        }

        public Builder allowPlainOnNetwork(boolean v) {
            allowPlainOnNetwork = v;
            return this;
        }

        public Builder httpPort(int v) {
            httpPort = port(v, "httpPort");
            return this;
        }

        public Builder mqttPort(int v) {
            mqttPort = port(v, "mqttPort");
            return this;
        }

        public Builder echoPort(int v) {
            echoPort = port(v, "echoPort");
            return this;
        }

        /** The OPC UA server's port; 0: a free one; {@link ControllerConfig#OFF} (-1): no OPC UA server. */
        public Builder opcuaPort(int v) {
            opcuaPort = v == OFF ? OFF : port(v, "opcuaPort (or -1: off)");
            return this;
        }

        /** HTTP, HTTPS, MQTT, MQTT over TLS, UDP echo and OPC UA on free ports (tests, several controllers on one machine). */
        public Builder freePorts() {
            return httpPort(0).mqttPort(0).httpsPort(0).mqttsPort(0).echoPort(0).opcuaPort(0);
        }

        /**
         * An external broker instead of the embedded one; {@code uri} null keeps the embedded broker.
         * {@code username} and {@code password} may be null.
         */
        public Builder externalBroker(String uri, String username, String password) {
            brokerUri = uri;
            brokerUsername = username;
            brokerPassword = password;
            return this;
        }

        public Builder emqxHookSecret(String v) {
            emqxHookSecret = v == null || v.isBlank() ? null : v;
            return this;
        }

        public Builder ingestGroup(String v) {
            ingestGroup = v;
            return this;
        }

        /** Where the boxes' broker accounts are kept; null: {@link BrokerAccountsMode#NONE}. */
        public Builder brokerAccounts(BrokerAccountsMode v) {
            brokerAccounts = v == null ? BrokerAccountsMode.NONE : v;
            return this;
        }

        public Builder ingestThroughSubscriber(boolean v) {
            ingestThroughSubscriber = v;
            return this;
        }

        public Builder rawRetentionHours(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("rawRetentionHours must be >= 1, was " + v);
            }
            rawRetentionHours = v;
            return this;
        }

        public Builder demo(boolean v) {
            demo = v;
            return this;
        }

        public Builder demoAgentJar(Path v) {
            demoAgentJar = v;
            return this;
        }

        public Builder profilesDir(Path v) {
            profilesDir = v;
            return this;
        }

        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        public Builder zone(ZoneId v) {
            zone = Objects.requireNonNull(v, "zone");
            return this;
        }

        /** A PostgreSQL store (password included); null: the SQLite file in the data folder. */
        public Builder store(org.syncready.controller.store.PostgresqlLocation v) {
            store = v;
            return this;
        }

        public Builder minFreeDiskMb(long v) {
            minFreeDiskMb = v;
            return this;
        }

        public Builder eventRetentionDays(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("eventRetentionDays must be >= 1, was " + v);
            }
            eventRetentionDays = v;
            return this;
        }

        public Builder allowSimulation(boolean v) {
            allowSimulation = v;
            return this;
        }

        /** Not a command-line option: a technician's self-test waits 60 s; tests shorten it. */
        public Builder selftestTimeout(java.time.Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("selftestTimeout must be positive, was " + v);
            }
            selftestTimeout = v;
            return this;
        }

        public Builder readinessRules(Path v) {
            readinessRules = v;
            return this;
        }

        /** An http(s) URL without query; null: derived from the bind address and HTTP port. */
        public Builder publicUrl(String v) {
            if (v != null && !v.isBlank()) {
                java.net.URI u;
                try {
                    u = new java.net.URI(v.strip());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException("publicUrl is not a URL: " + e.getMessage());
                }
                if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getRawQuery() != null) {
                    throw new IllegalArgumentException("publicUrl must be an http(s) URL with a host and no query, e.g."
                            + " https://syncready.bureau.example.cn, was " + v);
                }
                publicUrl = v.strip();
            } else {
                publicUrl = null;
            }
            return this;
        }

        /** The first start's {@code admin} password; null: a random one (see {@link ControllerConfig#adminPassword()}). */
        public Builder adminPassword(String v) {
            adminPassword = v == null || v.isEmpty() ? null : v;
            return this;
        }

        public ControllerConfig build() {
            org.syncready.controller.tls.TlsIdentity.checkFileOptions(tlsCert, tlsKey, tlsCa);
            brokerAccounts.checkBroker(brokerUri, brokerUsername);
            return new ControllerConfig(this);
        }
    }
}
