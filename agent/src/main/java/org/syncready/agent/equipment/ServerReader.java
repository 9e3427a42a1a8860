package org.syncready.agent.equipment;

import java.net.URI;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfigBuilder;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder;
import org.syncready.agent.config.EquipmentConfig;
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * One OPC UA server the box reads: its connection (kept between rounds), one Read of all its items
 * per round, and the pause before reconnecting after a failure. A lasting failure is logged when it
 * starts and when it ends, not every round.
 */
final class ServerReader {
    private static final Logger log = LoggerFactory.getLogger(ServerReader.class);
    private static final long MAX_PAUSE_MS = 60_000;
    /** A connection (endpoints, secure channel, session) not made in this long has failed. */
    static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final int MAX_VALUE_TEXT = 256;

    private final String boxId;
    private final EquipmentConfig.Server config;
    private final ClientIdentity identity;
    private final long timeoutMs;
    private final Consumer<OpcTcpClientTransportConfigBuilder> transport;
    private final URI endpoint;
    private final List<NodeId> nodes = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();
    /** Connection state, touched by the probe thread only (one round at a time). */
    private OpcUaClient client;
    private CompletableFuture<OpcUaClient> connecting;
    private boolean connectStartedThisRound;
    private long retryAt;
    private long pauseMs;
    private String failure;
    private volatile boolean loggedCertificate;
    private final Long[] lastReadTs;

    ServerReader(String boxId, EquipmentConfig.Server config, ClientIdentity identity, long timeoutMs,
                 Consumer<OpcTcpClientTransportConfigBuilder> transport) {
        this.boxId = boxId;
        this.config = config;
        this.identity = identity;
        this.timeoutMs = timeoutMs;
        this.transport = transport;
        this.endpoint = URI.create(config.endpoint());
        for (EquipmentConfig.Item item : config.items()) {
            nodes.add(NodeId.parse(item.node()));
            sources.add(config.endpoint() + " " + item.node());
        }
        lastReadTs = new Long[config.items().size()];
    }

