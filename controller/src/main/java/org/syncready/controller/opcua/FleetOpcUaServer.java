package org.syncready.controller.opcua;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfigLimits;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.controller.schedule.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's OPC UA server (Eclipse Milo): the fleet and its readiness for SCADA,
 * building-management and IoT platforms (docs/OPCUA.md). Endpoints: Basic256Sha256 and
 * Aes128_Sha256_RsaOaep with SignAndEncrypt; None only when {@link Settings#allowInsecure()} (a
 * loopback bind, or the demo). Users log in with SyncReady accounts' user names and passwords and see
 * what the HTTP API shows them. The server certificate and the client trust list live in
 * {@code <data>/opcua/}.
 */
public final class FleetOpcUaServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FleetOpcUaServer.class);
    static final String PRODUCT_URI = "urn:syncready";
    private static final Duration SESSIONS_REFRESH = Duration.ofSeconds(5);

    /**
     * @param port          0: a free one
     * @param allowInsecure also offer the None endpoint (a user name's password still travels encrypted)
     * @param clock         the schedule's clock (what "today" is)
     * @param zone          the bureau's time zone
     */
    public record Settings(Path dataDir, String bindAddress, int port, boolean allowInsecure, Clock clock, ZoneId zone) {
    }

    /** What the address space shows and the methods act on. */
    public record Sources(FleetRegistry registry, LiveFleet fleet, SessionStore sessions, SessionVerdicts verdicts,
                          BoxSelfTests selfTests, OpcUaUsers users, ReadinessRules rules, MethodAudit audit) {
    }

    private final OpcUaServer server;
    private final FleetAddressSpace addressSpace;
    private final TodaySessions today;
    private final FileBasedTrustListManager trustList;
    private final int port;
    private final List<String> endpointUrls;

    private FleetOpcUaServer(OpcUaServer server, FleetAddressSpace addressSpace, TodaySessions today,
                             FileBasedTrustListManager trustList, int port, List<String> endpointUrls) {
        this.server = server;
        this.addressSpace = addressSpace;
        this.today = today;
        this.trustList = trustList;
        this.port = port;
        this.endpointUrls = endpointUrls;
    }

    public static FleetOpcUaServer start(Settings settings, Sources sources) throws Exception {
        long started = System.nanoTime();
        Path dir = settings.dataDir().resolve("opcua");
        ServerCertificate.createPrivateDirectory(dir);
        List<Set<String>> names = ServerCertificate.namesFor(settings.bindAddress());
        ServerCertificate identity = ServerCertificate.loadOrCreate(dir, names.get(0), names.get(1));
        Path pki = dir.resolve("pki");
        FileBasedTrustListManager trustList = FileBasedTrustListManager.createAndInitialize(pki);
        FileBasedCertificateQuarantine rejected = FileBasedCertificateQuarantine.create(pki.resolve("rejected").resolve("certs"));
        ClientCertificates validator = new ClientCertificates(new DefaultServerCertificateValidator(trustList, rejected), pki);
        RsaSha256CertificateFactory factory = new RsaSha256CertificateFactory() {
            @Override
            protected KeyPair createRsaSha256KeyPair() {
                return identity.keyPair();
            }

            @Override
            protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) {
                return new X509Certificate[] {identity.certificate()};
            }
        };
        DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(trustList, new MemoryCertificateStore(),
                factory, validator);

        int port = settings.port() == 0 ? freePort(settings.bindAddress()) : settings.port();
        Set<EndpointConfig> endpoints = endpoints(settings, identity.certificate(), port);
        String version = String.valueOf(FleetOpcUaServer.class.getPackage().getImplementationVersion());
        OpcUaServerConfig config = OpcUaServerConfig.builder()
                .setApplicationUri(identity.applicationUri())
                .setApplicationName(LocalizedText.english("SyncReady controller"))
                .setProductUri(PRODUCT_URI)
                .setBuildInfo(new BuildInfo(PRODUCT_URI, "SyncReady", "SyncReady controller", version, version, DateTime.now()))
                .setEndpoints(endpoints)
                .setCertificateManager(new DefaultCertificateManager(rejected, group))
                .setIdentityValidator(new UserLogins(sources.users()))
                .setLimits(LIMITS)
                .build();
        OpcUaServer server = new OpcUaServer(config,
                profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));

        FleetNodeIds ids = new FleetNodeIds(server.getNamespaceTable().add(FleetNodeIds.NAMESPACE_URI));
        TodaySessions today = new TodaySessions(sources.sessions(), sources.verdicts(), sources.registry(), settings.clock(),
                settings.zone());
        FleetModel model = new FleetModel(ids, new TypeNodes(ids), sources.registry(), sources.fleet(), sources.rules(), today,
                settings.zone());
        FleetAddressSpace addressSpace = new FleetAddressSpace(server, model,
                new FleetMethods(model, sources.selfTests(), sources.verdicts(), today, sources.fleet(), sources.audit()));
        try {
            today.start(SESSIONS_REFRESH);
            addressSpace.startup();
            server.getAddressSpaceManager().register(addressSpace);
            server.startup().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            today.close();
            addressSpace.shutdown();
            trustList.close();
            server.shutdown();
            throw e;
        }
        List<String> urls = endpoints.stream().map(e -> e.getEndpointUrl() + " [" + e.getSecurityPolicy().name() + "/"
                + e.getSecurityMode() + "]").distinct().toList();
        log.info("OPC UA server ready in {} ms on {}:{}: {}; certificate {} (sha256 {}); trusted client certificates in {}",
                (System.nanoTime() - started) / 1_000_000, settings.bindAddress(), port, urls,
                dir.resolve(ServerCertificate.DER), ServerCertificate.sha256(identity.certificate()), pki.resolve("trusted/certs"));
        List<String> plain = endpoints.stream().map(EndpointConfig::getEndpointUrl).distinct().toList();
        return new FleetOpcUaServer(server, addressSpace, today, trustList, port, plain);
    }

    private static Set<EndpointConfig> endpoints(Settings settings, X509Certificate certificate, int port) throws IOException {
        Set<String> hostnames = new LinkedHashSet<>();
        InetAddress bind = InetAddress.getByName(settings.bindAddress());
        if (bind.isAnyLocalAddress()) {
            hostnames.add(InetAddress.getLocalHost().getHostName());
            hostnames.add("localhost");
        } else {
            hostnames.add(settings.bindAddress());
        }
        Set<EndpointConfig> endpoints = new LinkedHashSet<>();
        for (String host : hostnames) {
            EndpointConfig.Builder base = EndpointConfig.newBuilder()
                    .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                    .setBindAddress(settings.bindAddress()).setBindPort(port).setHostname(host)
                    .setCertificate(certificate).addTokenPolicies(USER_TOKEN_POLICY_USERNAME);
            endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                    .setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
            endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Aes128_Sha256_RsaOaep)
                    .setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
            if (settings.allowInsecure()) {
                endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None).build());
            }
        }
        return endpoints;
    }

    /**
     * Bounds on what clients may hold: sessions, subscriptions and monitored items (each costs
     * memory), enough for one platform watching every box of a district.
     */
    static final OpcUaServerConfigLimits LIMITS = new OpcUaServerConfigLimits() {
        @Override
        public UInteger getMaxSessions() {
            return uint(100);
        }

        @Override
        public UInteger getMaxSubscriptionsPerSession() {
            return uint(20);
        }

        @Override
        public UInteger getMaxSubscriptions() {
            return uint(500);
        }

        @Override
        public UInteger getMaxMonitoredItemsPerSession() {
            return uint(100_000);
        }

        @Override
        public UInteger getMaxMonitoredItems() {
            return uint(300_000);
        }
    };

    private static int freePort(String bind) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(bind), 0));
            return s.getLocalPort();
        }
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /** The endpoint URLs the server advertises (one per host name). */
    public List<String> endpointUrls() {
        return new ArrayList<>(endpointUrls);
    }

    @Override
    public void close() {
        today.close();
        try {
            server.shutdown().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("OPC UA server did not stop cleanly: {}", e.toString());
        }
        addressSpace.shutdown();
        try {
            trustList.close();
        } catch (IOException e) {
            log.warn("OPC UA trust list watcher did not stop: {}", e.toString());
        }
    }
}
