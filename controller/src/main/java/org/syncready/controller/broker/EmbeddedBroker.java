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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.syncready.controller.metrics.ControllerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ CE running inside the controller's JVM. Its folders live under the controller's data folder
 * (without them HiveMQ writes into the jar's folder, binds 0.0.0.0 and phones home). With
 * {@link Settings#filePersistence} the broker keeps sessions, their queued messages and retained
 * messages in files under {@code data/}: a message a box had acknowledged (PUBACK) but the controller
 * had not yet stored survives a crash of the controller's process, which is the broker's too.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** What the broker listens on, how much it buffers per client, and whether that survives a crash. */
    public record Settings(String bindAddress, int port, int maxQueuedMessagesPerClient, boolean filePersistence) {
        /** In-memory persistence: everything the broker holds is lost when it stops. */
        public Settings(String bindAddress, int port, int maxQueuedMessagesPerClient) {
            this(bindAddress, port, maxQueuedMessagesPerClient, false);
        }
    }

    /**
     * Unacknowledged messages HiveMQ sends one subscriber at once. HiveMQ sends a batch of up to this
     * many, then waits until every one of them is acknowledged before it sends more; its default, 50,
     * would make ingest (which acknowledges only after each SQLite commit) commit 50 rows at a time. A
     * batch of 1,000 is one store-writer transaction. The subscriber's own Receive Maximum still caps it.
     */
    public static final int INFLIGHT_WINDOW = 1_000;

    private final EmbeddedHiveMQ hivemq;
    private final int port;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, int port) {
        this.hivemq = hivemq;
        this.port = port;
    }

    public static EmbeddedBroker start(Path home, Settings settings, BrokerAccess access, ControllerMetrics metrics)
            throws IOException {
        int port = settings.port() == 0 ? freePort(settings.bindAddress()) : settings.port();
        Path conf = Files.createDirectories(home.resolve("conf"));
        Path data = Files.createDirectories(home.resolve("data"));
        Path extensions = Files.createDirectories(home.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), configXml(settings, port), StandardCharsets.UTF_8);

        EmbeddedExtension extension = EmbeddedExtension.builder()
                .withId("syncready-access-control")
                .withName("SyncReady access control")
                .withVersion("1")
                .withPriority(1000)
                .withStartPriority(1000)
                .withExtensionMain(new BoxAccessControl(access, metrics))
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
        log.info("embedded MQTT broker listening on {}:{} (started in {} ms)", settings.bindAddress(), port,
                (System.nanoTime() - started) / 1_000_000);
        return new EmbeddedBroker(hivemq, port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("embedded MQTT broker did not stop cleanly: {}", e.toString());
        }
    }

    private static String configXml(Settings s, int port) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>%s</bind-address>
                    </tcp-listener>
                  </listeners>
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
                  </mqtt>
                  <persistence>
                    <mode>%s</mode>
                  </persistence>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, s.bindAddress(), s.maxQueuedMessagesPerClient(), s.filePersistence() ? "file" : "in-memory");
    }

    private static int freePort(String bindAddress) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
            return socket.getLocalPort();
        }
    }
}
