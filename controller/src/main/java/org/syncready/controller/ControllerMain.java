package org.syncready.controller;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar syncready-controller.jar [--demo] [--data DIR] [--bind ADDR] [--mqtt-bind ADDR] [--http-bind ADDR] [--tls-cert PEM --tls-key PEM] ...}. */
@Command(name = "syncready-controller", mixinStandardHelpOptions = true, versionProvider = ControllerMain.Version.class,
        description = "SyncReady controller: tracks recording boxes over MQTT and serves the HTTP API.%n"
                + "SyncReady 控制器：通过 MQTT 跟踪录播主机并提供 HTTP API。",
        footer = {"Every option can also be set as an environment variable SYNCREADY_<NAME>, e.g. SYNCREADY_HTTP_PORT=9090,",
                "or as a key of the --config file, e.g. httpPort: 9090 (/etc/syncready/controller.yaml in the Debian package).",
                "First start: SYNCREADY_ADMIN_PASSWORD (environment only) is the password of the user 'admin'; without it a random",
                "one is logged once and written to <data>/admin-password (mode 0600)."})
public final class ControllerMain implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "${env:SYNCREADY_DATA:-syncready-data}",
            description = "Data folder: SQLite file, broker files, demo fleet (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--bind", defaultValue = "${env:SYNCREADY_BIND:-127.0.0.1}",
            description = "Shorthand for --mqtt-bind and --http-bind together (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--mqtt-bind", defaultValue = "${env:SYNCREADY_MQTT_BIND}",
            description = "Address the broker's MQTT over TLS and the UDP echo service listen on: where boxes connect "
                    + "(default: --bind). Plain MQTT stays on 127.0.0.1 unless --allow-plain-on-network.")
    String mqttBind;

    @Option(names = "--http-bind", defaultValue = "${env:SYNCREADY_HTTP_BIND}",
            description = "Address HTTPS listens on (default: --bind). Plain HTTP stays on 127.0.0.1 unless --allow-plain-on-network.")
    String httpBind;

    @Option(names = "--http-port", defaultValue = "${env:SYNCREADY_HTTP_PORT:-8080}", description = "Plain HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--https-port", defaultValue = "${env:SYNCREADY_HTTPS_PORT:-8443}", description = "HTTPS port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int httpsPort;

    @Option(names = "--mqtt-port", defaultValue = "${env:SYNCREADY_MQTT_PORT:-1883}", description = "Embedded broker's plain MQTT port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int mqttPort;

    @Option(names = "--mqtts-port", defaultValue = "${env:SYNCREADY_MQTTS_PORT:-8883}", description = "Embedded broker's MQTT over TLS port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int mqttsPort;

    @Option(names = "--tls-cert", defaultValue = "${env:SYNCREADY_TLS_CERT}",
            description = "PEM certificate chain (server certificate first) for HTTPS and MQTT over TLS; "
                    + "default: the controller's own CA and certificate in <data>/tls/.")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:SYNCREADY_TLS_KEY}", description = "PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-ca", defaultValue = "${env:SYNCREADY_TLS_CA}",
            description = "PEM CA certificate boxes pin with --tls-cert (default: the chain's self-signed root, else the boxes' system trust store).")
    Path tlsCa;

    @Option(names = "--tls-hostnames", split = ",", defaultValue = "${env:SYNCREADY_TLS_HOSTNAMES}",
            description = "Comma-separated host names and addresses the controller's own certificate names "
                    + "(default: this machine's host name and addresses; localhost and 127.0.0.1 always).")
    List<String> tlsHostnames;

    @Option(names = "--allow-plain-on-network", defaultValue = "${env:SYNCREADY_ALLOW_PLAIN_ON_NETWORK:-false}",
            description = "Let plain MQTT and HTTP listen on a non-loopback --mqtt-bind/--http-bind too (logged as a warning: "
                    + "passwords cross the network in clear text).")
    boolean allowPlainOnNetwork;

    @Option(names = "--echo-port", defaultValue = "${env:SYNCREADY_ECHO_PORT:-7947}",
            description = "UDP port of the network-check echo service; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int echoPort;

    @Option(names = "--opcua-port", defaultValue = "${env:SYNCREADY_OPCUA_PORT:-4840}",
            description = "OPC UA server port (opc.tcp, on the --mqtt-bind address: the fleet and readiness for SCADA and "
                    + "building management; docs/OPCUA.md); 0 picks a free one, -1 turns it off (default: ${DEFAULT-VALUE}).")
    int opcuaPort;

    @Option(names = "--broker", defaultValue = "${env:SYNCREADY_BROKER}",
            description = "External broker, e.g. mqtt://broker:1883, instead of the embedded one.")
    String broker;

    @Option(names = "--broker-username", defaultValue = "${env:SYNCREADY_BROKER_USERNAME}", description = "User name at the external broker.")
    String brokerUsername;

    @Option(names = "--broker-password", defaultValue = "${env:SYNCREADY_BROKER_PASSWORD}", description = "Password at the external broker (prefer the environment variable).")
    String brokerPassword;

    @Option(names = "--ingest-group", defaultValue = "${env:SYNCREADY_INGEST_GROUP}",
            description = "Share ingest among controller nodes through this MQTT 5 shared-subscription group.")
    String ingestGroup;

    @Option(names = "--broker-accounts", defaultValue = "${env:SYNCREADY_BROKER_ACCOUNTS:-none}",
            description = "Keep each box's login and topic rights in the external broker: none, or mosquitto-dynsec (Mosquitto 2's "
                    + "dynamic-security plugin; the --broker-username login needs its admin rights; docs/OPERATIONS.md) "
                    + "(default: ${DEFAULT-VALUE}).")
    String brokerAccounts;

    @Option(names = "--emqx-hook-secret-file", defaultValue = "${env:SYNCREADY_EMQX_HOOK_SECRET_FILE}",
            description = "Turns on the HTTP authentication/authorization hook EMQX asks (POST /api/v1/broker/emqx/...): "
                    + "a file readable by its owner only whose first line is the secret EMQX sends in X-SyncReady-Broker-Secret "
                    + "(docs/OPERATIONS.md, \"EMQX\").")
    Path emqxHookSecretFile;

    @Option(names = "--raw-retention-hours", defaultValue = "${env:SYNCREADY_RAW_RETENTION_HOURS:-48}",
            description = "Hours raw status reports are kept (default: ${DEFAULT-VALUE}).")
    int rawRetentionHours;

    @Option(names = "--event-retention-days", defaultValue = "${env:SYNCREADY_EVENT_RETENTION_DAYS:-90}",
            description = "Days presence and device-change events are kept (default: ${DEFAULT-VALUE}).")
    int eventRetentionDays;

    @Option(names = "--demo", defaultValue = "${env:SYNCREADY_DEMO:-false}",
            description = "Create a sample bureau on first start and run 12 simulated boxes. 演示模式。")
    boolean demo;

    @Option(names = "--demo-agent-jar", defaultValue = "${env:SYNCREADY_DEMO_AGENT_JAR}",
            description = "Agent jar the demo runs (default: found next to this jar or in agent/target).")
    Path demoAgentJar;

    @Option(names = "--allow-simulation", defaultValue = "${env:SYNCREADY_ALLOW_SIMULATION:-false}",
            description = "Serve POST /api/v1/boxes/{id}/simulate (fault switches for simulated boxes) without --demo: "
                    + "for tests, training and benchmarks, never production. 允许故障模拟（测试/培训用）。")
    boolean allowSimulation;

    @Option(names = "--time-zone", defaultValue = "${env:SYNCREADY_TIME_ZONE:-Asia/Shanghai}",
            description = "The bureau's time zone: timetables, the day's board and reports (default: ${DEFAULT-VALUE}).")
    String timeZone;

    @Option(names = "--readiness-rules", defaultValue = "${env:SYNCREADY_READINESS_RULES}",
            description = "YAML file with readiness thresholds (default: the packaged rules; see docs/READINESS.md).")
    Path readinessRules;
    @Option(names = "--profiles", defaultValue = "${env:SYNCREADY_PROFILES}",
            description = "Configuration catalogue folder (profiles/ and schemas/, like firmware-configs/); "
                    + "default: the catalogue packaged in this jar.")
    Path profiles;

    @Option(names = "--public-url", defaultValue = "${env:SYNCREADY_PUBLIC_URL}",
            description = "Address people reach the controller at, for links in alert messages, e.g. "
                    + "https://syncready.bureau.example.cn (default: http://<bind>:<http-port>).")
    String publicUrl;

    @Option(names = ControllerConfigFile.OPTION, paramLabel = "FILE", defaultValue = "${env:SYNCREADY_CONFIG}",
            description = "YAML file with a key per option (httpPort, rawRetentionHours, ...); flags and SYNCREADY_* variables override it.")
    Path configFile;

    @Option(names = "--store", defaultValue = "${env:SYNCREADY_STORE:-sqlite}",
            description = "Database: 'sqlite' (the file syncready.db in --data, the default) or postgresql://HOST[:PORT]/DATABASE?user=NAME "
                    + "(several controller nodes on one database; docs/OPERATIONS.md). The password comes from SYNCREADY_STORE_PASSWORD "
                    + "or --store-password-file, never from the URL.")
    String store;

    @Option(names = "--store-password-file", defaultValue = "${env:SYNCREADY_STORE_PASSWORD_FILE}",
            description = "File whose first line is the PostgreSQL password; must be readable by its owner only (chmod 600).")
    Path storePasswordFile;

    @Option(names = "--min-free-disk-mb", defaultValue = "${env:SYNCREADY_MIN_FREE_DISK_MB:-1024}",
            description = "Below this much free space (MB) on the data folder's disk, /health answers 503 (default: ${DEFAULT-VALUE}).")
    long minFreeDiskMb;

    public static void main(String[] args) {
        System.exit(ControllerConfigFile.execute(new CommandLine(new ControllerMain()), args));
    }

    @Override
    public Integer call() throws Exception {
        Controller controller;
        try {
            controller = Controller.start(config());
        } catch (java.io.IOException e) {
            // Expected conditions (database unreachable or refusing the login, data folder not writable): one
            // line, no stack trace; exit 1 lets systemd retry, as the database may come up later.
            System.err.println("syncready-controller: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            controller.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    /** The configuration the parsed options describe; a bad value is a ParameterException naming the option. */
    ControllerConfig config() {
        if (echoPort < 0 || echoPort > 65535) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--echo-port must be 0..65535");
        }
        if (minFreeDiskMb < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--min-free-disk-mb must be >= 0");
        }
        if (rawRetentionHours < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--raw-retention-hours must be >= 1");
        }
        if (eventRetentionDays < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--event-retention-days must be >= 1");
        }
        java.time.ZoneId zone;
        try {
            zone = java.time.ZoneId.of(timeZone);
        } catch (java.time.DateTimeException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--time-zone: unknown zone '" + timeZone
                    + "' (use a region id such as Asia/Shanghai)");
        }
        String brokerUri = broker == null || broker.isBlank() ? null : broker.replaceFirst("^mqtt://", "tcp://");
        try {
            return ControllerConfig.builder(data).bindAddress(bind)
                    .mqttBind(mqttBind == null || mqttBind.isBlank() ? bind : mqttBind)
                    .httpBind(httpBind == null || httpBind.isBlank() ? bind : httpBind)
                    .httpPort(httpPort).mqttPort(mqttPort).httpsPort(httpsPort).mqttsPort(mqttsPort).echoPort(echoPort).opcuaPort(opcuaPort)
                    .tls(tlsCert, tlsKey, tlsCa).tlsHostnames(tlsHostnames).allowPlainOnNetwork(allowPlainOnNetwork)
                    .externalBroker(brokerUri, brokerUsername, brokerPassword).ingestGroup(ingestGroup)
                    .brokerAccounts(BrokerAccountsMode.parse(brokerAccounts))
                    .emqxHookSecret(emqxHookSecret())
                    .rawRetentionHours(rawRetentionHours).demo(demo).demoAgentJar(demoAgentJar)
                    .profilesDir(profiles).zone(zone).readinessRules(readinessRules).publicUrl(publicUrl)
                    .allowSimulation(allowSimulation).minFreeDiskMb(minFreeDiskMb)
                    .eventRetentionDays(eventRetentionDays)
                    .adminPassword(adminPassword())
                    .store(store())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage()
                    .replace("tlsCert", "--tls-cert").replace("tlsKey", "--tls-key").replace("tlsCa", "--tls-ca"));
        }
    }

    /** The EMQX hook's secret from its owner-only file, or null: the hook is off. */
    private String emqxHookSecret() {
        if (emqxHookSecretFile == null) {
            return null;
        }
        try {
            String secret = org.syncready.controller.store.PostgresqlLocation.password(emqxHookSecretFile, name -> null);
            if (secret.length() < 16) {
                // Never the value itself: this message is printed.
                throw new java.io.IOException("the secret must be at least 16 characters (e.g. openssl rand -hex 32)");
            }
            return secret;
        } catch (java.io.IOException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--emqx-hook-secret-file: "
                    + e.getMessage().replace("password file", "secret file"));
        }
    }

    /** The PostgreSQL store the options name with its password, or null for the default SQLite file. */
    private org.syncready.controller.store.PostgresqlLocation store() {
        if (store == null || store.isBlank() || store.strip().equals("sqlite")) {
            if (storePasswordFile != null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--store-password-file needs --store postgresql://...");
            }
            return null;
        }
        try {
            org.syncready.controller.store.PostgresqlLocation location = org.syncready.controller.store.PostgresqlLocation.parse(store.strip());
            return location.withPassword(org.syncready.controller.store.PostgresqlLocation.password(storePasswordFile, System::getenv));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--store: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--store-password-file: " + e.getMessage());
        }
    }

    /**
     * The first start's admin password: only from the environment, never a flag, so it does not show in
     * {@code ps} or the shell history.
     */
    private static String adminPassword() {
        String p = System.getenv("SYNCREADY_ADMIN_PASSWORD");
        return p == null || p.isEmpty() ? null : p;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ControllerMain.class.getPackage().getImplementationVersion();
            return new String[] {"syncready-controller " + (v == null ? "dev" : v)};
        }
    }
}
