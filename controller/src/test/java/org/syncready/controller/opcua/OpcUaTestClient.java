package org.syncready.controller.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * A SCADA-like OPC UA client in tests: Eclipse Milo's client with its own application certificate,
 * connecting with a security policy and a user name. {@link #trustOn(Path)} puts its certificate in a
 * controller's trust list the way an operator does (docs/OPCUA.md).
 */
public final class OpcUaTestClient {
    public static final String APPLICATION_URI = "urn:syncready:test:scada";
    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private OpcUaTestClient(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    public static OpcUaTestClient create() throws Exception {
        KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        X509Certificate cert = new SelfSignedCertificateBuilder(pair).setCommonName("test SCADA")
                .setApplicationUri(APPLICATION_URI).addDnsName("localhost").build();
        return new OpcUaTestClient(pair, cert);
    }

    /** Puts this client's certificate among the controller's trusted ones ({@code <data>/opcua/pki/trusted/certs}). */
    public void trustOn(Path dataDir) throws Exception {
        Path dir = dataDir.resolve("opcua/pki/trusted/certs");
        Files.createDirectories(dir);
        Files.write(dir.resolve("test-scada.der"), certificate.getEncoded());
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Connects and activates a session; the server's certificate must be the controller's {@code server.der}. */
    public OpcUaClient connect(String url, SecurityPolicy policy, Path dataDir, String user, String password) throws Exception {
        MessageSecurityMode mode = policy == SecurityPolicy.None ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt;
        byte[] serverDer = Files.readAllBytes(dataDir.resolve("opcua/server.der"));
        OpcUaClient client = OpcUaClient.create(url,
                endpoints -> endpoints.stream().filter(e -> policy.getUri().equals(e.getSecurityPolicyUri())
                        && e.getSecurityMode() == mode).findFirst(),
                transport -> { },
                cfg -> cfg.setApplicationUri(APPLICATION_URI).setApplicationName(LocalizedText.english("test SCADA"))
                        .setKeyPair(keyPair).setCertificate(certificate).setCertificateChain(new X509Certificate[] {certificate})
                        .setIdentityProvider(new UsernameProvider(user, password))
                        .setSessionLocaleIds(new String[] {"zh-CN"})
                        .setRequestTimeout(uint(30_000))
                        .setCertificateValidator((chain, uri, hosts) -> {
                            try {
                                if (!Arrays.equals(chain.get(0).getEncoded(), serverDer)) {
                                    throw new UaException(StatusCodes.Bad_CertificateUntrusted, "not the controller's server.der");
                                }
                            } catch (java.security.cert.CertificateEncodingException e) {
                                throw new UaException(StatusCodes.Bad_CertificateInvalid, e);
                            }
                        }));
        try {
            client.connect();
        } catch (UaException e) {
            client.disconnect();
            throw e;
        }
        return client;
    }

    public static List<EndpointDescription> endpoints(String url) throws Exception {
        return org.eclipse.milo.opcua.sdk.client.DiscoveryClient.getEndpoints(url).get();
    }

    public static UShort fleetNamespace(OpcUaClient client) throws UaException {
        return client.readNamespaceTable().getIndex("urn:syncready:fleet");
    }

    /** The hierarchical children of a node (all pages). */
    public static List<ReferenceDescription> browse(OpcUaClient client, NodeId node) throws UaException {
        BrowseResult result = client.browse(new BrowseDescription(node, BrowseDirection.Forward, NodeIds.HierarchicalReferences,
                true, uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue() | NodeClass.Method.getValue()),
                uint(BrowseResultMask.All.getValue())));
        List<ReferenceDescription> out = new ArrayList<>(Arrays.asList(Optional.ofNullable(result.getReferences())
                .orElse(new ReferenceDescription[0])));
        if (result.getStatusCode().isBad()) {
            throw new UaException(result.getStatusCode());
        }
        return out;
    }

    public static List<String> names(List<ReferenceDescription> refs) {
        return refs.stream().map(r -> r.getBrowseName().name()).toList();
    }

    public static String sha256(X509Certificate cert) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    }
}
