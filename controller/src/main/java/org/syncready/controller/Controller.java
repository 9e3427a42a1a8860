package org.syncready.controller;

import org.syncready.controller.opcua.FleetOpcUaServer;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.syncready.controller.alert.AckTokens;
import org.syncready.controller.alert.AlertLinks;
import org.syncready.controller.alert.Alerts;
import org.syncready.controller.alert.SecretSeal;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.AdminBootstrap;
import org.syncready.controller.api.BoxConnectInfo;
import org.syncready.controller.enroll.EnrollmentCodes;
import org.syncready.controller.store.SqlEnrollmentStore;
import org.syncready.controller.tls.TlsIdentity;
import org.syncready.controller.api.RouteEntry;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.demo.DemoAccounts;
import org.syncready.controller.store.SqlAccountStore;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.ConfigDriftSource;
import org.syncready.controller.readiness.ReadinessChecks;
import org.syncready.controller.readiness.ReadinessEngine;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.controller.readiness.BoxProfile;
import org.syncready.controller.readiness.ProfileCache;
import org.syncready.controller.readiness.SelftestResult;
import org.syncready.controller.readiness.SelftestSender;
import org.syncready.controller.readiness.StreamServer;
import java.time.Instant;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.TermStore;
import org.syncready.protocol.CommandTypes;
import org.syncready.controller.api.HttpApiVerticle;
import org.syncready.controller.console.BoxFeed;
import org.syncready.controller.readiness.DayBoard;
import org.syncready.controller.api.RouteGroup;
import org.syncready.controller.broker.EmbeddedBroker;
import org.syncready.controller.command.BoxCommands;
import org.syncready.controller.demo.DemoFleet;
import org.syncready.controller.demo.DemoHistory;
import org.syncready.controller.demo.DemoTimetable;
import org.syncready.controller.fleet.BoxSecrets;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.health.DiskSpace;
import org.syncready.controller.health.Health;
import org.syncready.controller.health.UncaughtFailures;
import org.syncready.controller.ingest.Ingest;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.mqtt.ControllerMqttClient;
import org.syncready.controller.rollout.BoxDirectory;
import org.syncready.controller.rollout.ConfigSigner;
import org.syncready.controller.rollout.DesiredPublisher;
import org.syncready.controller.rollout.LiveBoxes;
import org.syncready.controller.rollout.Rollouts;
import org.syncready.controller.netcheck.EchoResponder;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlAlertStore;
import org.syncready.controller.store.SqlAuditStore;
import org.syncready.controller.store.SqlFleetStore;
import org.syncready.controller.store.SqlHistoryStore;
import org.syncready.controller.store.SqlReadinessStore;
import org.syncready.controller.store.SqlRolloutStore;
import org.syncready.controller.store.SqlScheduleStore;
import org.syncready.controller.store.StatusWriter;
import org.syncready.controller.cluster.ClusterRefresh;
import org.syncready.controller.cluster.LeaderLease;
import org.syncready.controller.store.PostgresqlLock;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.protocol.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller, wired in one place: store, registry, live fleet, broker, MQTT ingest, HTTP API and
 * housekeeping. {@link #start} returns once every part is up; {@link #close} stops them in reverse.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    private static final int WRITER_QUEUE = 50_000;
    /** Records per store transaction (a status and its acknowledgement are two): see docs/BENCHMARKS.md, ingest. */
    private static final int WRITER_BATCH = 4_000;
    /**
     * Ingest's persistent session: messages unacknowledged (not yet committed) at a crash, and those
     * an external broker queues while the controller is away, are delivered after the restart. A day
     * covers a restart or an upgrade; a node gone for good stops holding messages after it.
     */
    private static final Duration INGEST_SESSION_EXPIRY = Duration.ofDays(1);
    /** Unacknowledged messages in flight on the subscription (external broker): a writer batch of statuses. */
    private static final int INGEST_RECEIVE_MAXIMUM = WRITER_BATCH / 2;
    /** Boxes reconnect to a restarted embedded broker within a few backoff rounds. */
    private static final Duration READINESS_GRACE = Duration.ofSeconds(10);
    /** How long a box may run something other than its desired configuration before it counts as drift. */
    private static final Duration CONFIG_DRIFT_GRACE = Duration.ofMinutes(10);
    /** Profiles are read again when a box reports a configuration, and at least this often. */
    private static final Duration PROFILE_TTL = Duration.ofMinutes(10);
    /** Several nodes: how often a follower tries the leader's lock (and the leader checks it still holds it). */
    private static final Duration LEASE_ROUND = Duration.ofSeconds(3);
    /** No new configuration this close before a session (nor during one). */
    private static final Duration CLASS_GUARD = Duration.ofMinutes(15);

    private final ControllerConfig config;
    private final ControllerMetrics metrics = new ControllerMetrics();
    private final UncaughtFailures failures = new UncaughtFailures(metrics);
    /** A thread working in rounds of a second or so that has not finished one for this long is dead or stuck. */
    private static final Duration HEARTBEAT_SILENCE = Duration.ofSeconds(60);
    private final MessageCodec codec = new MessageCodec();
    /** The embedded broker's inbox for in-broker ingest, wired to ingest once it exists. */
    private final IngestHandoff ingestHandoff = new IngestHandoff();
    private Database database;
    private FleetRegistry registry;
    private LiveFleet fleet;
    private EmbeddedBroker broker;
    private BrokerAccountsStart brokerAccounts = BrokerAccountsStart.NONE;
    private StatusWriter writer;
    private ControllerMqttClient mqtt;
    private BoxCommands commands;
    private Rollouts rollouts;
    private Vertx vertx;
    private HttpApiVerticle api;
    /** Box pages watching a box live; touched for every ingested message. */
    private final BoxFeed boxFeed = new BoxFeed();
    /** Set when every part has started (the demo included): until then /health says "starting". */
    private volatile boolean startedUp;
    private EchoResponder echo;
    private Housekeeping housekeeping;
    private LeaderLease lease;
    private ClusterRefresh refresh;
    private DemoFleet demoFleet;
    private SessionStore sessions;
    private TermStore terms;
    private CheckStore readinessStore;
    private ReadinessEngine engine;
    private ReadinessChecks readiness;
    private Alerts alerts;
    private Health health;
    private ProfileCache profiles;
    private String brokerUri;
    private TlsIdentity tls;
    private EnrollmentCodes enrollment;
    private FleetOpcUaServer opcua;
    private Accounts accounts;

    private Controller(ControllerConfig config) {
        this.config = config;
    }

    public static Controller start(ControllerConfig config) throws Exception {
        Controller controller = new Controller(config);
        try {
            controller.startParts();
        } catch (Exception | Error e) {
            controller.close();
            throw e;
        }
        return controller;
    }

    private void startParts() throws Exception {
        long started = System.nanoTime();
        Path dataDir = DataFolder.prepare(config.dataDir());
        // The catalogue first: a broken profile must stop the start, not surface at the first rollout.
        ProfileCatalogue catalogue = config.profilesDir() == null ? ProfileCatalogue.packaged() : ProfileCatalogue.load(config.profilesDir());
        log.info("configuration catalogue {}: {} profiles", catalogue.origin(), catalogue.refs().size());
        ConfigSigner signer = ConfigSigner.loadOrCreate(dataDir.resolve("keys"));
        String nodeId = DataFolder.nodeId(dataDir);
        String nodeName = FleetRegistry.CONTROLLER_CLIENT_PREFIX + "-" + nodeId;
        // Named after the node: the store's change marks tell the nodes apart by it (several nodes, docs/SCALE.md).
        database = config.store() == null ? Database.open(dataDir.resolve("syncready.db")) : Database.open(config.store(), nodeName);
        lease = config.store() == null ? LeaderLease.always(nodeId)
                : LeaderLease.postgresql(nodeId, () -> PostgresqlLock.open(database), LEASE_ROUND);
        lease.onChange(this::leadershipChanged);
        lease.start();
        SqlHistoryStore history = new SqlHistoryStore(database);

        String controllerSecret = config.embeddedBroker() ? BoxSecrets.newSecret() : config.brokerPassword();
        registry = FleetRegistry.load(new SqlFleetStore(database), controllerSecret == null ? BoxSecrets.newSecret() : controllerSecret);
        fleet = new LiveFleet();
        // With an external broker the boxes stay connected while this node restarts: the stored presence holds.
        fleet.restore(history.latest(), codec, config.store() != null && !config.embeddedBroker());

        tls = config.tlsCert() != null ? TlsIdentity.fromFiles(config.tlsCert(), config.tlsKey(), config.tlsCa())
                : TlsIdentity.loadOrCreate(dataDir.resolve("tls"), config.tlsHostnames(), Clock.systemUTC());
        log.info("TLS certificate from {} for {}; boxes pin {}", tls.origin(), TlsIdentity.subjectAltNames(tls.certificate()),
                tls.caFingerprint() == null ? "nothing (system trust store)" : "the CA with SHA-256 fingerprint " + tls.caFingerprint());
        if (config.embeddedBroker()) {
            ListenAddresses.warnIfPlainOnNetwork("MQTT", config.mqttBind(), config.plainMqttBind(), config.mqttPort());
            // File persistence: the messages queued for ingest's session and not yet acknowledged survive a
            // crash of this process, broker included (docs/OPERATIONS.md, "No acknowledged message lost").
            broker = EmbeddedBroker.start(dataDir.resolve("broker"),
                    new EmbeddedBroker.Settings(config.plainMqttBind(), config.mqttPort(), 200_000, true,
                            new EmbeddedBroker.TlsListener(config.mqttBind(), config.mqttsPort(), tls)), registry, metrics,
                    config.ingestThroughSubscriber() ? null : ingestHandoff);
            brokerUri = "tcp://" + ListenAddresses.reachable(config.plainMqttBind()) + ":" + broker.port();
            // A rotated or revoked box is cut off at once, not at its next reconnect.
            registry.onCredentialsWithdrawn(boxId -> broker.disconnect(boxId).whenComplete((closed, error) -> {
                if (error != null) {
                    log.warn("box={}: could not close its broker connection: {}", boxId, error.toString());
                } else if (Boolean.TRUE.equals(closed)) {
                    log.info("box={}: broker connection closed (credentials withdrawn)", boxId);
                }
            }));
        } else {
            brokerUri = config.brokerUri();
            brokerAccounts = BrokerAccountsStart.start(config, registry, database, DataFolder.nodeId(dataDir));
        }
        // After the broker: HiveMQ installs its own JVM-wide handler as it starts.
        failures.install();

        writer = new StatusWriter(database, metrics, WRITER_QUEUE, WRITER_BATCH);
        writer.start();

        String username = config.embeddedBroker() || config.brokerUsername() == null
                ? FleetRegistry.CONTROLLER_CLIENT_PREFIX : config.brokerUsername();
        byte[] password = controllerSecret == null ? new byte[0] : controllerSecret.getBytes(StandardCharsets.UTF_8);
        // The same client id on every start from this data folder: the broker keeps ingest's session under it.
        mqtt = new ControllerMqttClient(new ControllerMqttClient.Endpoint(brokerUri, nodeName, username, password), codec);
        commands = new BoxCommands(mqtt, codec, 10_000);
        Ingest ingest = new Ingest(codec, registry, fleet, writer, commands, metrics);
        AuditLog audit = new AuditLog(new SqlAuditStore(database), config.clock());
        accounts = new Accounts(new SqlAccountStore(database), config.clock(), id -> registry.school(id).isPresent(),
                Accounts.Settings.DEFAULT);
        AdminBootstrap.run(accounts, config.adminPassword(), dataDir);
        // Rollout actions are counted where they are audited: every action of people and of the engine is.
        rollouts = new Rollouts(BoxDirectory.of(registry), catalogue, signer, new SqlRolloutStore(database),
                (who, action, target, detail, result) -> {
                    if (action.startsWith("rollout.") && (result == null || !result.startsWith("refused"))) {
                        metrics.rolloutAction(action.substring("rollout.".length()));
                    }
                    audit.record(who, action, target, detail, result);
                },
                DesiredPublisher.over(mqtt), LiveBoxes.of(fleet), codec, config.clock(), CONFIG_DRIFT_GRACE);
        ingest.onConfigMessages(message -> {
            if (message instanceof org.syncready.protocol.ConfigReported reported && reported.result() != null) {
                metrics.configReport(reported.result().toString());
            }
            rollouts.onMessage(message);
            profiles.invalidate(message.boxId());
        });
        ObjectMapper apiJson = codec.mapper().copy().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        startReadiness(apiJson, dataDir);
        // The schedule guards rollouts: no new configuration in class or just before it.
        rollouts.useGuard((boxId, now) -> registry.box(boxId)
                .flatMap(box -> sessions.busyUntil(box.classroomId(), now, CLASS_GUARD)));
        // In the embedded broker, ingest takes the boxes' publishes before their PUBACK (BrokerInbox); the
        // subscription keeps presence, since a box's Will is published by the broker itself. With an
        // external broker (or ingestThroughSubscriber) the subscription takes everything.
        boolean inBroker = broker != null && !config.ingestThroughSubscriber();
        mqtt.connectDurable(inBroker ? Ingest.presenceFilters(config.ingestGroup()) : Ingest.filters(config.ingestGroup()),
                (topic, message, acknowledge) -> {
                    ingest.onMessage(topic, message, acknowledge);
                    touched(topic);
                }, new ControllerMqttClient.Session(INGEST_SESSION_EXPIRY, INGEST_RECEIVE_MAXIMUM));
        ingestHandoff.wire((topic, payload, acknowledge) -> {
            ingest.onMessage(topic, payload, false, acknowledge);
            touched(topic);
        });
        rollouts.useLeadership(lease::isLeader);
        rollouts.start();
        if (config.store() != null) {
            refresh = ClusterStart.refresh(nodeName, database, new ClusterStart.Parts(registry, fleet, sessions, terms, rollouts),
                    codec, boxId -> {
                        readiness.touched(boxId);
                        boxFeed.touched(boxId);
                    });
        }

        metrics.gauge("syncready.boxes.registered", "Boxes in the registry", () -> registry.boxes().size());
        metrics.gauge("syncready.cluster.leader", "1 on the node that runs the once-only jobs (checks, rollouts, alerts, retention)",
                () -> lease.isLeader() ? 1 : 0);
        metrics.gauge("syncready.boxes.online", "Boxes connected to the broker", () -> fleet.count(Presence.ONLINE));
        metrics.gauge("syncready.boxes.stale", "Online boxes silent for 2.5 heartbeats plus 5 s", fleet::staleCount);
        metrics.gauge("syncready.commands.pending", "Commands waiting for an answer", commands::pending);
        metrics.gauge("syncready.console.streams", "Web console live streams open (at most 2,000)",
                org.syncready.controller.console.EventStream::open);
        metrics.gauge("syncready.boxes.clock.skewed", "Boxes whose clock is over a minute from the controller's", fleet::clockSkewedCount);
        metrics.ingestAcknowledgements(() -> mqtt.acknowledgementsSent() + (broker == null ? 0 : broker.heldReleased()),
                () -> mqtt.acknowledgementsDropped() + (broker == null ? 0 : broker.heldAbandoned()));

        housekeeping = new Housekeeping(config, lease::isLeader);
        housekeeping.start(failures, fleet, ingest, history, accounts);

        health = new Health(Clock.systemUTC(), Health.Limits.DEFAULT.withMinFreeDiskBytes(config.minFreeDiskMb() * 1024 * 1024),
                metrics, failures)
                .watchStoreWriter(writer)
                .watchMqtt(mqtt::isConnected)
                .watchHeartbeat("readiness", readiness::lastRoundAt, HEARTBEAT_SILENCE)
                .watchHeartbeat("rollouts", rollouts::lastRoundAt, HEARTBEAT_SILENCE)
                .watchDisk(DiskSpace.of(dataDir))
                .fact("boxesRegistered", () -> registry.boxes().size())
                .fact("boxesOnline", () -> fleet.count(Presence.ONLINE))
                .fact("leader", () -> lease.isLeader() ? 1 : 0)
                .watchStartup(() -> startedUp);
        health.start();

        echo = EchoResponder.start(config.mqttBind(), config.echoPort(), registry::echoKey, metrics, EchoResponder.Limits.DEFAULT);

        vertx = Vertx.vertx();
        ListenAddresses.warnIfPlainOnNetwork("HTTP", config.httpBind(), config.plainHttpBind(), config.httpPort());
        // Picked now rather than by the server: registration and enrollment answers name it.
        int httpsPort = config.httpsPort() == 0 ? ListenAddresses.freePort(config.httpBind()) : config.httpsPort();
        BoxConnectInfo connect = new BoxConnectInfo(config.embeddedBroker() ? null : config.brokerUri(),
                broker == null ? -1 : broker.tlsPort(), httpsPort, echo.port(), tls.caPem(), tls.caFingerprint(),
                rollouts.publicKeysToPin());
        enrollment = new EnrollmentCodes(new SqlEnrollmentStore(database), registry, audit,
                EnrollmentCodes.loadOrCreateKey(dataDir.resolve("keys")), config.clock(), EnrollmentCodes.Limits.DEFAULT);
        List<RouteGroup> routes = HttpRoutes.all(config, new HttpRoutes.Parts(registry, fleet, history, connect, sessions, terms,
                readiness, readinessStore, rollouts, audit, alerts, accounts, metrics, enrollment, commands, boxFeed));
        if (config.simulationAllowed()) {
            log.warn("fault simulation is on ({}): POST /api/v1/boxes/<id>/simulate switches faults of simulated boxes",
                    config.demo() ? "demo" : "--allow-simulation");
        }
        api = new HttpApiVerticle(new HttpApiVerticle.Endpoint(config.plainHttpBind(), config.httpPort()),
                new HttpApiVerticle.TlsEndpoint(config.httpBind(), httpsPort, tls.chainPem(), tls.keyPem()), metrics, health,
                apiJson, accounts, audit, routes);
        vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        if (config.demo()) {
            demoFleet = DemoFleet.start(registry, dataDir.resolve("demo"), brokerUri, config.demoAgentJar(), rollouts.publicKeysToPin());
            if (demoFleet.seeded()) {
                for (com.fasterxml.jackson.databind.JsonNode request : DemoFleet.initialRollouts(codec.mapper())) {
                    rollouts.start(org.syncready.controller.rollout.RolloutRequest.parse(request), request, Actor.system("demo"));
                }
            }
            DemoAccounts.ensure(accounts, dataDir.resolve("demo"));
            DemoTimetable.schedule(sessions, config.clock(), config.zone());
            DemoHistory.recordAroundNow(sessions, readinessStore, config.clock());
            // The demo's bureau channel: a signed webhook to the controller's own inbox (GET /api/v1/alerts/inbox).
            alerts.ensureDemoInbox("http://" + ListenAddresses.reachable(config.plainHttpBind()) + ":" + api.actualPort() + "/api/v1/alerts/inbox");
        }
        if (config.opcuaPort() != ControllerConfig.OFF) {
            opcua = OpcUaStart.start(config, dataDir, new OpcUaStart.Parts(registry, fleet, sessions,
                    new DayBoard(sessions, readiness, readinessStore, config.clock(), config.zone()), readiness, commands,
                    accounts, engine.rules(), audit));
        }
        startedUp = true;
        health.check();
        log.info("controller ready in {} ms: http://{}:{} https://{}:{} mqtt {}{} echo udp {} opc.tcp {} data {}", (System.nanoTime() - started) / 1_000_000,
                config.plainHttpBind(), api.actualPort(), config.httpBind(), api.actualTlsPort(), brokerUri,
                broker == null ? "" : " mqtts " + config.mqttBind() + ":" + broker.tlsPort(), echo.port(),
                opcua == null ? "off" : opcua.port(), dataDir);
        if (config.demo()) {
            // The demo's passwords are public (README): the newcomer's next step is the browser.
            log.info("web console: http://{}:{}/ - log in as {}", ListenAddresses.reachable(config.plainHttpBind()), api.actualPort(),
                    DemoAccounts.ACCOUNTS.stream().map(a -> a.username() + " / " + a.password() + " (" + a.role().label()
                            + (a.schools().isEmpty() ? ", all schools" : ", " + String.join(",", a.schools())) + ")")
                            .collect(java.util.stream.Collectors.joining("; ")));
        }
    }

    /** On the lease's thread: a new leader carries on the checks and rollouts the previous one left in the store. */
    private void leadershipChanged(boolean leading) {
        if (leading && readiness != null) {
            readiness.becameLeader();
            rollouts.reloadSoon();
        }
    }

    /** Every ingested message marks its box for the live readiness sweep and the console's live box pages (cheap). */
    private void touched(String topic) {
        String touchedBox = org.syncready.protocol.Topics.boxIdOrNull(topic);
        readiness.touched(touchedBox);
        boxFeed.touched(touchedBox);
    }

    /** Schedule and readiness: sessions in memory, checks on their own thread, self-tests over MQTT; alerts listen. */
    private void startReadiness(ObjectMapper json, Path dataDir) throws Exception {
        ReadinessRules rules = config.readinessRules() == null ? ReadinessRules.defaults()
                : ReadinessRules.load(config.readinessRules());
        SqlScheduleStore schedule = new SqlScheduleStore(database);
        sessions = SessionStore.load(schedule, id -> registry.classroom(id).isPresent());
        terms = TermStore.load(schedule, json);
        readinessStore = new SqlReadinessStore(database, json);
        profiles = new ProfileCache(this::desiredProfile, Clock.systemUTC(), PROFILE_TTL.toMillis());
        ConfigDriftSource drift = (boxId, now) -> rollouts.drift(boxId, now)
                .map(d -> new ConfigDriftSource.Drift(d.desiredVersion(), d.reportedVersion(), d.reportedResult(),
                        d.reportedResult() == null || d.detail() == null || !d.detail().contains(": ") ? null
                                : d.detail().substring(d.detail().indexOf(": ") + 2), d.since()));
        engine = new ReadinessEngine(rules, registry, fleet, drift, profiles, Clock.systemUTC(), config.zone());
        SelftestSender selftests = (boxId, timeout, servers, keep) -> commands.send(boxId, CommandTypes.SELFTEST,
                        StreamServer.selftestArgs(json, servers, keep), timeout)
                .handle((answer, error) -> error != null ? SelftestResult.NO_ANSWER
                        : SelftestResult.fromAnswer(answer.ok(), answer.result(), answer.error(), Instant.now()))
                .thenApply(result -> {
                    metrics.selftest(result.outcome().name().toLowerCase(java.util.Locale.ROOT));
                    return result;
                });
        readiness = new ReadinessChecks(engine, sessions, readinessStore, fleet, selftests, config.clock());
        readiness.onKept(r -> metrics.readinessVerdict(r.trigger(), r.verdict().name()));
        readiness.useLeadership(lease::isLeader);
        if (lease.isLeader()) {
            readiness.becameLeader();
        }
        startAlerts(json, dataDir, rules);
        readiness.start(Duration.ofSeconds(1), config.embeddedBroker() ? READINESS_GRACE : Duration.ZERO);
        metrics.gauge("syncready.sessions", "Sync sessions in the schedule", sessions::size);
    }

    /**
     * Alerts, before the first check can run: they hear every T-30/T-5 check, incident and stopped
     * rollout. Channel secrets and acknowledge links use keys of their own in {@code <data>/keys/}.
     */
    private void startAlerts(ObjectMapper json, Path dataDir, ReadinessRules rules) throws java.io.IOException {
        Path keys = dataDir.resolve("keys");
        SecretSeal seal = SecretSeal.loadOrCreate(keys);
        AckTokens tokens = AckTokens.loadOrCreate(keys, config.clock());
        // Without --public-url: HTTPS where people reach the API, or plain HTTP when that is loopback only.
        AlertLinks links = new AlertLinks(() -> config.publicUrl() != null ? config.publicUrl()
                : ListenAddresses.isLoopback(config.httpBind())
                        ? "http://" + config.plainHttpBind() + ":" + (api == null ? config.httpPort() : api.actualPort())
                        : "https://" + ListenAddresses.reachable(config.httpBind()) + ":" + (api == null ? config.httpsPort() : api.actualTlsPort()), tokens);
        int lastCheck = rules.checks().beforeStartMinutes().stream().mapToInt(Integer::intValue).min().orElse(5);
        alerts = new Alerts(Alerts.Settings.defaults("T-" + lastCheck), new SqlAlertStore(database), seal, links,
                new Alerts.Sources(registry, sessions, fleet, s -> Optional.of(readiness.preview(s)), Clock.systemUTC()),
                metrics, config.clock(), config.zone(), json);
        alerts.useLeadership(lease::isLeader);
        alerts.start();
        readiness.useListener(alerts);
        rollouts.useListener(alerts);
    }

    /** The profile each box should run, from its desired configuration, for the uplink and disk it needs. */
    private Optional<BoxProfile> desiredProfile(String boxId) {
        return rollouts.boxConfig(boxId).map(c -> c.path("desired")).filter(d -> d.isObject())
                .flatMap(d -> BoxProfile.fromBody(d.path("profile").asText(null),
                        d.path("version").isIntegralNumber() ? d.path("version").asLong() : null, d.path("body")));
    }

    public int httpPort() {
        return api.actualPort();
    }

    /** The UDP echo service's port (differs from the configured one when that was 0). */
    public int echoPort() {
        return echo.port();
    }

    /** The plain MQTT URI on this machine (the controller's own client). */
    public String brokerUri() {
        return brokerUri;
    }

    /** The embedded broker's MQTT-over-TLS port; -1 with an external broker. */
    public int mqttsPort() {
        return broker == null ? -1 : broker.tlsPort();
    }

    /** The HTTPS port. */
    public int httpsPort() {
        return api.actualTlsPort();
    }

    /** Enrollment codes: made, listed, revoked and redeemed (the API's routes use the same). */
    public EnrollmentCodes enrollment() {
        return enrollment;
    }

    /** The certificate the TLS listeners present and the CA boxes pin. */
    public TlsIdentity tls() {
        return tls;
    }

    /** Every route the HTTP API serves, as "METHOD /path/{param}" (the OpenAPI document's test compares them). */
    public java.util.List<String> apiRoutes() {
        return api.routes();
    }

    public ControllerMetrics metrics() {
        return metrics;
    }

    /** The health verdict behind {@code /health}. */
    public Health health() {
        return health;
    }

    public FleetRegistry registry() {
        return registry;
    }

    public LiveFleet fleet() {
        return fleet;
    }

    public BoxCommands commands() {
        return commands;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public ReadinessChecks readiness() {
        return readiness;
    }

    public ReadinessEngine readinessEngine() {
        return engine;
    }

    /** Alerts: channels, problems, notices, delivery. */
    public Alerts alerts() {
        return alerts;
    }

    /** Users, tokens and sessions (tests and benchmarks create their tokens here). */
    public Accounts accounts() {
        return accounts;
    }

    /** The HTTP API's route table, each route with its policy. */
    public List<RouteEntry> routeTable() {
        return api.routeTable();
    }

    /** Rollouts, desired configurations, the class-time guard hook ({@link Rollouts#useGuard}) and drift. */
    public Rollouts rollouts() {
        return rollouts;
    }

    /** The OPC UA server, or null when it is off ({@code --opcua-port -1}). */
    public FleetOpcUaServer opcua() {
        return opcua;
    }

    @Override
    public void close() {
        if (opcua != null) {
            opcua.close();
        }
        if (demoFleet != null) {
            demoFleet.close();
        }
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("Vert.x did not close cleanly: {}", e.toString());
            }
        }
        if (echo != null) {
            echo.close();
        }
        if (health != null) {
            health.close();
        }
        if (refresh != null) {
            refresh.close();
        }
        if (housekeeping != null) {
            housekeeping.close();
        }
        if (readiness != null) {
            readiness.close();
        }
        if (rollouts != null) {
            rollouts.close();
        }
        if (alerts != null) {
            alerts.close();
        }
        if (mqtt != null) {
            mqtt.close();
        }
        brokerAccounts.close();
        // After the jobs it gates have stopped: closing its session frees the lock for another node at once.
        if (lease != null) {
            lease.close();
        }
        // A publish waiting for ingest to be wired gives up, unacknowledged.
        ingestHandoff.abandon();
        // The broker before the writer: in-broker ingest stops taking publishes, then the writer commits
        // what it holds (their PUBACKs no longer reach the boxes, which send those messages again).
        if (broker != null) {
            broker.close();
        }
        if (writer != null) {
            writer.close();
        }
        if (database != null) {
            database.close();
        }
        failures.uninstall();
        log.info("controller stopped");
    }

}