    /**
     * Starts this round's read; never throws (a failure completes the future exceptionally). A
     * connection is made in the background: the round that starts it waits for it within its
     * timeout, later rounds do not wait for one still under way (a slow handshake on a weak box
     * is not failed for being slow, only after {@link #CONNECT_TIMEOUT_MS}).
     */
    CompletableFuture<List<DataValue>> read() {
        OpcUaClient connected = client;
        if (connected != null) {
            return connected.readValuesAsync(0.0, TimestampsToReturn.Neither, nodes);
        }
        if (connecting == null) {
            if (System.currentTimeMillis() < retryAt) {
                return CompletableFuture.failedFuture(new Paused());
            }
            try {
                connecting = connect().orTimeout(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                connecting = CompletableFuture.failedFuture(e);
            }
            connectStartedThisRound = true;
        } else {
            connectStartedThisRound = false;
        }
        return connecting.thenCompose(c -> c.readValuesAsync(0.0, TimestampsToReturn.Neither, nodes));
    }

    /** The items' statuses from this round's read, waiting at most {@code nanos}. */
    List<EquipmentStatus> await(CompletableFuture<List<DataValue>> read, long nanos) {
        List<DataValue> values;
        try {
            boolean stillConnecting = connecting != null && !connecting.isDone() && !connectStartedThisRound;
            values = read.get(stillConnecting ? 0 : nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable("interrupted");
        } catch (TimeoutException e) {
            if (connecting != null && !connecting.isDone()) {
                return unreachable("connecting (no answer yet" + (failure == null ? "" : "; before: " + failure) + ")");
            }
            return failed("no answer within " + timeoutMs + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            if (cause instanceof Paused) {
                return unreachable(failure == null ? "not connected" : failure);
            }
            return failed(describe(cause));
        }
        if (connecting != null) {
            client = connecting.join();
            connecting = null;
        }
        if (failure != null) {
            log.info("{}: OPC UA server {} answers again", boxId, config.endpoint());
            failure = null;
        }
        pauseMs = 0;
        long now = System.currentTimeMillis();
        List<EquipmentStatus> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(item(i, values.get(i), now));
        }
        return out;
    }

    private EquipmentStatus item(int i, DataValue dv, long now) {
        EquipmentConfig.Item item = config.items().get(i);
        StatusCode status = dv.statusCode();
        if (status != null && status.isBad()) {
            return new EquipmentStatus(item.name(), item.role(), EquipmentState.UNREACHABLE, null, item.expected(), item.unit(),
                    sources.get(i), "the server answered " + statusName(status.value()), lastReadTs[i]);
        }
        Object value = plain(dv.value() == null ? null : dv.value().value());
        lastReadTs[i] = now;
        String problem = item.check(value);
        return new EquipmentStatus(item.name(), item.role(), problem == null ? EquipmentState.OK : EquipmentState.OUT_OF_RANGE,
                value, item.expected(), item.unit(), sources.get(i), problem, now);
    }

    /** OPC UA's value as the protocol carries it: a Boolean, a Long or Double, or a text. */
    static Object plain(Object v) {
        if (v == null || v instanceof Boolean || v instanceof String) {
            return v instanceof String s && s.length() > MAX_VALUE_TEXT ? s.substring(0, MAX_VALUE_TEXT) : v;
        }
        if (v instanceof Float || v instanceof Double) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Math.abs(d) < 9.0e18 ? (Object) n.longValue() : (Object) d;
        }
        if (v instanceof LocalizedText t) {
            return plain(t.text());
        }
        if (v instanceof DateTime t) {
            return t.getJavaInstant().toString();
        }
        return plain(String.valueOf(v));
    }

    private List<EquipmentStatus> failed(String why) {
        if (!why.equals(failure)) {
            log.warn("{}: OPC UA server {} unreachable: {}; its {} item(s) are reported unreachable until it answers",
                    boxId, config.endpoint(), why, config.items().size());
        }
        failure = why;
        drop();
        pauseMs = pauseMs == 0 ? 2_000 : Math.min(MAX_PAUSE_MS, pauseMs * 2);
        retryAt = System.currentTimeMillis() + pauseMs;
        return unreachable(why);
    }

    private List<EquipmentStatus> unreachable(String why) {
        List<EquipmentStatus> out = new ArrayList<>(config.items().size());
        for (int i = 0; i < config.items().size(); i++) {
            EquipmentConfig.Item item = config.items().get(i);
            out.add(new EquipmentStatus(item.name(), item.role(), EquipmentState.UNREACHABLE, null, item.expected(), item.unit(),
                    sources.get(i), why, lastReadTs[i]));
        }
        return out;
    }

    private CompletableFuture<OpcUaClient> connect() {
        SecurityPolicy policy = switch (config.security()) {
            case NONE -> SecurityPolicy.None;
            case BASIC256SHA256 -> SecurityPolicy.Basic256Sha256;
            case AES128_SHA256_RSAOAEP -> SecurityPolicy.Aes128_Sha256_RsaOaep;
        };
        MessageSecurityMode mode = policy == SecurityPolicy.None ? MessageSecurityMode.None
                : config.mode() == EquipmentConfig.Mode.SIGN ? MessageSecurityMode.Sign : MessageSecurityMode.SignAndEncrypt;
        Consumer<OpcTcpClientTransportConfigBuilder> withTimeouts = b -> {
            transport.accept(b);
            b.setConnectTimeout(uint(timeoutMs)).setAcknowledgeTimeout(uint(timeoutMs));
        };
        return DiscoveryClient.getEndpoints(config.endpoint(), withTimeouts).thenCompose(endpoints -> {
            Optional<EndpointDescription> chosen = endpoints.stream()
                    .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()) && e.getSecurityMode() == mode)
                    .findFirst();
            if (chosen.isEmpty()) {
                return CompletableFuture.failedFuture(new UaException(StatusCodes.Bad_SecurityPolicyRejected,
                        "the server offers no endpoint with security " + config.security()
                                + (mode == MessageSecurityMode.None ? "" : " " + config.mode())));
            }
            String pinned = config.serverCertificateSha256();
            if (pinned != null && mode != MessageSecurityMode.None) {
                // Checked before connecting for a clear answer; PinnedServerCertificate checks the channel's too.
                String offered;
                try {
                    offered = sha256(CertificateUtil.decodeCertificate(chosen.get().getServerCertificate().bytesOrEmpty()).getEncoded());
                } catch (UaException | java.security.cert.CertificateEncodingException e) {
                    return CompletableFuture.failedFuture(new UaException(StatusCodes.Bad_CertificateInvalid,
                            "the server's certificate cannot be read"));
                }
                if (!pinned.equals(offered)) {
                    return CompletableFuture.failedFuture(new UaException(StatusCodes.Bad_CertificateUntrusted,
                            "the server's certificate (sha256 " + offered + ") is not serverCertificateSha256"));
                }
            }
            // A server advertises its own host name, which the box may not resolve: use the configured address.
            EndpointDescription endpoint = EndpointUtil.updateUrl(chosen.get(), this.endpoint.getHost(), this.endpoint.getPort());
            OpcUaClientConfigBuilder cfg = OpcUaClientConfig.builder()
                    .setApplicationName(LocalizedText.english("SyncReady agent " + boxId))
                    .setApplicationUri(ClientIdentity.applicationUri(boxId))
                    .setProductUri("urn:syncready:agent")
                    .setEndpoint(endpoint)
                    .setRequestTimeout(uint(timeoutMs))
                    .setIdentityProvider(config.username() == null ? new AnonymousProvider()
                            : new UsernameProvider(config.username(), config.password()))
                    .setCertificateValidator(new PinnedServerCertificate());
            if (identity != null) {
                cfg.setKeyPair(identity.keyPair()).setCertificate(identity.certificate())
                        .setCertificateChain(new X509Certificate[] {identity.certificate()});
            }
            OpcTcpClientTransportConfigBuilder t = OpcTcpClientTransportConfig.newBuilder();
            withTimeouts.accept(t);
            OpcUaClient c = new OpcUaClient(cfg.build(), new OpcTcpClientTransport(t.build()));
            return c.connectAsync().whenComplete((ok, error) -> {
                if (error != null) {
                    c.disconnectAsync(); // no retrying in the background: the next attempt is ours, after a pause
                }
            });
        });
    }

    private void drop() {
        OpcUaClient c = client;
        client = null;
        if (c != null) {
            c.disconnectAsync();
        }
        CompletableFuture<OpcUaClient> pending = connecting;
        connecting = null;
        if (pending != null) {
            pending.thenAccept(OpcUaClient::disconnectAsync);
        }
    }

    void close() {
        drop();
    }

    private static String describe(Throwable t) {
        Optional<UaException> ua = UaException.extract(t);
        if (ua.isPresent()) {
            String name = statusName(ua.get().getStatusCode().value());
            String message = ua.get().getMessage();
            return message == null || message.isBlank() || message.startsWith("status=") ? name : name + ": " + firstLine(message);
        }
        if (t instanceof TimeoutException) {
            return "could not connect within " + CONNECT_TIMEOUT_MS / 1000 + " s";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    private static String sha256(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static String statusName(long code) {
        return StatusCodes.lookup(code).map(n -> n[0]).orElse(String.format("0x%08X", code));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 197) + "..." : line;
    }

    /** The server's certificate: the configured fingerprint only, or any (logged once) when none is configured. */
    private final class PinnedServerCertificate implements CertificateValidator {
        @Override
        public void validateCertificateChain(List<X509Certificate> chain, String applicationUri, String[] validHostnames)
                throws UaException {
            if (chain == null || chain.isEmpty()) {
                throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "the server sent no certificate");
            }
            String sha256;
            try {
                sha256 = sha256(chain.get(0).getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new UaException(StatusCodes.Bad_CertificateInvalid, "unreadable server certificate");
            }
            String pinned = config.serverCertificateSha256();
            if (pinned != null && !pinned.equals(sha256)) {
                throw new UaException(StatusCodes.Bad_CertificateUntrusted,
                        "server certificate sha256 " + sha256 + " is not the configured serverCertificateSha256");
            }
            if (pinned == null && !loggedCertificate) {
                loggedCertificate = true;
                log.info("{}: OPC UA server {} presented certificate sha256={} (accepted: no serverCertificateSha256 configured)",
                        boxId, config.endpoint(), sha256);
            }
        }
    }

    /** This round skips a server that failed recently; its items keep the failure as their error. */
    private static final class Paused extends Exception {
        Paused() {
            super("paused", null, false, false);
        }
    }
}
