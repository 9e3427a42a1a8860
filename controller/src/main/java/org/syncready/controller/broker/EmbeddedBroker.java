package org.syncready.controller.broker;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ CE running inside the controller's JVM. Its folders live under the controller's data folder
 * (without them HiveMQ writes into the jar's folder, binds 0.0.0.0 and phones home). With
 * {@link Settings#filePersistence} the broker keeps sessions, their queued messages and retained
 * messages in files under {@code data/}: a message a box had acknowledged (PUBACK) but the controller
 * had not yet stored survives a crash of the controller's process, which is the broker's too.
 *
 * <p>Two listeners: plain MQTT (the controller's own client, tools and the demo on this machine) and,
 * when {@link Settings#tls()} is given, MQTT over TLS for boxes. HiveMQ CE reads its TLS key from a JKS
 * key store only, so the PEM identity is written to {@code conf/server.jks} (0600) with a new random
 * password at every start; {@code config.xml}, which names that password, is 0600 too.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    /**
     * What the broker listens on (plain MQTT on {@code bindAddress:port}, and MQTT over TLS when
     * {@code tls} is not null), how much it buffers per client, and whether that survives a crash.
     */
    public record Settings(String bindAddress, int port, int maxQueuedMessagesPerClient, boolean filePersistence,
                           TlsListener tls) {
        /** In-memory persistence: everything the broker holds is lost when it stops. Plain MQTT only. */
        public Settings(String bindAddress, int port, int maxQueuedMessagesPerClient) {
            this(bindAddress, port, maxQueuedMessagesPerClient, false, null);
        }

        /** Plain MQTT only. */
        public Settings(String bindAddress, int port, int maxQueuedMessagesPerClient, boolean filePersistence) {
            this(bindAddress, port, maxQueuedMessagesPerClient, filePersistence, null);
        }
    }

    /** MQTT over TLS on {@code bindAddress:port} (0: a free one), presenting {@code identity}. */
    public record TlsListener(String bindAddress, int port, TlsIdentity identity) {
    }

    /**
     * Unacknowledged messages HiveMQ sends one subscriber at once. HiveMQ sends a batch of up to this
     * many, then waits until every one of them is acknowledged before it sends more; its default, 50,
     * would make ingest (which acknowledges only after each SQLite commit) commit 50 rows at a time. A
     * batch of 1,000 is one store-writer transaction. The subscriber's own Receive Maximum still caps it.
     */
    public static final int INFLIGHT_WINDOW = 1_000;

    /**
     * A publish held for in-broker ingest longer than this (the store failing) has its connection
     * closed, so the box sends it again later ({@link HeldPublishes}).
     */
    static final long HOLD_BEFORE_DISCONNECT_MS = 60_000;

    private final EmbeddedHiveMQ hivemq;
    private final BoxAccessControl access;
    private final HeldPublishes holds;
    private final ScheduledExecutorService sweeper;
    private final int port;
    private final int tlsPort;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, BoxAccessControl access, HeldPublishes holds, ScheduledExecutorService sweeper,
                           int port, int tlsPort) {
        this.hivemq = hivemq;
        this.access = access;
        this.holds = holds;
        this.sweeper = sweeper;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /** Without in-broker ingest: every publish goes to its subscribers, acknowledged as HiveMQ does. */
    public static EmbeddedBroker start(Path home, Settings settings, BrokerAccess accessCheck, ControllerMetrics metrics)
            throws IOException {
        return start(home, settings, accessCheck, metrics, null);
    }

    /**
     * With {@code inbox} (may be null), the publishes it takes go to it first, and their PUBACK waits
     * until it has kept them (see {@link BrokerInbox}).
     */
    public static EmbeddedBroker start(Path home, Settings settings, BrokerAccess accessCheck, ControllerMetrics metrics,
                                       BrokerInbox inbox) throws IOException {
        return start(home, settings, accessCheck, metrics, inbox, HOLD_BEFORE_DISCONNECT_MS);
    }

    static EmbeddedBroker start(Path home, Settings settings, BrokerAccess accessCheck, ControllerMetrics metrics,
                                BrokerInbox inbox, long holdBeforeDisconnectMs) throws IOException {
        int port = settings.port() == 0 ? freePort(settings.bindAddress()) : settings.port();
        Path conf = Files.createDirectories(home.resolve("conf"));
        Path data = Files.createDirectories(home.resolve("data"));
        Path extensions = Files.createDirectories(home.resolve("extensions"));
        TlsListener tls = settings.tls();
        int tlsPort = -1;
        String tlsXml = "";
        if (tls != null) {
            tlsPort = tls.port() == 0 ? freePort(tls.bindAddress()) : tls.port();
            Path keyStore = conf.resolve("server.jks");
            char[] password = TlsIdentity.newKeyStorePassword();
            tls.identity().writeKeyStore(keyStore, password);
            tlsXml = tlsListenerXml(tls.bindAddress(), tlsPort, keyStore, new String(password));
        }
        Path configXml = conf.resolve("config.xml");
        Files.deleteIfExists(configXml);
        Files.createFile(configXml, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(configXml, configXml(settings, port, tlsXml), StandardCharsets.UTF_8);

        HeldPublishes holds = new HeldPublishes(holdBeforeDisconnectMs, System::currentTimeMillis);
        BoxAccessControl access = new BoxAccessControl(accessCheck, metrics, inbox, holds);
        EmbeddedExtension extension = EmbeddedExtension.builder()
                .withId("syncready-access-control")
                .withName("SyncReady access control")
                .withVersion("1")
                .withPriority(1000)
                .withStartPriority(1000)
                .withExtensionMain(access)
                .build();
        // HiveMQ CE reads these from public static fields, with no configuration file option; JVM-wide,
        // pinned with the HiveMQ version (EmbeddedBrokerWindowTest fails if they stop working).
        InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = INFLIGHT_WINDOW;
        InternalConfigurations.PUBLISH_POLL_BATCH_SIZE = INFLIGHT_WINDOW;
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withEmbeddedExtension(extension)
                .withoutLoggingBootstrap()
                .build();
        long started = System.nanoTime();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the embedded broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("embedded MQTT broker did not start on " + settings.bindAddress() + ":" + port
                    + ": " + e.getMessage(), e);
        }
        if (tls != null) {
            log.info("embedded MQTT broker listening on {}:{} and over TLS on {}:{} (started in {} ms)", settings.bindAddress(), port,
                    tls.bindAddress(), tlsPort, (System.nanoTime() - started) / 1_000_000);
        } else {
            log.info("embedded MQTT broker listening on {}:{} (started in {} ms)", settings.bindAddress(), port,
                    (System.nanoTime() - started) / 1_000_000);
        }
        ScheduledExecutorService sweeper = null;
        if (inbox != null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "broker-held-sweep");
                t.setDaemon(true);
                return t;
            });
            sweeper.scheduleWithFixedDelay(() -> {
                try {
                    holds.sweep(clientId -> access.disconnectSlow(clientId));
                } catch (RuntimeException e) {
                    log.warn("sweep of held publishes failed: {}", e.toString());
                }
            }, 1, 1, TimeUnit.SECONDS);
            metrics.gauge("syncready.ingest.held", "Box publishes whose PUBACK waits for in-broker ingest's commit", holds::waiting);
        }
        return new EmbeddedBroker(hivemq, access, holds, sweeper, port, tlsPort);
    }

    /** Publishes held for in-broker ingest now. */
    public int heldPublishes() {
        return holds.waiting();
    }

    /** Publishes let go to their PUBACK after in-broker ingest kept them. */
    public long heldReleased() {
        return holds.released();
    }

    /** Publishes whose connection was closed because in-broker ingest held them too long (the box sends them again). */
    public long heldAbandoned() {
        return holds.abandoned();
    }

    /** The plain listener's port. */
    public int port() {
        return port;
    }

    /** The TLS listener's port; -1 without one. */
    public int tlsPort() {
        return tlsPort;
    }

    /**
     * Closes the connection of {@code clientId} now, if it has one (a revoked box, a rotated secret).
     * The future says whether a connection was closed.
     */
    public CompletableFuture<Boolean> disconnect(String clientId) {
        return access.disconnect(clientId);
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("embedded MQTT broker did not stop cleanly: {}", e.toString());
        }
    }

    private static String tlsListenerXml(String bind, int port, Path keyStore, String password) {
        return """
                    <tls-tcp-listener>
                      <port>%d</port>
                      <bind-address>%s</bind-address>
                      <name>mqtt-tls</name>
                      <tls>
                        <keystore>
                          <path>%s</path>
                          <password>%s</password>
                          <private-key-password>%s</private-key-password>
                        </keystore>
                        <protocols>
                          <protocol>TLSv1.3</protocol>
                          <protocol>TLSv1.2</protocol>
                        </protocols>
                        <client-authentication-mode>NONE</client-authentication-mode>
                      </tls>
                    </tls-tcp-listener>
                """.formatted(port, xml(bind), xml(keyStore.toAbsolutePath().toString()), password, password);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String configXml(Settings s, int port, String tlsListenerXml) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>%s</bind-address>
                      <name>mqtt-plain</name>
                    </tcp-listener>
                %s  </listeners>
                  <mqtt>
                    <queued-messages>
                      <!-- HiveMQ's default of 1000 drops messages for a busy subscriber such as the controller's ingest. -->
                      <max-queue-size>%d</max-queue-size>
                      <strategy>discard</strategy>
                    </queued-messages>
                    <packets>
                      <!-- Bigger than the protocol's 64 KiB so an oversized payload is counted, not a disconnect; small enough to bound memory. -->
                      <max-packet-size>4194304</max-packet-size>
                    </packets>
                    <receive-maximum>
                      <server-receive-maximum>100</server-receive-maximum>
                    </receive-maximum>
                    <quality-of-service>
                      <!-- The protocol uses QoS 1 only; in-broker ingest holds PUBACKs, never PUBRECs. -->
                      <max-qos>1</max-qos>
                    </quality-of-service>
                  </mqtt>
                  <persistence>
                    <mode>%s</mode>
                  </persistence>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, xml(s.bindAddress()), tlsListenerXml, s.maxQueuedMessagesPerClient(),
                s.filePersistence() ? "file" : "in-memory");
    }

    private static int freePort(String bindAddress) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
            return socket.getLocalPort();
        }
    }
}
