package org.syncready.controller.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Every metric the controller exports, so their names live in one place and the Prometheus text on
 * {@code /metrics} matches the docs. Counters are created on first use per label value.
 */
public final class ControllerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DistributionSummary batchSize;
    private final Timer ingestLag;
    private final Timer storeLag;
    private final List<Object> held = new CopyOnWriteArrayList<>();

    public ControllerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        batchSize = DistributionSummary.builder("syncready.store.batch.size")
                .description("Rows written per SQLite transaction").publishPercentiles(0.5, 0.99).register(registry);
        ingestLag = Timer.builder("syncready.ingest.lag")
                .description("Controller receive time minus the box's timestamp (includes box clock skew)")
                .publishPercentiles(0.5, 0.99).maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
        storeLag = Timer.builder("syncready.store.write.lag")
                .description("From receiving a status to its row being committed")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    public void messageIn(String channel) {
        Counter.builder("syncready.ingest.messages").description("Messages received from boxes, by channel")
                .tag("channel", channel).register(registry).increment();
    }

    public void rejected(String reason) {
        Counter.builder("syncready.ingest.rejected").description("Messages refused, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    public void duplicate() {
        registry.counter("syncready.ingest.duplicates").increment();
    }

    public void gap(long missing) {
        registry.counter("syncready.ingest.gap.messages").increment(missing);
    }

    public void rebirthRequested() {
        registry.counter("syncready.ingest.rebirth.requests").increment();
    }

    public void authFailure(String reason) {
        Counter.builder("syncready.broker.auth.failures").description("MQTT connections refused at CONNECT")
                .tag("reason", reason).register(registry).increment();
    }

    public void aclDenied(String action) {
        Counter.builder("syncready.broker.acl.denied").description("Publishes and subscriptions outside the client's topic tree")
                .tag("action", action).register(registry).increment();
    }

    public void ingestLag(long millis) {
        ingestLag.record(Duration.ofMillis(Math.max(0, millis)));
    }

    public void storeBatch(int rows, long oldestReceivedAtMillis) {
        batchSize.record(rows);
        storeLag.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - oldestReceivedAtMillis)));
    }

    public void storeFailure() {
        registry.counter("syncready.store.write.failures").increment();
    }

    /** One packet at the UDP echo service, by outcome: answered, rate_limited, malformed, unknown_box, bad_signature. */
    public void echo(String outcome) {
        Counter.builder("syncready.echo.packets").description("UDP echo packets received, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** One speed-test upload, by outcome (ok, unauthorized, too_large, busy, too_soon, failed), and its bytes. */
    public void speedtest(String outcome, long bytes) {
        Counter.builder("syncready.speedtest.uploads").description("Speed-test uploads, by outcome")
                .tag("outcome", outcome).register(registry).increment();
        Counter.builder("syncready.speedtest.bytes").description("Bytes received by the speed-test sink")
                .register(registry).increment(bytes);
    }

    /**
     * One authentication decision of the API, by outcome: {@code ok_token}, {@code ok_password},
     * {@code ok_session}, {@code anonymous}, {@code malformed}, {@code wrong_credentials},
     * {@code token_unknown}, {@code token_expired}, {@code token_revoked}, {@code session_ended},
     * {@code user_disabled}, {@code throttled}, {@code csrf}, {@code forbidden}, {@code out_of_scope},
     * {@code rate_limited}.
     */
    public void apiAuth(String outcome) {
        Counter.builder("syncready.api.auth").description("API authentication and access decisions, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** One login at {@code POST /login}, by outcome: ok, failed, throttled. */
    public void login(String outcome, Duration took) {
        Timer.builder("syncready.api.logins").description("Logins at POST /login, by outcome, and how long they took")
                .tag("outcome", outcome).publishPercentiles(0.5, 0.99).register(registry).record(took);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A gauge with one tag, e.g. one per health condition. */
    public void gauge(String name, String description, String tag, String tagValue, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag(tag, tagValue).register(registry);
    }

    /** Throwables no code caught, by kind ({@code error}: the JVM is in doubt; {@code exception}); 0 registers it. */
    public void uncaughtFailure(String kind, int count) {
        Counter.builder("syncready.uncaught.failures").description("Throwables no code caught, by kind (error, exception)")
                .tag("kind", kind).register(registry).increment(count);
    }

    /** Messages acknowledged to the broker after their rows were committed, and acknowledgements a lost connection voided. */
    public void ingestAcknowledgements(Supplier<Number> sent, Supplier<Number> dropped) {
        // A function counter holds its object weakly, and a method reference held by nobody else would be
        // collected (the counter then reads NaN): this registry keeps them.
        held.add(sent);
        held.add(dropped);
        FunctionCounter.builder("syncready.ingest.acks.sent", sent, s -> s.get().doubleValue())
                .description("Messages acknowledged to the broker after their rows were committed").register(registry);
        FunctionCounter.builder("syncready.ingest.acks.dropped", dropped, s -> s.get().doubleValue())
                .description("Acknowledgements not sent because their connection was lost (the broker redelivers)").register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** A single counter's value, for tests and the health page. */
    public double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }
}
