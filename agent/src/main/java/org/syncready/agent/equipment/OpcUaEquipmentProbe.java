package org.syncready.agent.equipment;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.syncready.agent.config.EquipmentConfig;
import org.syncready.agent.probe.Probe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.EquipmentStatus;

/**
 * Reads the classroom's equipment over OPC UA: every configured server at once, each within
 * {@code equipment.timeoutMs}, one Read request for all of a server's items per round. A server that
 * does not answer in time, refuses the login or the security makes its items {@code unreachable};
 * a value that is not what it should be is {@code out-of-range}. Connections are kept between
 * rounds; a server that failed is retried with a growing pause (up to a minute), its items reported
 * unreachable meanwhile, so a dead server costs nothing per round and never holds up reporting.
 *
 * <p>Threads: one Netty event loop, two worker threads and one timer thread for all servers (Milo's
 * shared pools would start a thread per core on the box), all daemon, all named {@code opcua-*}.
 */
public final class OpcUaEquipmentProbe implements Probe<List<EquipmentStatus>>, AutoCloseable {
    private final List<ServerReader> servers = new ArrayList<>();
    private final NioEventLoopGroup eventLoop;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final long timeoutMs;

    public OpcUaEquipmentProbe(String boxId, EquipmentConfig config, Path dataDir) {
        this.timeoutMs = config.timeoutMs();
        eventLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("opcua-io", true));
        // Bounded by the work: at most a few tasks per server per round (one Read, its answer).
        executor = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1_000),
                new DefaultThreadFactory("opcua-work", true));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("opcua-timer", true));
        timer.setRemoveOnCancelPolicy(true);
        scheduler = timer;
        ClientIdentity identity = config.servers().stream().anyMatch(s -> s.security() != EquipmentConfig.Security.NONE)
                ? ClientIdentity.loadOrCreate(dataDir.resolve("opcua"), boxId) : null;
        for (EquipmentConfig.Server server : config.servers()) {
            servers.add(new ServerReader(boxId, server, identity, config.timeoutMs(), b -> b
                    .setEventLoop(eventLoop).setExecutor(executor).setScheduledExecutor(scheduler)
                    .setWheelTimer(Stack.sharedWheelTimer())));
        }
    }

    @Override
    public String name() {
        return "equipment";
    }

    @Override
    public List<EquipmentStatus> sample() throws Exception {
        List<CompletableFuture<List<DataValue>>> reads = new ArrayList<>(servers.size());
        for (ServerReader server : servers) {
            reads.add(server.read());
        }
        List<EquipmentStatus> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs + 200);
        for (int i = 0; i < reads.size(); i++) {
            long left = Math.max(0, deadline - System.nanoTime());
            out.addAll(servers.get(i).await(reads.get(i), left));
        }
        return out;
    }

    @Override
    public Capability capability() {
        return new Capability(true, null);
    }

    @Override
    public void close() {
        for (ServerReader server : servers) {
            server.close();
        }
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        executor.shutdownNow();
        scheduler.shutdownNow();
    }
}
