package org.syncready.agent;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.ConfigException;
import org.syncready.agent.config.ConfigLoader;
import org.syncready.agent.enroll.EnrollCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: {@code java -jar syncready-agent.jar --config agent.yaml}, flags overriding the
 * file; or {@code --fleet fleet.yaml} for several simulated agents in one JVM; or
 * {@code enroll --controller URL --code CODE} to enroll the box first ({@link EnrollCommand}). Runs until SIGTERM,
 * then stops cleanly (offline state, DISCONNECT). Exit code 2 means the configuration is wrong.
 */
@Command(name = "syncready-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, subcommands = EnrollCommand.class,
        description = {"Reports a classroom recording box's cameras, microphones, network and system to the SyncReady controller over MQTT 5.",
                "同步课堂录播主机代理：通过 MQTT 5 向 SyncReady 控制器报告摄像头、麦克风、网络和系统状态。", ""},
        footer = {"",
                "Configuration: every field of agent.yaml is commented in the shipped file (/etc/syncready/agent.yaml in the",
                "Debian package, agent.example.yaml in the source); the flags above override it. Without cameras or",
                "microphones in it, the agent reports the V4L2 cameras and ALSA capture devices it finds.",
                "",
                "Exit codes:",
                "  143 stopped by SIGTERM (130 by SIGINT), cleanly: offline state published, then DISCONNECT",
                "  2   bad configuration or command line: the message names the file and field (not restarted)",
                "  75  restart requested by the controller (restart-agent command; systemd starts it again)",
                "",
                "Files (Debian package):",
                "  /etc/syncready/agent.yaml        configuration (mode 0640 root:syncready: it holds the box secret)",
                "  /etc/default/syncready-agent     JAVA_OPTS and MALLOC_ARENA_MAX (small-footprint JVM flags)",
                "  /var/lib/syncready               state: outbox, last good configuration",
                "",
                "Environment: JAVA_OPTS, JAVA_HOME and MALLOC_ARENA_MAX are read by /usr/bin/syncready-agent.",
                "Logs: one line per event on standard output, with the box id (journalctl -u syncready-agent).",
                "See also: syncready-agent(1), docs/PROBES.md, protocols/PROTOCOL.md."})
public final class AgentMain implements Callable<Integer> {
    static final int CONFIG_ERROR = 2;

    @Option(names = "--config", paramLabel = "FILE", description = "agent.yaml of this box")
    Path config;

    @Option(names = "--fleet", paramLabel = "FILE", description = "fleet.yaml: run several simulated agents in this JVM (demo)")
    Path fleet;

    @Option(names = "--change-per-minute", paramLabel = "PERCENT",
            description = "with --fleet: share of the agents that publish a status per minute as on a significant change (e.g. 1%%), on top of their heartbeat")
    String changePerMinute;

    @Option(names = "--box-id", paramLabel = "ID", description = "overrides boxId")
    String boxId;

    @Option(names = "--broker", paramLabel = "URI", description = "overrides broker.uri, e.g. tcp://controller:1883")
    String broker;

    @Option(names = "--username", paramLabel = "NAME", description = "overrides broker.username (default: the box id)")
    String username;

    @Option(names = "--password", paramLabel = "SECRET", description = "overrides broker.password (visible in ps: prefer --password-file)")
    String password;

    @Option(names = "--password-file", paramLabel = "FILE", description = "overrides broker.passwordFile")
    Path passwordFile;

    @Option(names = "--keep-alive", paramLabel = "SECONDS", description = "overrides broker.keepAliveS")
    Integer keepAlive;

    @Option(names = "--model", paramLabel = "MODEL", description = "overrides model")
    String model;

    @Option(names = "--firmware-version", paramLabel = "VERSION", description = "overrides firmwareVersion")
    String firmwareVersion;

    @Option(names = {"--heartbeat", "--status-interval"}, paramLabel = "SECONDS",
            description = "overrides heartbeatS (old name statusIntervalS): a status at least this often, and at once on a significant change")
    Integer statusInterval;

    @Option(names = "--probe-interval", paramLabel = "SECONDS", description = "overrides probeIntervalS")
    Integer probeInterval;

    @Option(names = "--probe-timeout", paramLabel = "MS", description = "overrides probeTimeoutMs")
    Integer probeTimeout;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "overrides dataDir")
    Path dataDir;

    @Option(names = "--probes", paramLabel = "MODE", description = "overrides probes.mode: real or simulated")
    String probes;

    @Option(names = "--iface", paramLabel = "NAME", description = "overrides network.iface")
    String iface;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentMain()).execute(args));
    }

    @Override
    public Integer call() {
        List<AgentConfig> configs;
        double changeShare;
        try {
            configs = configs();
            changeShare = changeShare();
        } catch (ConfigException e) {
            PrintWriter err = new PrintWriter(System.err, true);
            err.println("syncready-agent: " + e.getMessage());
            return CONFIG_ERROR;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runnable stop;
        if (fleet != null) {
            SimulatedFleet running = SimulatedFleet.start(configs);
            running.startChanges(changeShare);
            stop = running::stop;
        } else {
            Agent running = Agent.start(configs.get(0));
            stop = running::stop;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            done.countDown();
        }, "shutdown"));
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code --change-per-minute} as a share 0..1 ("1%", "0.5 %" or "1" are percentages); 0 when not given. */
    double changeShare() {
        if (changePerMinute == null) {
            return 0;
        }
        if (fleet == null) {
            throw new ConfigException(null, "--change-per-minute needs --fleet: a single agent publishes on its own changes");
        }
        String t = changePerMinute.strip();
        t = t.endsWith("%") ? t.substring(0, t.length() - 1).strip() : t;
        double pct;
        try {
            pct = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            pct = Double.NaN;
        }
        if (!(pct >= 0 && pct <= 100)) {
            throw new ConfigException(null, "--change-per-minute must be a percentage 0%..100% such as 1%, was '" + changePerMinute + "'");
        }
        return pct / 100;
    }

    /** The configs the parsed flags describe: one agent, or a fleet. */
    List<AgentConfig> configs() {
        if (config != null && fleet != null) {
            throw new ConfigException(null, "use either --config or --fleet, not both");
        }
        return fleet != null ? ConfigLoader.loadFleet(fleet, overrides()) : List.of(ConfigLoader.load(config, overrides()));
    }

    /** Flags given, keyed by the config field they override. */
    Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        put(o, "boxId", boxId);
        put(o, "broker.uri", broker);
        put(o, "broker.username", username);
        put(o, "broker.password", password);
        put(o, "broker.passwordFile", passwordFile == null ? null : passwordFile.toAbsolutePath());
        put(o, "broker.keepAliveS", keepAlive);
        put(o, "model", model);
        put(o, "firmwareVersion", firmwareVersion);
        put(o, "heartbeatS", statusInterval);
        put(o, "probeIntervalS", probeInterval);
        put(o, "probeTimeoutMs", probeTimeout);
        put(o, "dataDir", dataDir == null ? null : dataDir.toAbsolutePath());
        put(o, "probes.mode", probes);
        put(o, "network.iface", iface);
        return o;
    }

    private static void put(Map<String, Object> o, String key, Object value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"syncready-agent " + Agent.VERSION};
        }
    }
}
