package org.syncready.agent.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.LinkNetworkProbe;
import org.syncready.protocol.EchoPacket;
import org.syncready.protocol.NetworkStatus;

/** The network probe with all checks on, against loopback stand-ins for the controller and NTP. */
class QualityNetworkProbeTest {
    @Test
    void aRefreshFillsRttJitterLossUplinkAndNtpOffset() throws Exception {
        try (TestEchoServer echo = new TestEchoServer(EchoPacket.key("pw"));
             TestSpeedtestSink sink = new TestSpeedtestSink("box-1", "pw");
             TestNtpServer ntp = new TestNtpServer(1_500, 2);
             UdpFaultProxy lossy = new UdpFaultProxy(echo.address(), n -> 0, n -> n % 5 == 0);
             ServerSocket streamServer = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            AgentConfig.ControllerLink link = new AgentConfig.ControllerLink(sink.url(), "127.0.0.1", lossy.address().getPort(),
                    60, 20, 5, 900, 64 * 1024);
            NetworkChecks checks = new NetworkChecks("box-1", "pw", link, new AgentConfig.Ntp("127.0.0.1", ntp.port(), 600, 1000));
            LinkNetworkProbe tcp = LinkNetworkProbe.ofHost("lo", List.of(new AgentConfig.Target("stream", "127.0.0.1",
                    streamServer.getLocalPort())), Duration.ofSeconds(1));
            try (QualityNetworkProbe probe = new QualityNetworkProbe(tcp, checks)) {
                NetworkStatus before = probe.sample();
                assertNull(before.lossPct(), "no echo yet: loss unknown");
                assertNull(before.uplinkKbps());

                assertTrue(probe.refresh(Duration.ofSeconds(20)));
                NetworkStatus s = probe.sample();
                assertEquals(20.0, s.lossPct());
                assertNotNull(s.rttMs());
                assertNotNull(s.jitterMs());
                assertTrue(s.uplinkKbps() > 0);
                assertEquals(-1_500, s.ntpOffsetMs(), 100, "server 1.5 s ahead: the box is 1.5 s behind");
                assertTrue(s.targets().get(0).reachable(), "TCP connect to the stream server still measured");
                assertNull(probe.checkErrors());
                assertTrue(probe.capability().detail().contains("UDP echo to 127.0.0.1:" + lossy.address().getPort()));
            }
        }
    }

    @Test
    void failingChecksLeaveTheirFiguresEmptyAndSayWhy() throws Exception {
        int dead;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        AgentConfig.ControllerLink link = new AgentConfig.ControllerLink("http://127.0.0.1:" + freeTcpPort(), "127.0.0.1",
                dead, 60, 5, 5, 900, 64 * 1024);
        NetworkChecks checks = new NetworkChecks("box-1", "pw", link, new AgentConfig.Ntp("127.0.0.1", dead, 600, 200));
        try (QualityNetworkProbe probe = new QualityNetworkProbe(LinkNetworkProbe.ofHost("lo", List.of(), Duration.ofSeconds(1)), checks)) {
            assertTrue(probe.refresh(Duration.ofSeconds(20)));
            NetworkStatus s = probe.sample();
            assertEquals(100.0, s.lossPct());
            assertNull(s.uplinkKbps());
            assertNull(s.ntpOffsetMs());
            String errors = probe.checkErrors();
            assertTrue(errors.contains("no echo reply") && errors.contains("speed test failed") && errors.contains("NTP 127.0.0.1"), errors);
        }
    }

    private static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
