package org.syncready.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;

/** LinkNetworkProbe on fixture /proc and /sys files, with real loopback TCP targets. */
class LinkNetworkProbeTest {
    @TempDir
    Path dir;
    Path proc;
    Path sys;
    ServerSocket listening;
    int closedPort;

    @BeforeEach
    void fixtures() throws IOException {
        proc = Files.createDirectories(dir.resolve("proc/net")).getParent();
        sys = dir.resolve("sys");
        Files.writeString(proc.resolve("net/route"), """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
                eth9\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
                eth9\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
                """);
        operstate("eth9", "up");
        operstate("eth3", "down");
        listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterEach
    void close() throws IOException {
        listening.close();
    }

    @Test
    void picksTheDefaultRouteInterfaceAndTimesTcpConnects() throws IOException {
        LinkNetworkProbe probe = new LinkNetworkProbe(proc, sys, null, List.of(
                new AgentConfig.Target("controller", "127.0.0.1", listening.getLocalPort()),
                new AgentConfig.Target("stream", "127.0.0.1", closedPort)), Duration.ofSeconds(2));
        NetworkStatus n = probe.sample();
        assertEquals("eth9", n.iface(), "lowest-metric default route");
        assertEquals("up", n.link());
        NetworkTarget controller = n.targets().get(0);
        assertTrue(controller.reachable());
        assertNotNull(controller.rttMs());
        assertNull(controller.error());
        NetworkTarget stream = n.targets().get(1);
        assertFalse(stream.reachable());
        assertEquals("connection refused", stream.error());
        assertEquals(controller.rttMs(), n.rttMs(), 0.1, "median of the reachable targets");
        assertNull(n.jitterMs(), "no jitter from a single sample");
        assertNotNull(probe.sample().jitterMs(), "jitter from the change between samples");
    }

    @Test
    void aConfiguredInterfaceWinsAndReportsItsLink() throws IOException {
        NetworkStatus n = new LinkNetworkProbe(proc, sys, "eth3", List.of(), Duration.ofSeconds(1)).sample();
        assertEquals("eth3", n.iface());
        assertEquals("down", n.link());
        assertNull(n.rttMs());
    }

    @Test
    void withoutADefaultRouteTheLinkIsUnknown() throws IOException {
        NetworkStatus n = new LinkNetworkProbe(dir.resolve("empty"), sys, null,
                List.of(new AgentConfig.Target("x", "127.0.0.1", closedPort)), Duration.ofSeconds(1)).sample();
        assertNull(n.iface());
        assertEquals("unknown", n.link());
        assertFalse(n.targets().get(0).reachable());
    }

    @Test
    void medianOfSeveralReachableTargets() throws IOException {
        try (ServerSocket second = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket third = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            NetworkStatus n = new LinkNetworkProbe(proc, sys, null, List.of(
                    new AgentConfig.Target("a", "127.0.0.1", listening.getLocalPort()),
                    new AgentConfig.Target("b", "127.0.0.1", second.getLocalPort()),
                    new AgentConfig.Target("c", "127.0.0.1", third.getLocalPort())), Duration.ofSeconds(2)).sample();
            List<Double> rtts = n.targets().stream().map(NetworkTarget::rttMs).sorted().toList();
            assertEquals(3, rtts.size());
            assertEquals(Math.round(rtts.get(1) * 10) / 10.0, n.rttMs(), 0.051);
        }
    }

    private void operstate(String iface, String state) throws IOException {
        Files.createDirectories(sys.resolve("class/net").resolve(iface));
        Files.writeString(sys.resolve("class/net").resolve(iface).resolve("operstate"), state + "\n");
    }
}
