package org.syncready.agent.equipment;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * A real OPC UA server (Eclipse Milo) playing a classroom's central controller (中控) in tests: a
 * display's power, the room temperature and the projector's lamp hours, on 127.0.0.1 with a None
 * endpoint and a Basic256Sha256 SignAndEncrypt endpoint, anonymous or {@code teacher}/{@code secret-1}.
 * It trusts any client certificate (a test stand-in, not how a real controller should be set up).
 */
public final class ClassroomControllerServer implements AutoCloseable {
    public static final String NAMESPACE = "urn:syncready:test:classroom-controller";
    public static final String USER = "teacher";
    public static final String PASSWORD = "secret-1";

    private final OpcUaServer server;
    private final Namespace namespace;
    private final int port;
    private final X509Certificate certificate;

    private ClassroomControllerServer(OpcUaServer server, Namespace namespace, int port, X509Certificate certificate) {
        this.server = server;
        this.namespace = namespace;
        this.port = port;
        this.certificate = certificate;
    }

    public static ClassroomControllerServer start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        String uri = "urn:syncready:test:classroom-controller:" + port;
        X509Certificate cert = new SelfSignedCertificateBuilder(keyPair).setCommonName("classroom controller")
                .setApplicationUri(uri).addDnsName("localhost").addIpAddress("127.0.0.1").build();
        RsaSha256CertificateFactory factory = new RsaSha256CertificateFactory() {
            @Override
            protected KeyPair createRsaSha256KeyPair() {
                return keyPair;
            }

            @Override
            protected X509Certificate[] createRsaSha256CertificateChain(KeyPair pair) {
                return new X509Certificate[] {cert};
            }
        };
        CertificateValidator trustAll = (chain, applicationUri, hostnames) -> { };
        DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(new MemoryTrustListManager(),
                new MemoryCertificateStore(), factory, trustAll);
        Set<EndpointConfig> endpoints = new LinkedHashSet<>();
        EndpointConfig.Builder base = EndpointConfig.newBuilder().setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress("127.0.0.1").setBindPort(port).setHostname("127.0.0.1").setPath("/classroom")
                .setCertificate(cert).addTokenPolicies(USER_TOKEN_POLICY_ANONYMOUS, USER_TOKEN_POLICY_USERNAME);
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None).build());
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                .setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
        OpcUaServerConfig config = OpcUaServerConfig.builder()
                .setApplicationUri(uri).setProductUri("urn:syncready:test")
                .setApplicationName(LocalizedText.english("classroom controller"))
                .setEndpoints(endpoints)
                .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine(), group))
                .setIdentityValidator(new CompositeValidator(AnonymousIdentityValidator.INSTANCE,
                        new UsernameIdentityValidator(c -> USER.equals(c.getUsername()) && PASSWORD.equals(c.getPassword()))))
                .build();
        OpcUaServer server = new OpcUaServer(config,
                profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
        Namespace namespace = new Namespace(server);
        namespace.startup();
        server.startup().get(30, TimeUnit.SECONDS);
        return new ClassroomControllerServer(server, namespace, port, cert);
    }

    public String endpoint() {
        return "opc.tcp://127.0.0.1:" + port + "/classroom";
    }

    /** The node id text of one of the variables, e.g. {@code ns=2;s=Display.Power}. */
    public String node(String name) {
        return "ns=" + namespace.getNamespaceIndex() + ";s=" + name;
    }

    public String certificateSha256() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    public void set(String name, Variant value) {
        namespace.variables.stream().filter(v -> v.getBrowseName().name().equals(name)).findFirst().orElseThrow()
                .setValue(new DataValue(value));
    }

    /** Sessions open now. */
    public int sessions() {
        return server.getSessionManager().getAllSessions().size();
    }

    @Override
    public void close() throws Exception {
        namespace.shutdown();
        server.shutdown().get(30, TimeUnit.SECONDS);
    }

    private static final class Namespace extends ManagedNamespaceWithLifecycle {
        private final SubscriptionModel subscriptions;
        private final List<UaVariableNode> variables = new java.util.ArrayList<>();

        Namespace(OpcUaServer server) {
            super(server, NAMESPACE);
            subscriptions = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(subscriptions);
            getLifecycleManager().addStartupTask(() -> {
                add("Display.Power", NodeIds.Boolean, Variant.ofBoolean(true));
                add("Room.Temperature", NodeIds.Double, Variant.ofDouble(22.5));
                add("Projector.LampHours", NodeIds.UInt32, Variant.ofUInt32(uint(1200)));
            });
        }

        private void add(String name, NodeId type, Variant value) {
            UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                    .setNodeId(newNodeId(name)).setBrowseName(newQualifiedName(name))
                    .setDisplayName(LocalizedText.english(name)).setDataType(type)
                    .setAccessLevel(AccessLevel.READ_ONLY).setUserAccessLevel(AccessLevel.READ_ONLY)
                    .setTypeDefinition(NodeIds.BaseDataVariableType).build();
            node.setValue(new DataValue(value));
            getNodeManager().addNode(node);
            node.addReference(new org.eclipse.milo.opcua.sdk.core.Reference(node.getNodeId(), NodeIds.Organizes,
                    NodeIds.ObjectsFolder.expanded(), false));
            variables.add(node);
        }

        @Override
        public void onDataItemsCreated(List<DataItem> items) {
            subscriptions.onDataItemsCreated(items);
        }

        @Override
        public void onDataItemsModified(List<DataItem> items) {
            subscriptions.onDataItemsModified(items);
        }

        @Override
        public void onDataItemsDeleted(List<DataItem> items) {
            subscriptions.onDataItemsDeleted(items);
        }

        @Override
        public void onMonitoringModeChanged(List<MonitoredItem> items) {
            subscriptions.onMonitoringModeChanged(items);
        }
    }
}
