package org.syncready.controller.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.syncready.controller.readiness.NetworkWindow.Figure;
import org.syncready.controller.readiness.NetworkWindow.Level;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.protocol.NetworkStatus;

class NetworkWindowTest {
    private final NetworkWindow window = new NetworkWindow(new ReadinessRules.Window(5, 900, 0.8));

    private static NetworkStatus net(Double rtt, Double loss) {
        return new NetworkStatus("up", "eth0", rtt, 2.0, loss, 20_000, 1.0, List.of());
    }

    @Test
    void aRepeatedFigureIsTheSameBurstAndCountsOnce() {
        window.observe("b", 1_000, net(20.0, 0.0));
        window.observe("b", 11_000, net(20.0, 0.0)); // a heartbeat status repeating the last burst
        window.observe("b", 21_000, net(500.0, 10.0));
        assertEquals(2, window.medians("b", 21_000).samples());
        assertEquals(20.0, window.medians("b", 21_000).rttMs(), "with two figures the lower one: a blip alone never decides");
        window.observe("b", 21_000, net(900.0, 10.0));
        assertEquals(2, window.medians("b", 21_000).samples(), "one status is taken once");
    }

    @Test
    void theMedianOfTheLastFiguresNoOlderThanTheWindow() {
        double[] rtts = {10, 300, 20, 310, 320, 330};
        for (int i = 0; i < rtts.length; i++) {
            window.observe("b", 1_000 + i * 60_000L, net(rtts[i], 0.0));
        }
        NetworkWindow.Medians m = window.medians("b", 1_000 + 5 * 60_000L);
        assertEquals(5, m.samples(), "the oldest of six dropped out");
        assertEquals(310.0, m.rttMs());
        NetworkWindow.Medians later = window.medians("b", 1_000 + 5 * 60_000L + 14 * 60_000L + 30_000);
        assertEquals(List.of(1, 330.0), List.of(later.samples(), later.rttMs()), "figures older than 15 minutes no longer count");
        assertNull(window.medians("other", 0).rttMs());
    }

    @Test
    void levelsRiseAtOnceAndFallOnlyWellUnderTheLimit() {
        assertEquals(Level.WARNING, window.level("b", SessionKind.LIVE, Figure.RTT, 160, 150, 400));
        assertEquals(Level.WARNING, window.level("b", SessionKind.LIVE, Figure.RTT, 130, 150, 400), "130 > 0.8 x 150");
        assertEquals(Level.BLOCKING, window.level("b", SessionKind.LIVE, Figure.RTT, 450, 150, 400));
        assertEquals(Level.BLOCKING, window.level("b", SessionKind.LIVE, Figure.RTT, 350, 150, 400), "350 > 0.8 x 400");
        assertEquals(Level.WARNING, window.level("b", SessionKind.LIVE, Figure.RTT, 300, 150, 400));
        assertEquals(Level.NONE, window.level("b", SessionKind.LIVE, Figure.RTT, 100, 150, 400));
        assertEquals(Level.NONE, window.level("b", SessionKind.LIVE, Figure.RTT, 140, 150, 400), "not raised again under the limit");
        assertEquals(Level.NONE, window.level("b", SessionKind.RECORDED, Figure.RTT, 300, 400, 1000), "each session kind has its own state");
    }
}
