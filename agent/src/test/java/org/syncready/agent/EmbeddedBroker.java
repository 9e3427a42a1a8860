package org.syncready.agent;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HiveMQ CE embedded on 127.0.0.1 and a free port, in-memory, with every folder inside a temp dir
 * (without them it writes into the Maven repository and binds 0.0.0.0:1883). It can be stopped and
 * started again on the same port, to test reconnects.
 */
final class EmbeddedBroker implements AutoCloseable {
    final int port;
    private final Path root;
    private EmbeddedHiveMQ hivemq;

    EmbeddedBroker(Path root) {
        this.root = root;
        this.port = freePort();
        try {
            Files.createDirectories(root.resolve("conf"));
            Files.createDirectories(root.resolve("data"));
            Files.createDirectories(root.resolve("extensions"));
            Files.writeString(root.resolve("conf/config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                        <listeners>
                            <tcp-listener>
                                <port>%d</port>
                                <bind-address>127.0.0.1</bind-address>
                            </tcp-listener>
                        </listeners>
                        <persistence>
                            <mode>in-memory</mode>
                        </persistence>
                        <anonymous-usage-statistics>
                            <enabled>false</enabled>
                        </anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    void start() {
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(root.resolve("conf"))
                .withDataFolder(root.resolve("data"))
                .withExtensionsFolder(root.resolve("extensions"))
                .withoutLoggingBootstrap()
                .build();
        hivemq.start().join();
    }

    void stop() {
        try {
            hivemq.stop().join();
            hivemq.close();
        } catch (Exception e) {
            throw new IllegalStateException("broker did not stop", e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
