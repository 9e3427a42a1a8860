package org.syncready.agent.netcheck;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.config.AgentConfig;
import org.syncready.protocol.EchoPacket;

/**
 * The network checks that cost traffic or time (echo burst, uplink upload, NTP exchange), run on
 * their own thread at their own intervals and on demand (self-test); probe rounds only read the
 * latest results, so these checks never hold up a report. A failing check is logged when it starts
 * failing and when it recovers, not every time.
 */
public final class NetworkChecks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetworkChecks.class);
    private static final int ECHO_GRACE_MS = 1000;
    /** How long the controller may take to answer once the upload is sent. */
    private static final Duration UPLINK_ANSWER_TIMEOUT = Duration.ofSeconds(10);
    /** The longest one uplink test sends (docs/PROBES.md): short enough for a self-test to wait for. */
    static final Duration UPLINK_MAX_SENDING = Duration.ofSeconds(5);

    /** One check's latest outcome: a value, or the error of the last attempt (value then null). */
    public record Outcome<T>(T value, String error, long atMs) {
    }

    private final String boxId;
    private final AgentConfig.ControllerLink controller;
    private final AgentConfig.Ntp ntpConfig;
    private final EchoBurst echo;
    private final SpeedTestUpload uplink;
    private final NtpOffset ntp;
    private final ScheduledExecutorService thread;
    private volatile Outcome<EchoResult> lastEcho;
    private volatile Outcome<Integer> lastUplink;
    private volatile Outcome<Double> lastNtp;
    /** Until when the controller postponed uplink tests (epoch ms); tests before then are skipped. */
    private volatile long uplinkNotBeforeMs;
    private volatile boolean uplinkPostponed;
    /** The run of every check that {@link #refreshAll()} started and that is still going, or null. */
    private CompletableFuture<Void> refreshing;

    /** @param controller null: no echo or uplink; @param ntpConfig null: no NTP */
    public NetworkChecks(String boxId, String secret, AgentConfig.ControllerLink controller, AgentConfig.Ntp ntpConfig) {
        this(boxId, secret, controller, ntpConfig, null);
    }

    /** {@code https}: whom the speed test trusts for an https controller URL; null: the JVM's default. */
    public NetworkChecks(String boxId, String secret, AgentConfig.ControllerLink controller, AgentConfig.Ntp ntpConfig,
                         javax.net.ssl.SSLSocketFactory https) {
        this.boxId = boxId;
        this.controller = controller;
        this.ntpConfig = ntpConfig;
        this.echo = controller == null ? null : new EchoBurst(boxId, EchoPacket.key(secret));
        this.uplink = controller == null ? null
                : new SpeedTestUpload(controller.url(), boxId, secret, controller.uplinkBytes(), Duration.ofSeconds(5),
                UPLINK_MAX_SENDING, https);
        this.ntp = ntpConfig == null ? null
                : new NtpOffset(ntpConfig.server(), ntpConfig.port(), Duration.ofMillis(ntpConfig.timeoutMs()));
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "netcheck-" + boxId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the periodic checks. First runs are spread over a little while (the uplink test over up
     * to a minute), so a school's boxes powering up together do not test all at once.
     */
    public NetworkChecks start() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (controller != null) {
            thread.scheduleAtFixedRate(this::runEcho, r.nextLong(1_000, 5_000), controller.echoIntervalS() * 1000L, TimeUnit.MILLISECONDS);
            thread.scheduleAtFixedRate(this::runUplink, r.nextLong(5_000, 60_000), controller.uplinkIntervalS() * 1000L, TimeUnit.MILLISECONDS);
        }
        if (ntpConfig != null) {
            thread.scheduleAtFixedRate(this::runNtp, r.nextLong(1_000, 5_000), ntpConfig.intervalS() * 1000L, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Runs every check now (after whatever check is running); completes when all are done. While such
     * a run is going, another call joins it rather than queueing a second one. The echo goes first and
     * the upload last: an echo measured during an upload would measure the upload's queue.
     */
    public synchronized CompletableFuture<Void> refreshAll() {
        if (refreshing != null && !refreshing.isDone()) {
            return refreshing;
        }
        try {
            refreshing = CompletableFuture.runAsync(() -> {
                runEcho();
                runNtp();
                runUplink();
            }, thread);
            return refreshing;
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** What this box checks, for the birth's capability text. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (controller != null) {
            s.append("UDP echo to ").append(controller.echoHostOrUrlHost()).append(':').append(controller.echoPort())
                    .append(" every ").append(controller.echoIntervalS()).append(" s, uplink upload every ")
                    .append(controller.uplinkIntervalS()).append(" s");
        } else {
            s.append("no echo/uplink (no controller section)");
        }
        s.append(ntpConfig != null ? ", NTP " + ntpConfig.server() + " every " + ntpConfig.intervalS() + " s" : ", no NTP server configured");
        return s.toString();
    }

    /** The latest echo result, if younger than {@code maxAge}. */
    public Outcome<EchoResult> echo(long nowMs) {
        return fresh(lastEcho, controller == null ? 0 : controller.echoIntervalS(), nowMs);
    }

    public Outcome<Integer> uplink(long nowMs) {
        return fresh(lastUplink, controller == null ? 0 : controller.uplinkIntervalS(), nowMs);
    }

    public Outcome<Double> ntp(long nowMs) {
        return fresh(lastNtp, ntpConfig == null ? 0 : ntpConfig.intervalS(), nowMs);
    }

    /** A result older than three intervals says more about the past than about now: dropped. */
    private static <T> Outcome<T> fresh(Outcome<T> o, int intervalS, long nowMs) {
        return o == null || nowMs - o.atMs() > 3_000L * intervalS ? null : o;
    }

    void runEcho() {
        if (echo == null) {
            return;
        }
        Outcome<EchoResult> before = lastEcho;
        try {
            EchoResult r = echo.run(new InetSocketAddress(controller.echoHostOrUrlHost(), controller.echoPort()),
                    controller.echoCount(), controller.echoSpacingMs(), ECHO_GRACE_MS);
            String error = r.received() == 0 ? "no echo reply from " + controller.echoHostOrUrlHost() + ":" + controller.echoPort() : null;
            lastEcho = new Outcome<>(r, error, System.currentTimeMillis());
        } catch (Exception e) {
            lastEcho = new Outcome<>(null, "echo failed: " + message(e), System.currentTimeMillis());
        }
        logChange("echo", before, lastEcho);
    }

    void runUplink() {
        if (uplink == null) {
            return;
        }
        Outcome<Integer> before = lastUplink;
        long now = System.currentTimeMillis();
        if (now < uplinkNotBeforeMs) {
            // The controller asked us to wait: no request at all, the figure we have stands with its age.
            log.debug("{}: speed test skipped: postponed by the controller for {} ms more", boxId, uplinkNotBeforeMs - now);
            return;
        }
        try {
            lastUplink = new Outcome<>(uplink.run(UPLINK_ANSWER_TIMEOUT), null, System.currentTimeMillis());
            uplinkPostponed = false;
        } catch (SpeedTestUpload.UplinkException e) {
            if (e.retryLater) {
                // A clean postponement, not a failure: the last figure stays, with the time it was measured.
                uplinkNotBeforeMs = System.currentTimeMillis() + e.retryAfterMs;
                if (!uplinkPostponed) {
                    log.info("{}: speed test postponed by the controller for {} s; keeping the figure {}", boxId,
                            e.retryAfterMs / 1000, before == null || before.value() == null ? "(none yet)"
                                    : before.value() + " kbit/s from " + (System.currentTimeMillis() - before.atMs()) / 1000 + " s ago");
                }
                uplinkPostponed = true;
                return;
            }
            lastUplink = new Outcome<>(null, e.getMessage(), System.currentTimeMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            lastUplink = new Outcome<>(null, "speed test failed: " + message(e), System.currentTimeMillis());
        }
        logChange("uplink", before, lastUplink);
    }

    void runNtp() {
        if (ntp == null) {
            return;
        }
        Outcome<Double> before = lastNtp;
        try {
            lastNtp = new Outcome<>(ntp.measureMs(), null, System.currentTimeMillis());
        } catch (Exception e) {
            lastNtp = new Outcome<>(null, "NTP " + ntpConfig.server() + ": " + message(e), System.currentTimeMillis());
        }
        logChange("ntp", before, lastNtp);
    }

    private void logChange(String check, Outcome<?> before, Outcome<?> now) {
        String was = before == null ? null : before.error();
        if (now.error() != null && !now.error().equals(was)) {
            log.warn("{}: network check {} failing: {}", boxId, check, now.error());
        } else if (now.error() == null && was != null) {
            log.info("{}: network check {} recovered", boxId, check);
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
