package org.syncready.agent.netcheck;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.syncready.agent.probe.LinkNetworkProbe;
import org.syncready.agent.probe.NetworkProbe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.NetworkStatus;

/**
 * The uplink with its quality: link and TCP connect times from {@link LinkNetworkProbe} each round,
 * plus the latest {@link NetworkChecks} results. With a fresh echo result, {@code rttMs},
 * {@code jitterMs} and {@code lossPct} are the echo's (the path to the controller); without one they
 * fall back to the link probe's TCP-connect figures and loss stays unknown.
 */
public final class QualityNetworkProbe implements NetworkProbe, AutoCloseable {
    private final LinkNetworkProbe link;
    private final NetworkChecks checks;

    public QualityNetworkProbe(LinkNetworkProbe link, NetworkChecks checks) {
        this.link = link;
        this.checks = checks;
    }

    @Override
    public Capability capability() {
        return new Capability(true, link.capability().detail() + "; " + checks.describe());
    }

    @Override
    public NetworkStatus sample() throws Exception {
        NetworkStatus base = link.sample();
        long now = System.currentTimeMillis();
        NetworkChecks.Outcome<EchoResult> echo = checks.echo(now);
        NetworkChecks.Outcome<Integer> up = checks.uplink(now);
        NetworkChecks.Outcome<Double> ntp = checks.ntp(now);
        Double rtt = base.rttMs();
        Double jitter = base.jitterMs();
        Double loss = null;
        if (echo != null && echo.value() != null) {
            EchoResult r = echo.value();
            loss = r.lossPct();
            rtt = r.rttMs();
            jitter = r.jitterMs();
        }
        boolean upKnown = up != null && up.value() != null;
        boolean ntpKnown = ntp != null && ntp.value() != null;
        return new NetworkStatus(base.link(), base.iface(), rtt, jitter, loss,
                upKnown ? up.value() : null, ntpKnown ? ntp.value() : null, base.targets(),
                upKnown ? up.atMs() : null, ntpKnown ? ntp.atMs() : null);
    }

    /** Starts every check now, unless a run started this way is still going; returns at once. */
    public void start() {
        checks.refreshAll();
    }

    /**
     * Runs every check now (or joins the run {@link #start()} began) and waits for them at most
     * {@code maxWait} (a self-test must answer before the controller gives up on it); a check still
     * running then reports in a later status.
     *
     * @return true when all checks finished in time
     */
    public boolean refresh(Duration maxWait) {
        try {
            checks.refreshAll().get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Errors of the latest checks, for the self-test report; null when all are fine. */
    public String checkErrors() {
        long now = System.currentTimeMillis();
        StringBuilder s = new StringBuilder();
        for (NetworkChecks.Outcome<?> o : new NetworkChecks.Outcome<?>[]{checks.echo(now), checks.uplink(now), checks.ntp(now)}) {
            if (o != null && o.error() != null) {
                s.append(s.length() == 0 ? "" : "; ").append(o.error());
            }
        }
        return s.length() == 0 ? null : s.toString();
    }

    @Override
    public void close() {
        checks.close();
    }
}
