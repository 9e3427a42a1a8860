package org.syncready.bench.sim;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.syncready.protocol.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of simulated boxes on a few Vert.x event loops. Connections are spread over several
 * loopback source addresses (127.0.0.x), so tens of thousands of them do not exhaust one address's
 * ephemeral ports.
 */
public final class FleetSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FleetSimulator.class);
    /** Client-side cap on unacknowledged QoS 1 publishes per box; below the broker's Receive Maximum (100). */
    static final int MAX_IN_FLIGHT = 64;

    /**
     * How the fleet connects and behaves. {@code faultShare} of the boxes (0..1) start with a broken
     * camera; {@code connectConcurrency} bounds CONNECTs in flight so a big fleet does not flood the broker.
     * {@code byException}: the boxes report by exception and {@code statusIntervalS} is their heartbeat,
     * announced in the birth ({@code heartbeatS}); otherwise they report every {@code statusIntervalS}.
     */
    public record Settings(String brokerHost, int brokerPort, List<String> sourceAddresses, int statusIntervalS,
                           double faultShare, int keepAliveS, int eventLoops, int connectConcurrency, String caPem,
                           boolean byException) {
        /** Plain MQTT. */
        public Settings(String brokerHost, int brokerPort, List<String> sourceAddresses, int statusIntervalS,
                        double faultShare, int keepAliveS, int eventLoops, int connectConcurrency) {
            this(brokerHost, brokerPort, sourceAddresses, statusIntervalS, faultShare, keepAliveS, eventLoops, connectConcurrency, null,
                    false);
        }

        public Settings {
            if (sourceAddresses.isEmpty()) {
                throw new IllegalArgumentException("at least one source address");
            }
            if (faultShare < 0 || faultShare > 1) {
                throw new IllegalArgumentException("faultShare must be 0..1, was " + faultShare);
            }
            sourceAddresses = List.copyOf(sourceAddresses);
            if (statusIntervalS < 1 || statusIntervalS > 3600) {
                throw new IllegalArgumentException("statusIntervalS (the heartbeat when by exception) must be 1..3600, was "
                        + statusIntervalS);
            }
        }

        /** Defaults: eight loopback source addresses, 10 s status, no faults, two event loops. */
        public static Settings of(String host, int port) {
            return new Settings(host, port, loopbackSources(8), 10, 0.0, 30, 2, 200);
        }

        public Settings withFaultShare(double share) {
            return new Settings(brokerHost, brokerPort, sourceAddresses, statusIntervalS, share, keepAliveS, eventLoops,
                    connectConcurrency, caPem, byException);
        }

        public Settings withStatusIntervalS(int seconds) {
            return new Settings(brokerHost, brokerPort, sourceAddresses, seconds, faultShare, keepAliveS, eventLoops,
                    connectConcurrency, caPem, byException);
        }

        /** Report by exception with this heartbeat: a status on a change (see {@link #startReportingByException}) and at least every {@code heartbeatS}. */
        public Settings withHeartbeatS(int heartbeatS) {
            return new Settings(brokerHost, brokerPort, sourceAddresses, heartbeatS, faultShare, keepAliveS, eventLoops,
                    connectConcurrency, caPem, true);
        }

        /** MQTT over TLS to {@code brokerPort}, trusting exactly this CA (PEM) with host names checked, as a box does. */
        public Settings withTls(String caPem) {
            return new Settings(brokerHost, brokerPort, sourceAddresses, statusIntervalS, faultShare, keepAliveS, eventLoops,
                    connectConcurrency, caPem, byException);
        }
    }

    /** 127.0.0.1 .. 127.0.0.n: Linux answers on the whole 127/8 without configuration. */
    public static List<String> loopbackSources(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "127.0.0." + i).toList();
    }

    /** A shared budget of statuses for {@link #burst}; boxes take from it until it is used up. */
    record Burst(AtomicLong remaining, int window) {
        boolean take() {
            return remaining.getAndDecrement() > 0;
        }
    }

    private final Settings settings;
    private final Vertx vertx;
    private final List<Context> loops;
    private final MessageCodec codec = new MessageCodec();
    private final SimCounters counters = new SimCounters();
    private final Map<String, SimulatedBox> boxes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
    /** The timer that makes boxes change (report by exception); -1 when none runs. */
    private volatile long changeTimer = -1;

    private FleetSimulator(Settings settings, Vertx vertx, List<Context> loops) {
        this.settings = settings;
        this.vertx = vertx;
        this.loops = loops;
    }

    public static FleetSimulator start(Settings settings) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.eventLoops()));
        List<Context> loops = new CopyOnWriteArrayList<>();
        // One verticle instance per event loop: each gets its own context, and boxes are spread over them.
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                loops.add(context);
            }
        }, new DeploymentOptions().setInstances(settings.eventLoops())).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new FleetSimulator(settings, vertx, new ArrayList<>(loops));
    }

    public SimCounters counters() {
        return counters;
    }

    public void addListener(StatusListener listener) {
        listeners.add(listener);
    }

    public int size() {
        return boxes.size();
    }

    /**
     * Connects the given boxes (at most {@code connectConcurrency} CONNECTs at a time) and waits until
     * each has sent state, birth and a first status, or failed. Returns how many connected.
     */
    public int connect(List<BoxCredentials> credentials, Duration timeout) throws InterruptedException {
        Semaphore permits = new Semaphore(settings.connectConcurrency());
        List<CompletableFuture<Boolean>> results = new ArrayList<>(credentials.size());
        long deadline = System.nanoTime() + timeout.toNanos();
        StatusListener fanOut = (id, seq, ts, fault) -> {
            for (StatusListener l : listeners) {
                l.statusSent(id, seq, ts, fault);
            }
        };
        int faulty = (int) Math.round(credentials.size() * settings.faultShare());
        for (int i = 0; i < credentials.size(); i++) {
            BoxCredentials c = credentials.get(i);
            int index = boxes.size();
            SimulatedBox box = new SimulatedBox(c, settings.sourceAddresses().get(index % settings.sourceAddresses().size()),
                    loops.get(index % loops.size()), vertx, codec, settings, counters, fanOut, i < faulty);
            boxes.put(c.boxId(), box);
            long left = deadline - System.nanoTime();
            if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            CompletableFuture<Boolean> result = new CompletableFuture<>();
            results.add(result);
            box.connect().onComplete(r -> {
                permits.release();
                result.complete(r.succeeded());
            });
        }
        int ok = 0;
        for (CompletableFuture<Boolean> r : results) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                if (r.get(left, TimeUnit.NANOSECONDS)) {
                    ok++;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // counted as not connected
            }
        }
        log.info("{} of {} boxes connected ({} connect failures so far)", ok, credentials.size(), counters.connectFailures());
        return ok;
    }

    /** Every box sends a status every {@code intervalMs} from now on, each at its own random phase. */
    public void startReporting(long intervalMs) {
        snapshot().forEach(b -> b.startReporting(intervalMs));
    }

    public void stopReporting() {
        long timer = changeTimer;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            changeTimer = -1;
        }
        snapshot().forEach(SimulatedBox::stopReporting);
    }

    /** Ticks of the change timer per second: changes are spread over the minute, not sent in bursts. */
    static final int CHANGE_TICKS_PER_S = 10;

    /**
     * Report by exception from now on: every box sends a status when it sent none for
     * {@code heartbeatMs} (each at its own random phase), and {@code changeSharePerMinute} of the boxes
     * (0..1; 0.01 is 1 %) change per minute — a random box's camera breaks or recovers and it reports
     * that at once — spread evenly over the minute.
     */
    public void startReportingByException(long heartbeatMs, double changeSharePerMinute) {
        if (changeSharePerMinute < 0 || changeSharePerMinute > 1) {
            throw new IllegalArgumentException("changeSharePerMinute must be 0..1, was " + changeSharePerMinute);
        }
        List<SimulatedBox> all = snapshot();
        all.forEach(b -> b.startHeartbeat(heartbeatMs));
        if (changeSharePerMinute == 0 || all.isEmpty()) {
            return;
        }
        double perTick = all.size() * changeSharePerMinute / (60.0 * CHANGE_TICKS_PER_S);
        double[] owed = {0};
        changeTimer = vertx.setPeriodic(1000 / CHANGE_TICKS_PER_S, t -> {
            owed[0] += perTick;
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            while (owed[0] >= 1) {
                owed[0] -= 1;
                all.get(random.nextInt(all.size())).change();
            }
        });
    }

    /**
     * Sends {@code total} statuses as fast as the broker takes them: every box sends back to back with
     * at most {@code windowPerBox} unacknowledged. The future completes when the broker acknowledged all
     * of them (PUBACK) or fails after {@code timeout}.
     */
    public CompletableFuture<Void> burst(long total, int windowPerBox, Duration timeout) {
        if (windowPerBox < 1 || windowPerBox > MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("windowPerBox must be 1.." + MAX_IN_FLIGHT);
        }
        long target = counters.acked() + total;
        Burst burst = new Burst(new AtomicLong(total), windowPerBox);
        snapshot().forEach(b -> b.joinBurst(burst));
        return CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            // Statuses only: nothing else is published during a burst, so acked reaching the target means all arrived.
            while (counters.acked() < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("burst not acknowledged in " + timeout + ": " + counters);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    /** Breaks (or repairs) the fault camera of one box; the box reports it at once. */
    public void setCameraFault(String boxId, boolean fault) {
        SimulatedBox box = boxes.get(boxId);
        if (box == null) {
            throw new IllegalArgumentException("no simulated box " + boxId);
        }
        box.setCameraFault(fault);
    }

    /** The seq of the last status each box sent; call when the fleet is quiet. */
    public Map<String, Long> lastStatusSeqs() throws Exception {
        return perBox(SimulatedBox::lastStatusSeq);
    }

    /** The config version each box last acknowledged as {@code applied} (-1: none yet). */
    public Map<String, Long> configVersions() throws Exception {
        return perBox(SimulatedBox::configVersion);
    }

    /** Reads one figure of every box on the box's own event loop (its fields are not shared). */
    private Map<String, Long> perBox(java.util.function.ToLongFunction<SimulatedBox> figure) throws Exception {
        Map<String, Long> values = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (SimulatedBox b : snapshot()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            b.run(() -> {
                values.put(b.boxId(), figure.applyAsLong(b));
                f.complete(null);
            });
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        return values;
    }

    private List<SimulatedBox> snapshot() {
        synchronized (boxes) {
            return new ArrayList<>(boxes.values());
        }
    }

    /**
     * Drops every connection without DISCONNECT, like boxes losing power: the broker publishes their
     * Wills. The simulator is unusable afterwards.
     */
    public void powerCut() {
        snapshot().forEach(SimulatedBox::markClosing);
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.info("simulator event loops did not stop cleanly: {}", e.toString());
        }
    }

    /** Disconnects every box cleanly (no Wills), then stops the event loops. */
    @Override
    public void close() {
        List<Future<Void>> disconnects = snapshot().stream().map(SimulatedBox::disconnect).toList();
        try {
            Future.join(disconnects).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.info("not every simulated box disconnected cleanly: {}", e.toString());
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.info("simulator event loops did not stop cleanly: {}", e.toString());
        }
    }
}
